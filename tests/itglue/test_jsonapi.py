"""JSON:API documents: records, included resolution, paging meta and clear parse errors."""

from __future__ import annotations

from typing import Any

import pytest

from itglue_mcp.itglue.errors import MalformedResponse
from itglue_mcp.itglue.jsonapi import parse_error_detail, parse_list, parse_show
from itglue_mcp.itglue.models import Configuration, FlexibleAssetType, Organization


def _configuration(record_id: str = "123", **attributes: Any) -> dict[str, Any]:
    return {
        "id": record_id,
        "type": "configurations",
        "attributes": {"name": "fw01", "organization-id": 2, **attributes},
        "relationships": {
            "configuration-interfaces": {
                "data": [{"type": "configuration-interfaces", "id": "900"}]
            },
            "related-items": {"data": [{"type": "related-items", "id": "700"}]},
        },
    }


INCLUDED = [
    {
        "id": "900",
        "type": "configuration-interfaces",
        "attributes": {"name": "eth0", "ip-address": "10.0.0.1", "primary": True},
    },
    {
        "id": "700",
        "type": "related-items",
        "attributes": {"asset-type": "password", "resource-id": 55, "resource-name": "admin"},
    },
]


def test_parse_list_resolves_included_and_reads_meta() -> None:
    payload = {
        "data": [_configuration()],
        "included": INCLUDED,
        "meta": {
            "current-page": 2,
            "next-page": 3,
            "prev-page": 1,
            "total-pages": 4,
            "total-count": 10,
        },
    }

    page = parse_list(payload, Configuration)

    [config] = page.records
    assert config.id == "123"
    assert [i.ip_address for i in config.interfaces] == ["10.0.0.1"]
    assert config.related_items[0].resource_id == 55
    assert page.meta.number == 2
    assert page.meta.next_page == 3
    assert page.meta.prev_page == 1
    assert page.meta.total_pages == 4
    assert page.meta.total_count == 10


def test_linkage_without_included_entry_is_skipped() -> None:
    page = parse_list({"data": [_configuration()], "meta": {"next-page": None}}, Configuration)

    assert page.records[0].interfaces == ()
    assert page.meta.next_page is None


def test_parse_show_resolves_flexible_asset_fields() -> None:
    payload = {
        "data": {
            "id": "5",
            "type": "flexible-asset-types",
            "attributes": {"name": "Wi-Fi"},
            "relationships": {
                "flexible-asset-fields": {"data": [{"type": "flexible-asset-fields", "id": "51"}]}
            },
        },
        "included": [
            {
                "id": "51",
                "type": "flexible-asset-fields",
                "attributes": {"name": "Key", "name-key": "key", "kind": "Password"},
            }
        ],
    }

    asset_type = parse_show(payload, FlexibleAssetType)

    assert asset_type.secret_name_keys() == {"key"}


def test_document_without_meta_is_a_single_page() -> None:
    page = parse_list({"data": []}, Organization)

    assert page.records == []
    assert page.meta.number == 1
    assert page.meta.next_page is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"type": "configurations", "attributes": {"name": "x"}},
            "configurations response: member 'data[0].id': must be a string of digits",
        ),
        (
            {"id": "abc", "type": "configurations", "attributes": {"name": "x"}},
            "configurations response: member 'data[0].id': must be a string of digits",
        ),
        (
            {"id": "1", "type": "passwords", "attributes": {"name": "x"}},
            "configurations response: member 'data[0].type': "
            "expected 'configurations', got 'passwords'",
        ),
        (
            {"id": "1", "type": "configurations"},
            "configurations record 1: member 'attributes': missing or not an object",
        ),
        (
            {"id": "123", "type": "configurations", "attributes": {"hostname": "fw"}},
            "configurations record 123: attribute 'name': field required",
        ),
        (
            {"id": "1", "type": "configurations", "attributes": {"name": "x", "archived": "maybe"}},
            "configurations record 1: attribute 'archived': input should be a valid boolean",
        ),
    ],
)
def test_malformed_records_name_the_problem(data: dict[str, Any], message: str) -> None:
    with pytest.raises(MalformedResponse) as caught:
        parse_list({"data": [data]}, Configuration)

    assert str(caught.value).startswith(message)
    assert caught.value.resource_type == "configurations"


def test_malformed_included_child_names_parent_and_child() -> None:
    bad_interface = {"id": "900", "type": "configuration-interfaces", "attributes": {"primary": []}}

    with pytest.raises(MalformedResponse) as caught:
        parse_list({"data": [_configuration()], "included": [bad_interface]}, Configuration)

    assert str(caught.value).startswith(
        "configurations record 123: relationship 'configuration-interfaces': "
        "configuration-interfaces record 900: attribute 'primary'"
    )
    assert caught.value.record_id == "123"


def test_attribute_values_are_not_echoed_in_errors() -> None:
    data = {"id": "1", "type": "configurations", "attributes": {"name": "x", "archived": "s3cr3t"}}

    with pytest.raises(MalformedResponse) as caught:
        parse_list({"data": [data]}, Configuration)

    assert "s3cr3t" not in str(caught.value)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([1, 2], "configurations response: body is not a JSON object"),
        ({"meta": {}}, "configurations response: member 'data': missing"),
        ({"data": {}}, "configurations response: member 'data': expected a list"),
        ({"data": [], "meta": {"next-page": "2"}}, "member 'meta.next-page': must be an integer"),
        ({"data": [], "included": {}}, "member 'included': expected a list"),
    ],
)
def test_malformed_documents_name_the_problem(payload: object, message: str) -> None:
    with pytest.raises(MalformedResponse, match=message.replace("(", r"\(")):
        parse_list(payload, Configuration)


def test_parse_show_needs_an_object() -> None:
    with pytest.raises(MalformedResponse, match="member 'data': expected an object"):
        parse_show({"data": []}, Configuration)


def test_error_detail_scrubs_secrets_and_truncates() -> None:
    payload = {
        "errors": [
            {"status": "422", "title": "Invalid", "detail": "password: hunter2 is too weak"},
            {"detail": '{"api_key"=>"abc", "otp_secret": "JBSWY3DP"} for ITG.abcdef.123'},
            {"detail": "token dXNlcjpwYXNzd29yZDEyMzQ1Njc4OTA= rejected, value 'mykey'"},
        ]
    }

    detail = parse_error_detail(payload, known_secrets=["mykey"])

    assert detail is not None
    for secret in ("hunter2", '"abc"', "JBSWY3DP", "ITG.", "dXNlcjpw", "mykey"):
        assert secret not in detail
    assert detail.startswith("password: [redacted] is too weak")
    assert parse_error_detail({"errors": [{"detail": "x" * 1000}]}) == "x" * 299 + "…"


def test_error_detail_of_unreadable_bodies_is_none() -> None:
    assert parse_error_detail(None) is None
    assert parse_error_detail({"errors": "nope"}) is None
    assert parse_error_detail({"errors": [{"status": "422"}]}) is None
