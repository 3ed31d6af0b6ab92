"""What the simulated IT Glue API offers: resource types, their routes and documented filters.

One :class:`ResourceSpec` per JSON:API type the simulator serves, naming its URL segment (the
endpoint name with underscores, which is also the dataset file name), whether it has a plain
list route, a show route and a list nested under an organization, and the only filters the
endpoint honours. Everything else in the simulator reads this table instead of repeating names::

    spec = BY_SEGMENT["flexible_assets"]
    spec.type, spec.file_name          # ("flexible-assets", "flexible_assets.json")
    spec.filters["name"].attribute     # "name"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

__all__ = [
    "BY_SEGMENT",
    "BY_TYPE",
    "CONFIGURATIONS",
    "CONFIGURATION_INTERFACES",
    "DOCUMENTS",
    "FLEXIBLE_ASSETS",
    "ORGANIZATIONS",
    "RESOURCES",
    "FilterKind",
    "FilterSpec",
    "ResourceSpec",
]


class FilterKind(Enum):
    """How a ``filter[...]`` value is compared with a record.

    Attributes:
        ID: the record's own ``id``, compared as a canonical digit string.
        REFERENCE: an id-valued attribute (the API sends numbers such as ``"organization-id": 2``),
            compared as the string of its numeric value.
        TEXT: exact, case-sensitive string match (IT Glue API facts: "`filter[name]` is
            exact-match where it exists").
        BOOLEAN: ``true`` or ``false``; a missing or null attribute counts as false.
        DATE_RANGE: ``start,end`` in UTC with ``*`` for an open end, both ends inclusive.
        DOCUMENT_FOLDER: the documents quirk; ``null`` lifts the root-level-only default.
    """

    ID = "id"
    REFERENCE = "reference"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE_RANGE = "date-range"
    DOCUMENT_FOLDER = "document-folder"


@dataclass(frozen=True)
class FilterSpec:
    """One documented filter of an endpoint.

    Attributes:
        kind: how values are compared.
        attribute: the kebab-case attribute it reads (``"id"`` for :attr:`FilterKind.ID`).
    """

    kind: FilterKind
    attribute: str


@dataclass(frozen=True)
class ResourceSpec:
    """One resource type as the simulated API exposes it.

    Attributes:
        type: JSON:API type, a kebab-case plural (``"flexible-assets"``).
        segment: URL path segment and dataset file stem, with underscores (``"flexible_assets"``).
        filters: documented ``filter[<key>]`` keys mapped to their rule; any other key is ignored
            (IT Glue API facts: "Unknown filter keys are silently ignored").
        has_file: loaded from ``<segment>.json``; types without a file only arrive as ``included``
            entries of another file (configuration interfaces).
        listable: has a plain ``GET /<segment>`` list route.
        showable: has a ``GET /<segment>/{id}`` show route.
        under_organization: has ``GET /organizations/{id}/relationships/<segment>``.
        required_filter: a filter the list route refuses to run without (422).
    """

    type: str
    segment: str
    filters: Mapping[str, FilterSpec] = field(default_factory=dict)
    has_file: bool = True
    listable: bool = True
    showable: bool = True
    under_organization: bool = False
    required_filter: FilterSpec | None = None

    @property
    def file_name(self) -> str:
        """Name of the dataset file holding this type, e.g. ``"flexible_assets.json"``."""
        return f"{self.segment}.json"


def _id() -> FilterSpec:
    return FilterSpec(FilterKind.ID, "id")


def _ref(attribute: str) -> FilterSpec:
    return FilterSpec(FilterKind.REFERENCE, attribute)


def _text(attribute: str) -> FilterSpec:
    return FilterSpec(FilterKind.TEXT, attribute)


def _flag(attribute: str) -> FilterSpec:
    return FilterSpec(FilterKind.BOOLEAN, attribute)


def _range(attribute: str) -> FilterSpec:
    return FilterSpec(FilterKind.DATE_RANGE, attribute)


ORGANIZATIONS = ResourceSpec(
    "organizations",
    "organizations",
    {
        "id": _id(),
        "name": _text("name"),
        "organization_type_id": _ref("organization-type-id"),
        "organization_status_id": _ref("organization-status-id"),
        "created_at": _range("created-at"),
        "updated_at": _range("updated-at"),
    },
)

CONFIGURATIONS = ResourceSpec(
    "configurations",
    "configurations",
    {
        "id": _id(),
        "name": _text("name"),
        "organization_id": _ref("organization-id"),
        "configuration_type_id": _ref("configuration-type-id"),
        "configuration_status_id": _ref("configuration-status-id"),
        "contact_id": _ref("contact-id"),
        "serial_number": _text("serial-number"),
        "mac_address": _text("mac-address"),
        "asset_tag": _text("asset-tag"),
        "archived": _flag("archived"),
    },
    under_organization=True,
)

CONFIGURATION_INTERFACES = ResourceSpec(
    "configuration-interfaces",
    "configuration_interfaces",
    {"id": _id(), "ip_address": _text("ip-address")},
    has_file=False,
    listable=False,
    showable=False,
)

PASSWORDS = ResourceSpec(
    "passwords",
    "passwords",
    {
        "id": _id(),
        "name": _text("name"),
        "organization_id": _ref("organization-id"),
        "password_category_id": _ref("password-category-id"),
        "url": _text("url"),
        "archived": _flag("archived"),
    },
    under_organization=True,
)

FLEXIBLE_ASSET_TYPES = ResourceSpec(
    "flexible-asset-types",
    "flexible_asset_types",
    {"id": _id(), "name": _text("name"), "enabled": _flag("enabled")},
)

# The facts sheet spells these keys with dashes; clients seen in the wild send underscores too.
_FLEXIBLE_ASSET_TYPE_ID = _ref("flexible-asset-type-id")
_FLEXIBLE_ASSET_ORGANIZATION_ID = _ref("organization-id")
FLEXIBLE_ASSETS = ResourceSpec(
    "flexible-assets",
    "flexible_assets",
    {
        "flexible-asset-type-id": _FLEXIBLE_ASSET_TYPE_ID,
        "flexible_asset_type_id": _FLEXIBLE_ASSET_TYPE_ID,
        "organization-id": _FLEXIBLE_ASSET_ORGANIZATION_ID,
        "organization_id": _FLEXIBLE_ASSET_ORGANIZATION_ID,
        "name": _text("name"),
    },
    required_filter=_FLEXIBLE_ASSET_TYPE_ID,
)

DOCUMENTS = ResourceSpec(
    "documents",
    "documents",
    {"document_folder_id": FilterSpec(FilterKind.DOCUMENT_FOLDER, "document-folder-id")},
    listable=False,
    under_organization=True,
)

CONTACTS = ResourceSpec(
    "contacts",
    "contacts",
    {
        "id": _id(),
        "name": _text("name"),
        "organization_id": _ref("organization-id"),
        "first_name": _text("first-name"),
        "last_name": _text("last-name"),
        "title": _text("title"),
        "important": _flag("important"),
    },
    under_organization=True,
)

LOCATIONS = ResourceSpec(
    "locations",
    "locations",
    {
        "id": _id(),
        "name": _text("name"),
        "organization_id": _ref("organization-id"),
        "city": _text("city"),
    },
    under_organization=True,
)

DOMAINS = ResourceSpec(
    "domains",
    "domains",
    {"id": _id(), "name": _text("name"), "organization_id": _ref("organization-id")},
    under_organization=True,
)

EXPIRATIONS = ResourceSpec(
    "expirations",
    "expirations",
    {
        "id": _id(),
        "organization_id": _ref("organization-id"),
        "resource_id": _ref("resource-id"),
        "resource_type_name": _text("resource-type-name"),
        "expiration_date": _range("expiration-date"),
    },
    under_organization=True,
)

CONFIGURATION_TYPES = ResourceSpec(
    "configuration-types", "configuration_types", {"name": _text("name")}
)
CONFIGURATION_STATUSES = ResourceSpec(
    "configuration-statuses", "configuration_statuses", {"name": _text("name")}
)
PASSWORD_CATEGORIES = ResourceSpec(
    "password-categories", "password_categories", {"name": _text("name")}
)

RESOURCES: tuple[ResourceSpec, ...] = (
    ORGANIZATIONS,
    CONFIGURATIONS,
    CONFIGURATION_INTERFACES,
    PASSWORDS,
    FLEXIBLE_ASSET_TYPES,
    FLEXIBLE_ASSETS,
    DOCUMENTS,
    CONTACTS,
    LOCATIONS,
    DOMAINS,
    EXPIRATIONS,
    CONFIGURATION_TYPES,
    CONFIGURATION_STATUSES,
    PASSWORD_CATEGORIES,
)
BY_TYPE: Mapping[str, ResourceSpec] = {spec.type: spec for spec in RESOURCES}
BY_SEGMENT: Mapping[str, ResourceSpec] = {spec.segment: spec for spec in RESOURCES}
