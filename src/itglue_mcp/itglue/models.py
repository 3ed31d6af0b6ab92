"""Typed, immutable models of the IT Glue resources the client reads.

One pydantic model per JSON:API ``type``. Fields carry the attributes listed under "Attributes
worth indexing" in the IT Glue API facts, named in snake_case and read from the API's kebab-case
keys; any other attribute the API sends is kept as an extra (under its kebab key) so nothing is
lost. Empty fields are ``null`` in the API (IT Glue API facts: Documents), hence every attribute
is optional except ``name`` where the type always has one. Secrets (password values, OTP seeds,
Password-kind flexible asset traits) never appear in :meth:`ItglueRecord.attributes` or ``repr``.

Example::

    config = Configuration.model_validate({"id": "12", "name": "fw01", "primary-ip": "10.0.0.1"})
    config.primary_ip           # "10.0.0.1"
    config.attributes()         # {"name": "fw01", "primary-ip": "10.0.0.1", ...}
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, StringConstraints

__all__ = [
    "RESOURCE_MODELS",
    "Configuration",
    "ConfigurationInterface",
    "ConfigurationStatus",
    "ConfigurationType",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "Document",
    "Domain",
    "Expiration",
    "FlexibleAsset",
    "FlexibleAssetField",
    "FlexibleAssetType",
    "ItglueRecord",
    "Location",
    "Organization",
    "Password",
    "PasswordCategory",
    "RelatedItem",
]

# Extra (untyped) attributes whose name says they hold a secret: an OTP seed or a token the API
# may add later must not reach the store or the logs just because no field was declared for it.
_SECRET_EXTRA = re.compile(r"^(password|.*(secret|seed|token))$")


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def _date_part(value: object) -> object:
    # Plain-date attributes are sometimes sent as full timestamps; keep the calendar date.
    if isinstance(value, str) and len(value) > 10 and value[4] == "-" and value[10] == "T":
        return value[:10]
    return value


# Collection-valued attributes are null rather than empty when unset (IT Glue API facts:
# Documents); the models hold empty collections so callers need no None checks.
def _empty_tuple_if_null(value: object) -> object:
    return () if value is None else value


def _empty_dict_if_null(value: object) -> object:
    return {} if value is None else value


ApiDate = Annotated[date | None, BeforeValidator(_date_part)]
RecordId = Annotated[str, StringConstraints(pattern=r"^[0-9]+$")]


class _ApiModel(BaseModel):
    """Shared configuration: frozen, kebab-case aliases, unknown attributes kept."""

    model_config = ConfigDict(
        frozen=True, alias_generator=_kebab, populate_by_name=True, extra="allow"
    )

    def __repr_args__(self) -> Any:
        return [
            (key, value)
            for key, value in super().__repr_args__()
            if key is None or not _SECRET_EXTRA.match(key)
        ]


class ItglueRecord(_ApiModel):
    """Base of every IT Glue record: id, timestamps, link, and the attributes as sent.

    Subclasses set ``RESOURCE_TYPE`` (the JSON:API ``type``) and may set ``RELATIONSHIPS``,
    the relationship names whose ``included`` entries :mod:`itglue_mcp.itglue.jsonapi`
    resolves into a tuple field (relationship name -> field name).
    """

    RESOURCE_TYPE: ClassVar[str]
    RELATIONSHIPS: ClassVar[Mapping[str, str]] = MappingProxyType(
        {"related-items": "related_items"}
    )
    # Fields holding secrets, dropped from attributes() whatever their value.
    SECRET_FIELDS: ClassVar[frozenset[str]] = frozenset()

    id: RecordId
    created_at: datetime | None = None
    updated_at: datetime | None = None
    resource_url: str | None = None
    related_items: tuple[RelatedItem, ...] = ()

    @property
    def display_name(self) -> str:
        """A human label for citations: the record's ``name``, else ``<type> <id>``."""
        name = getattr(self, "name", None)
        return name if isinstance(name, str) and name else f"{self.RESOURCE_TYPE} {self.id}"

    def attributes(self) -> dict[str, Any]:
        """The record's attributes as JSON-able kebab-case keys, secrets excluded.

        Returns:
            Every attribute the API sent (typed and extra), ``null`` values kept, without the
            id, resolved relationships, password values and secret-named extras. Timestamps
            are rendered as RFC 3339 strings, dates as ``YYYY-MM-DD``.
        """
        cls = type(self)
        # Not attributes: the key, and the fields relationships resolve into.
        not_attributes = {"id", "related_items", *cls.RELATIONSHIPS.values()}
        dumped = self.model_dump(
            mode="json", by_alias=True, exclude=not_attributes | cls.SECRET_FIELDS
        )
        extras = self.__pydantic_extra__ or {}
        return {
            key: value
            for key, value in dumped.items()
            if not (key in extras and _SECRET_EXTRA.match(key))
        }


class RelatedItem(ItglueRecord):
    """A link from the record it was included with to another record (``related-items``).

    IT Glue API facts (Paging, sorting, filtering): related items come only as ``included``
    entries of a show route with ``include=related_items``.
    """

    RESOURCE_TYPE: ClassVar[str] = "related-items"

    asset_type: str
    resource_id: int
    resource_name: str | None = None
    notes: str | None = None
    is_inverse: bool | None = None

    @property
    def display_name(self) -> str:
        """The linked record's name, else ``related-items <id>``."""
        return self.resource_name or super().display_name


class Organization(ItglueRecord):
    """An IT Glue organization (a customer of the MSP, or the MSP itself)."""

    RESOURCE_TYPE: ClassVar[str] = "organizations"

    name: str
    short_name: str | None = None
    description: str | None = None
    alert: str | None = None
    quick_notes: str | None = None
    organization_type_name: str | None = None
    organization_status_name: str | None = None
    primary: bool | None = None
    parent_id: int | None = None


class ConfigurationInterface(ItglueRecord):
    """A network interface of a configuration (``configuration-interfaces``)."""

    RESOURCE_TYPE: ClassVar[str] = "configuration-interfaces"

    # Interfaces are often unnamed in live tenants, unlike the main resources.
    name: str | None = None
    configuration_id: int | None = None
    ip_address: str | None = None
    mac_address: str | None = None
    primary: bool | None = None
    notes: str | None = None


class Configuration(ItglueRecord):
    """A configuration item: a device, server, VM or other managed asset."""

    RESOURCE_TYPE: ClassVar[str] = "configurations"
    RELATIONSHIPS: ClassVar[Mapping[str, str]] = MappingProxyType(
        {"configuration-interfaces": "interfaces", "related-items": "related_items"}
    )

    organization_id: int | None = None
    organization_name: str | None = None
    name: str
    hostname: str | None = None
    primary_ip: str | None = None
    default_gateway: str | None = None
    mac_address: str | None = None
    serial_number: str | None = None
    asset_tag: str | None = None
    configuration_type_id: int | None = None
    configuration_type_name: str | None = None
    configuration_type_kind: str | None = None
    configuration_status_id: int | None = None
    configuration_status_name: str | None = None
    manufacturer_name: str | None = None
    model_name: str | None = None
    operating_system_name: str | None = None
    location_id: int | None = None
    location_name: str | None = None
    contact_id: int | None = None
    contact_name: str | None = None
    notes: str | None = None
    warranty_expires_at: ApiDate = None
    installed_at: ApiDate = None
    archived: bool | None = None
    interfaces: tuple[ConfigurationInterface, ...] = ()


class Password(ItglueRecord):
    """A password record; the value itself only on a show route with Password Access.

    IT Glue API facts (Paging, sorting, filtering): list answers carry no password value.
    """

    RESOURCE_TYPE: ClassVar[str] = "passwords"
    SECRET_FIELDS: ClassVar[frozenset[str]] = frozenset({"password"})

    organization_id: int | None = None
    organization_name: str | None = None
    name: str
    username: str | None = None
    password: SecretStr | None = Field(default=None, repr=False)
    url: str | None = None
    notes: str | None = None
    password_category_id: int | None = None
    password_category_name: str | None = None
    password_folder_id: int | None = None
    resource_type: str | None = None
    resource_id: int | None = None
    cached_resource_name: str | None = None
    password_updated_at: datetime | None = None
    otp_enabled: bool | None = None
    archived: bool | None = None


class FlexibleAssetField(ItglueRecord):
    """One field of a flexible asset type's schema (``flexible-asset-fields``).

    ``kind`` is the field's kind (``Text``, ``Tag``, ``Password``…); ``name_key`` is the key of
    the matching trait on flexible assets; ``tag_type`` names the records a Tag field links to.
    """

    RESOURCE_TYPE: ClassVar[str] = "flexible-asset-fields"

    name: str
    name_key: str | None = None
    kind: str | None = None
    tag_type: str | None = None
    hint: str | None = None
    required: bool | None = None
    order: int | None = None
    show_in_list: bool | None = None
    use_for_title: bool | None = None
    flexible_asset_type_id: int | None = None


class FlexibleAssetType(ItglueRecord):
    """A flexible asset type, with its field schema when requested with ``include``."""

    RESOURCE_TYPE: ClassVar[str] = "flexible-asset-types"
    RELATIONSHIPS: ClassVar[Mapping[str, str]] = MappingProxyType(
        {"flexible-asset-fields": "fields", "related-items": "related_items"}
    )

    name: str
    description: str | None = None
    icon: str | None = None
    enabled: bool | None = None
    show_in_menu: bool | None = None
    fields: tuple[FlexibleAssetField, ...] = ()

    def secret_name_keys(self) -> frozenset[str]:
        """The trait keys of this type's Password-kind fields (secrets on every asset)."""
        return frozenset(f.name_key for f in self.fields if f.kind == "Password" and f.name_key)


class FlexibleAsset(ItglueRecord):
    """A flexible asset: a record of a user-defined type whose values are ``traits``.

    Traits are keyed by each field's ``name-key``; Password-kind fields are secrets (IT Glue
    API facts: Attributes worth indexing). Which keys those are is only known from the type's
    schema, so :meth:`attributes` leaves traits out unless it is given the secret keys.
    """

    RESOURCE_TYPE: ClassVar[str] = "flexible-assets"
    SECRET_FIELDS: ClassVar[frozenset[str]] = frozenset({"traits"})

    organization_id: int | None = None
    organization_name: str | None = None
    flexible_asset_type_id: int
    flexible_asset_type_name: str | None = None
    name: str
    archived: bool | None = None
    traits: Annotated[dict[str, Any], BeforeValidator(_empty_dict_if_null)] = Field(
        default_factory=dict, repr=False
    )

    def public_traits(self, secret_name_keys: Collection[str]) -> dict[str, Any]:
        """The traits without the Password-kind ones.

        Args:
            secret_name_keys: name keys of the type's Password-kind fields
                (:meth:`FlexibleAssetType.secret_name_keys`).

        Returns:
            A new dict of the remaining traits, values as the API sent them.
        """
        return {key: value for key, value in self.traits.items() if key not in secret_name_keys}

    def attributes(self, secret_name_keys: Collection[str] | None = None) -> dict[str, Any]:
        """Attributes as in :meth:`ItglueRecord.attributes`, with the public traits if known.

        Args:
            secret_name_keys: name keys of Password-kind fields; when ``None`` (schema
                unknown) the ``traits`` attribute is left out entirely rather than risk a
                secret.
        """
        attributes = super().attributes()
        if secret_name_keys is not None:
            attributes["traits"] = self.public_traits(secret_name_keys)
        return attributes


class Document(ItglueRecord):
    """A document; ``content`` is its list of blocks (Text, Heading, Step, Gallery) of HTML."""

    RESOURCE_TYPE: ClassVar[str] = "documents"

    organization_id: int | None = None
    organization_name: str | None = None
    name: str
    document_folder_id: int | None = None
    public: bool | None = None
    restricted: bool | None = None
    published: bool | None = None
    archived: bool | None = None
    content: list[dict[str, Any]] | None = None


class ContactEmail(_ApiModel):
    """One e-mail address of a contact."""

    value: str | None = None
    primary: bool | None = None
    label_name: str | None = None


class ContactPhone(_ApiModel):
    """One phone number of a contact."""

    value: str | None = None
    extension: str | None = None
    primary: bool | None = None
    label_name: str | None = None


class Contact(ItglueRecord):
    """A person at an organization; named by first and last name."""

    RESOURCE_TYPE: ClassVar[str] = "contacts"

    organization_id: int | None = None
    organization_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    contact_type_name: str | None = None
    location_id: int | None = None
    location_name: str | None = None
    important: bool | None = None
    notes: str | None = None
    contact_emails: Annotated[tuple[ContactEmail, ...], BeforeValidator(_empty_tuple_if_null)] = ()
    contact_phones: Annotated[tuple[ContactPhone, ...], BeforeValidator(_empty_tuple_if_null)] = ()

    @property
    def display_name(self) -> str:
        """``first last`` (either may be missing), else ``contacts <id>``."""
        full = " ".join(part for part in (self.first_name, self.last_name) if part)
        return full or super().display_name


class Location(ItglueRecord):
    """A site of an organization."""

    RESOURCE_TYPE: ClassVar[str] = "locations"

    organization_id: int | None = None
    organization_name: str | None = None
    name: str
    primary: bool | None = None
    address_1: str | None = None
    address_2: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region_name: str | None = None
    country_name: str | None = None
    phone: str | None = None
    notes: str | None = None


class Domain(ItglueRecord):
    """A domain name tracked for an organization."""

    RESOURCE_TYPE: ClassVar[str] = "domains"

    organization_id: int | None = None
    organization_name: str | None = None
    name: str
    registrar_name: str | None = None
    expires_on: ApiDate = None
    notes: str | None = None


class Expiration(ItglueRecord):
    """An expiration (warranty, licence, certificate, domain) of another record; read-only."""

    RESOURCE_TYPE: ClassVar[str] = "expirations"

    organization_id: int | None = None
    organization_name: str | None = None
    description: str | None = None
    expiration_date: ApiDate = None
    resource_id: int | None = None
    resource_type_name: str | None = None
    resource_name: str | None = None


class ConfigurationType(ItglueRecord):
    """A row of the configuration type lookup table."""

    RESOURCE_TYPE: ClassVar[str] = "configuration-types"

    name: str


class ConfigurationStatus(ItglueRecord):
    """A row of the configuration status lookup table."""

    RESOURCE_TYPE: ClassVar[str] = "configuration-statuses"

    name: str


class PasswordCategory(ItglueRecord):
    """A row of the password category lookup table."""

    RESOURCE_TYPE: ClassVar[str] = "password-categories"

    name: str


RESOURCE_MODELS: Mapping[str, type[ItglueRecord]] = MappingProxyType(
    {
        model.RESOURCE_TYPE: model
        for model in (
            RelatedItem,
            Organization,
            Configuration,
            ConfigurationInterface,
            Password,
            FlexibleAssetType,
            FlexibleAssetField,
            FlexibleAsset,
            Document,
            Contact,
            Location,
            Domain,
            Expiration,
            ConfigurationType,
            ConfigurationStatus,
            PasswordCategory,
        )
    }
)
"""JSON:API ``type`` -> model of that type (IT Glue API facts: Documents)."""
