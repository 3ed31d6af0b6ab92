"""The generated dataset as the evaluation's ground truth: which records exist, what they hold.

Answers are checked against the dataset directory the server's store was synced from (the
JSON:API list files the generator writes), never against the server itself: a cited record
must exist there, belong to the organization asked about, and hold the value a fact claims.
Secret values (``password`` of passwords, Password-kind traits of flexible assets) are kept
apart: they never count as supporting a fact, and an answer containing one is a leak::

    dataset = ReferenceDataset.load(Path(".itglue-mcp/datasets/demo-10-7"))
    record = dataset.record("configurations", "4215003")
    dataset.supports(record, "10.10.10.1")  # True
    dataset.organization_id("ACME")         # 2104802
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from itglue_mcp.errors import ItglueMcpError
from itglue_mcp.itglue.dataset.writer import LIST_FILES

__all__ = [
    "MIN_SECRET_LENGTH",
    "DatasetRecord",
    "ReferenceDataset",
    "ReferenceDatasetError",
    "normalise",
]

MIN_SECRET_LENGTH = 8
"""Shorter secret values are not searched for in answers (they would match ordinary text)."""

_EXPIRING_TYPES = {
    "Configuration": "configurations",
    "Domain": "domains",
    "FlexibleAsset": "flexible-assets",
}
"""``resource-type-name`` of an expiration -> the JSON:API type of the record it belongs to."""

_SPACE = re.compile(r"\s+")
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})[t ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(?:z|[+-]00:?00)?$")
_TAG = re.compile(r"<[^>]+>")
_SEPARATOR = "\x00"  # between attribute values, so a match never spans two of them


class ReferenceDatasetError(ItglueMcpError):
    """The dataset directory cannot be read, or a reference into it does not resolve."""


def normalise(value: str) -> str:
    """How values are compared: HTML entities decoded, whitespace collapsed, case-folded, and
    a UTC timestamp written one way (``2025-09-13t11:07:55``, whatever its fraction or zone)."""
    text = _SPACE.sub(" ", html.unescape(value)).strip().casefold()
    stamp = _TIMESTAMP.match(text)
    return f"{stamp[1]}t{stamp[2]}" if stamp else text


@dataclass(frozen=True, slots=True)
class DatasetRecord:
    """One top-level record of the dataset, reduced to what answers are checked against.

    Attributes:
        record_type: JSON:API type, e.g. ``configurations``.
        record_id: IT Glue id, as a string (as citations carry it).
        organization_id: its organization (an organization's own id for organizations;
            ``None`` for account-wide lookup records).
        name: its ``name`` attribute.
        attributes: the raw attributes (secrets included: never print them).
        keys: attribute names of the record and of its included children (kebab case).
        text: every non-secret attribute value of the record and of its included children
            (interfaces, related items, traits), normalised, separated by NUL characters.
    """

    record_type: str
    record_id: str
    organization_id: int | None
    name: str | None
    attributes: dict[str, Any]
    keys: frozenset[str]
    text: str


def _leaves(value: Any, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    """Every scalar inside ``value`` as text (keys in ``skip`` left out), HTML also as text."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from _leaves(item, skip)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, skip)
    elif isinstance(value, bool):
        yield "true" if value else "false"
    elif isinstance(value, int | float):
        yield str(value)
    elif isinstance(value, str):
        yield value
        if "<" in value:
            yield _TAG.sub(" ", value)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise ReferenceDatasetError(f"dataset: cannot read {path.name} ({exc.strerror})") from None
    except json.JSONDecodeError:
        raise ReferenceDatasetError(f"dataset: {path.name} is not valid JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        raise ReferenceDatasetError(f"dataset: {path.name} has no data list")
    return document


def _keys(value: Any) -> Iterator[str]:
    """Every mapping key inside ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def _secret_keys(directory: Path) -> frozenset[str]:
    """Trait keys of Password-kind flexible asset fields (their values are secrets)."""
    document = _read(directory / LIST_FILES["flexible-asset-types"])
    return frozenset(
        str(item["attributes"]["name-key"])
        for item in document.get("included", [])
        if item.get("type") == "flexible-asset-fields"
        and item["attributes"].get("kind") == "Password"
    )


class ReferenceDataset:
    """Every top-level record of one generated dataset directory, indexed for checking.

    Build with :meth:`load`.
    """

    def __init__(self, records: Iterable[DatasetRecord], secrets: Iterable[str]) -> None:
        self._records = {(r.record_type, r.record_id): r for r in records}
        self._secrets = frozenset(s for s in secrets if len(s) >= MIN_SECRET_LENGTH)
        self._organizations = [
            r for r in self._records.values() if r.record_type == "organizations"
        ]

    @classmethod
    def load(cls, directory: Path) -> ReferenceDataset:
        """Read every list file of a dataset directory (about 1 s for 10 organizations).

        Raises:
            ReferenceDatasetError: a list file is missing or malformed.
        """
        directory = Path(directory)
        trait_secrets = _secret_keys(directory)
        records: list[DatasetRecord] = []
        secrets: list[str] = []
        for record_type, filename in LIST_FILES.items():
            document = _read(directory / filename)
            included = {(i["type"], i["id"]): i for i in document.get("included", [])}
            for item in document["data"]:
                attributes = item["attributes"]
                skip = frozenset({"password"})
                if record_type == "passwords" and attributes.get("password"):
                    secrets.append(str(attributes["password"]))
                traits = attributes.get("traits")
                if isinstance(traits, dict):
                    hidden = trait_secrets & traits.keys()
                    secrets.extend(str(traits[k]) for k in hidden if isinstance(traits[k], str))
                    attributes = {**attributes, "traits": {
                        k: v for k, v in traits.items() if k not in hidden
                    }}  # fmt: skip
                children = [
                    included[(ref["type"], ref["id"])]["attributes"]
                    for relation in item.get("relationships", {}).values()
                    for ref in relation.get("data", [])
                    if (ref["type"], ref["id"]) in included
                ]
                leaves = [*_leaves(attributes, skip), *_leaves(children, skip)]
                organization = attributes.get("organization-id")
                if record_type == "organizations":
                    organization = int(item["id"])
                records.append(
                    DatasetRecord(
                        record_type=record_type,
                        record_id=str(item["id"]),
                        organization_id=None if organization is None else int(organization),
                        name=None if attributes.get("name") is None else str(attributes["name"]),
                        attributes=item["attributes"],
                        keys=frozenset(_keys([attributes, children])),
                        text=_SEPARATOR.join(normalise(leaf) for leaf in leaves),
                    )
                )
        return cls(records, secrets)

    def __len__(self) -> int:
        return len(self._records)

    def record(self, record_type: str, record_id: str) -> DatasetRecord | None:
        """The record, or ``None`` when the dataset has no such record."""
        return self._records.get((record_type, str(record_id)))

    def records(self, organization_id: int | None = None) -> Iterator[DatasetRecord]:
        """Every record, or those of one organization (the organization record included)."""
        for record in self._records.values():
            if organization_id is None or record.organization_id == organization_id:
                yield record

    def supports(self, record: DatasetRecord, value: str) -> bool:
        """Whether ``value`` occurs in a non-secret attribute of ``record`` (or its children).

        Compared after :func:`normalise`; a secret value never counts as supported.
        """
        wanted = normalise(value)
        return bool(wanted) and _SEPARATOR not in wanted and wanted in record.text

    def leaked_secrets(self, text: str) -> int:
        """How many distinct secret values of the dataset occur verbatim in ``text``."""
        return sum(1 for secret in self._secrets if secret in text)

    def redact(self, text: str) -> str:
        """``text`` with every secret value of the dataset replaced by ``[secret]``."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, "[secret]")
        return text

    def organization_candidates(self, reference: str) -> list[tuple[int, str]]:
        """Organizations a question's reference may mean: ``(id, name)`` pairs.

        Exact id, name or short name (any case) first; failing that, names starting with
        ``reference``; failing that, names containing it — deliberately stricter than the
        server's fuzzy resolver, so a question set cannot depend on a guess.
        """
        wanted = reference.strip().casefold()

        def exact(org: DatasetRecord) -> bool:
            short = str(org.attributes.get("short-name") or "").casefold()
            return wanted in {org.record_id, (org.name or "").casefold(), short}

        for matches in (
            exact,
            lambda org: (org.name or "").casefold().startswith(wanted),
            lambda org: wanted in (org.name or "").casefold(),
        ):
            found = [(int(o.record_id), str(o.name)) for o in self._organizations if matches(o)]
            if found:
                return found
        return []

    def organization_id(self, reference: str) -> int:
        """The one organization ``reference`` names (see :meth:`organization_candidates`).

        Raises:
            ReferenceDatasetError: no organization, or several, match.
        """
        found = self.organization_candidates(reference)
        if len(found) == 1:
            return found[0][0]
        if found:
            names = ", ".join(sorted(name for _, name in found))
            raise ReferenceDatasetError(
                f"organization: {reference!r} matches several organizations ({names})"
            )
        raise ReferenceDatasetError(f"organization: no organization matches {reference!r}")

    def expiring(
        self, organization_id: int | None, today: date, within_days: int
    ) -> frozenset[tuple[str, str]]:
        """Expirations falling due in ``[today, today + within_days]``, and their records.

        Returns:
            ``(record_type, record_id)`` of each such expiration and of the configuration,
            domain or flexible asset it belongs to; archived records excluded (IT Glue lists
            no expiration for them).
        """
        last = today + timedelta(days=within_days)
        found: set[tuple[str, str]] = set()
        for record in self.records(organization_id):
            if record.record_type != "expirations":
                continue
            due = date.fromisoformat(str(record.attributes["expiration-date"]))
            resource_type = _EXPIRING_TYPES.get(str(record.attributes["resource-type-name"]))
            resource = (
                None
                if resource_type is None
                else self.record(resource_type, str(record.attributes["resource-id"]))
            )
            if resource is not None and resource.attributes.get("archived"):
                continue
            if today <= due <= last:
                found.add((record.record_type, record.record_id))
                if resource is not None:
                    found.add((resource.record_type, resource.record_id))
        return frozenset(found)

    def containing(self, term: str, organization_id: int | None = None) -> list[DatasetRecord]:
        """Records in scope (one organization, or all) whose attribute text contains ``term``."""
        wanted = normalise(term)
        return [r for r in self.records(organization_id) if wanted in r.text]
