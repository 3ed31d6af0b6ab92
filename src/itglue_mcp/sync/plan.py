"""What a sync run fetches: streams of pages, each with its own checkpoint.

A *stream* is one paged listing of one record type: ``configurations`` (account-wide),
``flexible-assets:42`` (one flexible asset type: IT Glue answers 422 without the type id),
``documents:org:7`` (documents have no account-wide list, only the nested route). The rules
come from the IT Glue API facts (Paging, sorting, filtering):

- organizations are the only main resource with an ``updated_at`` filter, so their incremental
  listing uses ``filter[updated_at]=<since>,*``;
- every other type is read incrementally by paging ``sort=-updated_at`` down to the checkpoint;
- documents in folders only come back with ``filter[document_folder_id]=null`` (reported);
- unknown filters are silently ignored, so an organization scope is also checked on each
  record, never trusted to the filter alone.

Example::

    streams = phase_two_streams(types, organization_id=None, organization_ids=[7],
                                flexible_asset_type_ids=[42])
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from itglue_mcp.itglue.models import (
    Configuration,
    Contact,
    Document,
    Domain,
    Expiration,
    FlexibleAsset,
    FlexibleAssetType,
    ItglueRecord,
    Location,
    Organization,
    Password,
)
from itglue_mcp.sync.errors import UnknownRecordType

__all__ = [
    "SYNCED_TYPES",
    "Incremental",
    "Stream",
    "normalise_types",
    "phase_one_streams",
    "phase_two_streams",
]


class Incremental(StrEnum):
    """How a stream lists only what changed since its checkpoint."""

    UPDATED_AT_FILTER = "updated-at-filter"
    SORTED_DESCENDING = "sorted-descending"


@dataclass(frozen=True)
class Stream:
    """One paged listing with its own checkpoint.

    Attributes:
        key: checkpoint key, unique per listing (``configurations``, ``documents:org:7``).
        record_type: JSON:API type of the records (``configurations``).
        model: pydantic model the pages parse into.
        path: API path of the list route.
        params: query parameters sent on every page (filters, include).
        incremental: how changed records are listed.
        organization_id: when set, records of any other organization are dropped (the
            filter might be ignored by the API) and deletions are looked for in it only.
        deletion_where: further column equalities bounding deletion detection
            (``{"flexible_asset_type_id": 42}``).
        show_path: the show route of one record, with ``{id}`` for its id.
        show_params: query parameters of the show route (includes; never password values).
    """

    key: str
    record_type: str
    model: type[ItglueRecord]
    path: str
    params: Mapping[str, str] = field(default_factory=dict)
    incremental: Incremental = Incremental.SORTED_DESCENDING
    organization_id: int | None = None
    deletion_where: Mapping[str, Any] = field(default_factory=dict)
    show_path: str = ""
    show_params: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Most list routes have their show route below them; documents are the exception
        # (nested list route, top-level show route) and set it explicitly.
        if not self.show_path:
            object.__setattr__(self, "show_path", self.path + "/{id}")
        if not self.show_params and "include" in self.params:
            object.__setattr__(self, "show_params", {"include": self.params["include"]})


# Record types a sync fetches, in the order a full run visits them.
SYNCED_TYPES: tuple[str, ...] = (
    "organizations",
    "flexible-asset-types",
    "configurations",
    "passwords",
    "contacts",
    "locations",
    "domains",
    "expirations",
    "flexible-assets",
    "documents",
)

# A type that cannot be listed without another type's ids brings that type along.
_IMPLIED: Mapping[str, str] = MappingProxyType(
    {"flexible-assets": "flexible-asset-types", "documents": "organizations"}
)

# Account-wide list routes that take filter[organization_id] (IT Glue API facts table).
_ACCOUNT_WIDE: Mapping[str, tuple[type[ItglueRecord], str, str | None]] = MappingProxyType(
    {
        "configurations": (
            Configuration,
            "/configurations",
            "configuration_interfaces,related_items",
        ),
        "passwords": (Password, "/passwords", "related_items"),
        "contacts": (Contact, "/contacts", None),
        "locations": (Location, "/locations", None),
        "domains": (Domain, "/domains", None),
        "expirations": (Expiration, "/expirations", None),
    }
)


def normalise_types(types: Collection[str] | None) -> tuple[str, ...]:
    """The record types to sync, in visiting order, with the types they need.

    Args:
        types: JSON:API type names (``flexible-assets``; ``flexible_assets`` accepted), or
            ``None``/empty for every synced type.

    Raises:
        UnknownRecordType: naming each requested type that is not synced.
    """
    if not types:
        return SYNCED_TYPES
    wanted = {name.strip().replace("_", "-") for name in types if name.strip()}
    unknown = sorted(wanted - set(SYNCED_TYPES))
    if unknown:
        raise UnknownRecordType(
            f"types: unknown record type(s) {', '.join(unknown)}; known: {', '.join(SYNCED_TYPES)}"
        )
    wanted |= {_IMPLIED[name] for name in wanted if name in _IMPLIED}
    return tuple(name for name in SYNCED_TYPES if name in wanted)


def _scoped(params: dict[str, str], organization_id: int | None) -> dict[str, str]:
    if organization_id is not None:
        params["filter[organization_id]"] = str(organization_id)
    return params


def phase_one_streams(types: Sequence[str], organization_id: int | None) -> list[Stream]:
    """Streams other streams depend on: organizations and flexible asset types."""
    streams: list[Stream] = []
    if "organizations" in types:
        params = {"filter[id]": str(organization_id)} if organization_id is not None else {}
        streams.append(
            Stream(
                key="organizations",
                record_type="organizations",
                model=Organization,
                path="/organizations",
                params=params,
                incremental=Incremental.UPDATED_AT_FILTER,
                deletion_where={"id": organization_id} if organization_id is not None else {},
            )
        )
    if "flexible-asset-types" in types:
        streams.append(
            Stream(
                key="flexible-asset-types",
                record_type="flexible-asset-types",
                model=FlexibleAssetType,
                path="/flexible_asset_types",
                params={"include": "flexible_asset_fields"},
            )
        )
    return streams


def phase_two_streams(
    types: Sequence[str],
    *,
    organization_id: int | None,
    organization_ids: Sequence[int],
    flexible_asset_type_ids: Sequence[int],
) -> list[Stream]:
    """Streams of the organization-scoped types, given the organizations and asset types known.

    Args:
        types: normalised record types (:func:`normalise_types`).
        organization_id: the ``--org`` scope, or ``None`` for the whole account.
        organization_ids: organizations in the store (documents are listed per organization).
        flexible_asset_type_ids: flexible asset types in the store.
    """
    streams: list[Stream] = []
    for record_type, (model, path, include) in _ACCOUNT_WIDE.items():
        if record_type not in types:
            continue
        params = _scoped({"include": include} if include else {}, organization_id)
        show_params = {"include": include} if include else {}
        if model is Password:
            # Confirming a record exists must never fetch its secret value.
            show_params["show_password"] = "false"
        streams.append(
            Stream(
                record_type,
                record_type,
                model,
                path,
                params,
                organization_id=organization_id,
                show_params=show_params,
            )
        )
    if "flexible-assets" in types:
        for type_id in flexible_asset_type_ids:
            params = _scoped(
                {"filter[flexible-asset-type-id]": str(type_id), "include": "related_items"},
                organization_id,
            )
            streams.append(
                Stream(
                    key=f"flexible-assets:{type_id}",
                    record_type="flexible-assets",
                    model=FlexibleAsset,
                    path="/flexible_assets",
                    params=params,
                    organization_id=organization_id,
                    deletion_where={"flexible_asset_type_id": type_id},
                )
            )
    if "documents" in types:
        streams.extend(
            Stream(
                key=f"documents:org:{org_id}",
                record_type="documents",
                model=Document,
                path=f"/organizations/{org_id}/relationships/documents",
                params={"filter[document_folder_id]": "null", "include": "related_items"},
                organization_id=org_id,
                show_path="/documents/{id}",
            )
            for org_id in organization_ids
        )
    return streams
