"""When the simulated API reveals secrets: password values and Password-kind traits.

IT Glue API facts: passwords' list answers "carry no password value; show has `show_password`
(default true)"; a key "has its own 'Password Access' flag; without it password values are never
returned (a report says `show_password=true` then answers 401)"; flexible asset traits of
Password-kind fields are secrets too. The dataset files hold the secrets; this module decides,
per response, whether they stay::

    reveal = reveal_secrets(request.query_params.get("show_password"), has_password_access)
    shown = SecretFilter(dataset, reveal).apply(record)

Hidden secrets are removed from the record (the key is absent), never blanked. The stored
record is not modified: a filtered copy is returned. Secret traits are found through the asset's
type (``flexible-asset-type-id``) and that type's ``flexible-asset-fields`` relationship, matched
by ``name-key``; an asset whose type is not in the dataset keeps all its traits.
"""

from __future__ import annotations

from typing import Any

from itglue_mcp.itglue.simulator.dataset import Dataset
from itglue_mcp.itglue.simulator.query import canonical_id
from itglue_mcp.itglue.simulator.responses import ApiError

__all__ = ["PASSWORD_SECRET_ATTRIBUTES", "SecretFilter", "reveal_secrets"]

Record = dict[str, Any]

# OTP seeds are secrets like the password itself (architecture: "Secrets (password values,
# Password-kind traits, OTP seeds)").
PASSWORD_SECRET_ATTRIBUTES = ("password", "otp-secret")


def reveal_secrets(show_password: str | None, has_password_access: bool) -> bool:
    """Decide whether a show response reveals secret values.

    Args:
        show_password: the ``show_password`` query parameter, ``None`` when absent.
        has_password_access: the API key's Password Access flag.

    Returns:
        ``True`` only when the key has Password Access and ``show_password`` is not ``false``.

    Raises:
        ApiError: 401 when ``show_password=true`` is sent with a key lacking Password Access
            (reported behaviour); 422 when ``show_password`` is neither true nor false.
    """
    if show_password is None:
        return has_password_access
    text = show_password.strip().lower()
    if text in ("false", "0"):
        return False
    if text not in ("true", "1"):
        raise ApiError(422, "show_password must be true or false")
    if not has_password_access:
        raise ApiError(401, "This API key does not have Password Access")
    return True


class SecretFilter:
    """Removes secrets from records unless revealing was decided for this response.

    Args:
        dataset: the account, read for flexible asset types and their fields.
        reveal: keep secrets (only for the show route of the record itself, see
            :func:`reveal_secrets`); list rows and ``included`` entries always use ``False``.
    """

    def __init__(self, dataset: Dataset, reveal: bool) -> None:
        self._dataset = dataset
        self._reveal = reveal
        self._trait_keys: dict[str | None, frozenset[str]] = {}

    def apply(self, record: Record) -> Record:
        """``record`` itself when nothing is hidden, otherwise a copy without its secrets."""
        if self._reveal:
            return record
        if record["type"] == "passwords":
            return _without_attributes(record, PASSWORD_SECRET_ATTRIBUTES)
        if record["type"] == "flexible-assets":
            return self._without_secret_traits(record)
        return record

    def _without_secret_traits(self, record: Record) -> Record:
        traits = record["attributes"].get("traits")
        if not isinstance(traits, dict):
            return record
        secret = self._secret_trait_keys(record["attributes"].get("flexible-asset-type-id"))
        if secret.isdisjoint(traits):
            return record
        kept = {key: value for key, value in traits.items() if key not in secret}
        return {**record, "attributes": {**record["attributes"], "traits": kept}}

    def _secret_trait_keys(self, type_id: object) -> frozenset[str]:
        """``name-key`` of every Password-kind field of a flexible asset type, memoised."""
        key = canonical_id(type_id)
        if key not in self._trait_keys:
            asset_type = self._dataset.get("flexible-asset-types", key) if key else None
            fields = (
                self._dataset.related(asset_type, "flexible-asset-fields") if asset_type else []
            )
            names = (
                field["attributes"].get("name-key")
                for field in fields
                if field["attributes"].get("kind") == "Password"
            )
            self._trait_keys[key] = frozenset(name for name in names if isinstance(name, str))
        return self._trait_keys[key]


def _without_attributes(record: Record, names: tuple[str, ...]) -> Record:
    attributes = record["attributes"]
    if not any(name in attributes for name in names):
        return record
    kept = {key: value for key, value in attributes.items() if key not in names}
    return {**record, "attributes": kept}
