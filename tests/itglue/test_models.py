"""Resource models: kebab-case attributes in, typed fields out, secrets never in attributes()."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from itglue_mcp.itglue.models import (
    RESOURCE_MODELS,
    Configuration,
    Contact,
    Document,
    FlexibleAsset,
    FlexibleAssetField,
    FlexibleAssetType,
    Organization,
    Password,
    RelatedItem,
)


def test_configuration_reads_kebab_attributes_and_keeps_unknown_ones() -> None:
    config = Configuration.model_validate(
        {
            "id": "1234567",
            "name": "fw01",
            "organization-id": 2,
            "primary-ip": "10.0.0.1",
            "warranty-expires-at": "2018-05-05",
            "updated-at": "2016-09-14T18:15:28.000Z",
            "rmm-agent": "ninja",
        }
    )

    assert config.organization_id == 2
    assert config.primary_ip == "10.0.0.1"
    assert config.warranty_expires_at == date(2018, 5, 5)
    assert config.updated_at == datetime(2016, 9, 14, 18, 15, 28, tzinfo=UTC)
    attributes = config.attributes()
    assert attributes["primary-ip"] == "10.0.0.1"
    assert attributes["rmm-agent"] == "ninja"
    assert attributes["warranty-expires-at"] == "2018-05-05"
    assert attributes["hostname"] is None
    assert "id" not in attributes
    assert "interfaces" not in attributes
    assert "related-items" not in attributes


def test_plain_date_sent_as_timestamp_keeps_the_calendar_date() -> None:
    config = Configuration.model_validate(
        {"id": "1", "name": "x", "installed-at": "2017-01-02T00:00:00.000Z"}
    )

    assert config.installed_at == date(2017, 1, 2)


def test_records_are_frozen() -> None:
    org = Organization.model_validate({"id": "2", "name": "Acme"})

    with pytest.raises(ValidationError):
        org.name = "Other"  # type: ignore[misc]


def test_name_is_required_where_the_type_always_has_one() -> None:
    with pytest.raises(ValidationError, match="name"):
        Organization.model_validate({"id": "2"})


def test_id_must_be_a_digit_string() -> None:
    with pytest.raises(ValidationError):
        Organization.model_validate({"id": "abc", "name": "Acme"})


def test_password_value_is_never_in_attributes_or_repr() -> None:
    record = Password.model_validate(
        {"id": "9", "name": "Router admin", "username": "admin", "password": "hunter2-secret"}
    )

    assert record.password is not None
    assert record.password.get_secret_value() == "hunter2-secret"
    assert "password" not in record.attributes()
    assert record.attributes()["username"] == "admin"
    assert "hunter2" not in repr(record)
    assert "hunter2" not in str(record)


def test_secret_named_extra_attributes_are_dropped() -> None:
    record = Password.model_validate(
        {"id": "9", "name": "VPN", "otp-secret": "JBSWY3DPEHPK3PXP", "otp-enabled": True}
    )

    attributes = record.attributes()
    assert "otp-secret" not in attributes
    assert attributes["otp-enabled"] is True
    assert "JBSWY3DPEHPK3PXP" not in repr(record)


def test_flexible_asset_traits_need_the_schema_to_be_exposed() -> None:
    asset_type = FlexibleAssetType.model_validate(
        {
            "id": "5",
            "name": "Wi-Fi",
            "fields": [
                {"id": "50", "name": "SSID", "name-key": "ssid", "kind": "Text"},
                {"id": "51", "name": "Key", "name-key": "key", "kind": "Password"},
            ],
        }
    )
    asset = FlexibleAsset.model_validate(
        {
            "id": "7",
            "name": "Office Wi-Fi",
            "flexible-asset-type-id": 5,
            "traits": {"ssid": "acme-office", "key": "correct horse"},
        }
    )

    secret_keys = asset_type.secret_name_keys()
    assert secret_keys == {"key"}
    assert asset.public_traits(secret_keys) == {"ssid": "acme-office"}
    assert "traits" not in asset.attributes()
    assert asset.attributes(secret_keys)["traits"] == {"ssid": "acme-office"}
    assert "correct horse" not in repr(asset)


def test_flexible_asset_null_traits_become_empty() -> None:
    asset = FlexibleAsset.model_validate(
        {"id": "7", "name": "x", "flexible-asset-type-id": 5, "traits": None}
    )

    assert asset.traits == {}


def test_contact_display_name_and_null_lists() -> None:
    contact = Contact.model_validate(
        {
            "id": "3",
            "first-name": "Ada",
            "last-name": "Lovelace",
            "contact-emails": [{"value": "ada@example.com", "primary": True, "label-name": "Work"}],
            "contact-phones": None,
        }
    )

    assert contact.display_name == "Ada Lovelace"
    assert contact.contact_emails[0].label_name == "Work"
    assert contact.contact_phones == ()
    assert Contact.model_validate({"id": "4"}).display_name == "contacts 4"


def test_document_content_is_a_list_of_blocks() -> None:
    document = Document.model_validate(
        {
            "id": "8",
            "name": "Onboarding",
            "content": [{"kind": "Heading", "html": "<h1>Hi</h1>"}, {"kind": "Text", "html": "x"}],
        }
    )

    assert document.content is not None
    assert document.content[0]["kind"] == "Heading"


def test_related_item_display_name_is_the_linked_record() -> None:
    item = RelatedItem.model_validate(
        {"id": "11", "asset-type": "password", "resource-id": 9, "resource-name": "VPN"}
    )

    assert item.display_name == "VPN"
    assert item.resource_id == 9


def test_resource_models_cover_every_api_type() -> None:
    expected = {
        "organizations",
        "configurations",
        "configuration-interfaces",
        "passwords",
        "flexible-assets",
        "flexible-asset-types",
        "flexible-asset-fields",
        "documents",
        "contacts",
        "locations",
        "domains",
        "expirations",
        "related-items",
        "configuration-types",
        "configuration-statuses",
        "password-categories",
    }

    assert set(RESOURCE_MODELS) == expected
    assert all(kind == model.RESOURCE_TYPE for kind, model in RESOURCE_MODELS.items())
    assert RESOURCE_MODELS["flexible-asset-fields"] is FlexibleAssetField
