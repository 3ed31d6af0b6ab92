"""``discover_asset_types``, ``list_flexible_assets`` and ``get_flexible_asset`` over Streamable
HTTP (SQLite and PostgreSQL): counts, fields and traits checked against the generated
dataset's JSON, Tag traits resolved to cited records, Password-kind traits withheld and never
output, bad input, no data, and RBAC (a ``client-readonly`` user sees its organization only)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from itglue_mcp.query.flexible_assets import COUNTED_ORGANIZATIONS, DEFAULT_LIMIT, EXAMPLES
from tests.server.conftest import serve_mcp_app
from tests.server.secured import caller_claims, serve_client_readonly_app

ACME = 2104801
NORTHWIND_TRADERS = 2104807
# Generated tenant (seed 11): Acme's Active Directory asset; no Backup asset in 2104812.
ACME_DOMAIN = "corp.acmecorp.com"
WITHOUT_BACKUP = 2104812
TOKENS = {
    "tok-client": caller_claims("cleo", groups=["Northwind IT"]),
    "tok-helpdesk": caller_claims("hal", roles=["helpdesk"]),
}
BINDINGS = {"group:Northwind IT": [f"client-readonly@{NORTHWIND_TRADERS}"]}
FILES = {  # Tag type → dataset file
    "Configurations": "configurations",
    "Passwords": "passwords",
    "Locations": "locations",
    "Contacts": "contacts",
    "Domains": "domains",
}


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


def _types(directory: Path) -> dict[str, list[dict[str, Any]]]:
    """Type name → its fields' attributes, in form order."""
    document = json.loads((directory / "flexible_asset_types.json").read_text())
    fields = {f["id"]: f["attributes"] for f in document["included"]}
    return {
        t["attributes"]["name"]: [
            fields[ref["id"]] for ref in t["relationships"]["flexible-asset-fields"]["data"]
        ]
        for t in document["data"]
    }


def _assets(directory: Path, type_name: str, organization: int | None = None) -> list[Any]:
    return sorted(
        (
            a
            for a in _records(directory, "flexible_assets")
            if a["attributes"]["flexible-asset-type-name"] == type_name
            and not a["attributes"]["archived"]
            and organization in (None, a["attributes"]["organization-id"])
        ),
        key=lambda a: (a["attributes"]["name"].lower(), int(a["id"])),
    )


def _secret_values(directory: Path) -> set[str]:
    """Every Password-kind trait value of the tenant."""
    keys = {
        field["name-key"]
        for fields in _types(directory).values()
        for field in fields
        if field["kind"] == "Password"
    }
    return {
        value
        for asset in _records(directory, "flexible_assets")
        for key, value in asset["attributes"]["traits"].items()
        if key in keys and isinstance(value, str) and value
    }


def _everything(result: Any) -> str:
    return result.content[0].text + json.dumps(result.structured_content)


@pytest.fixture(scope="module")
def url(synced_store_url: str) -> Iterator[str]:
    """The MCP server over the synced store (keyword retrieval only: these tools need no
    vector index)."""
    yield from serve_mcp_app(synced_store_url)


async def _call(url: str, tool: str, arguments: dict[str, Any], token: str | None = None) -> Any:
    async with Client(f"{url}/mcp", auth=token) as client:
        return await client.call_tool(tool, arguments)


async def test_discover_counts_fields_and_titles_match_the_dataset(
    url: str, tools_dataset_dir: Path
) -> None:
    types = _types(tools_dataset_dir)
    secrets = _secret_values(tools_dataset_dir)

    result = await _call(url, "discover_asset_types", {})

    found = {t["name"]: t for t in result.structured_content["asset_types"]}
    assert set(found) == set(types)
    text = result.content[0].text
    for name, fields in types.items():
        summary, assets = found[name], _assets(tools_dataset_dir, name)
        assert summary["fields"] == {
            f["name"]: f["kind"] + (", required" if f["required"] else "") for f in fields
        }
        per_org = Counter(a["attributes"]["organization-id"] for a in assets)
        assert (summary["assets"], summary["organizations_total"]) == (len(assets), len(per_org))
        top = sorted(per_org.items(), key=lambda item: (-item[1], item[0]))
        assert [
            (row["organization"]["record_id"], row["assets"]) for row in summary["organizations"]
        ] == top[:COUNTED_ORGANIZATIONS]
        examples = assets[:EXAMPLES]
        assert [e["record_id"] for e in summary["examples"]] == [int(a["id"]) for a in examples]
        for asset in examples:
            assert asset["attributes"]["resource-url"] in text
        assert f"- {name}: {len(assets)} asset(s) in {len(per_org)} organization(s)" in text
    counts = [t["assets"] for t in result.structured_content["asset_types"]]
    assert counts == sorted(counts, reverse=True)
    assert not [secret for secret in secrets if secret in _everything(result)]


async def test_discover_in_one_organization(url: str, tools_dataset_dir: Path) -> None:
    result = await _call(url, "discover_asset_types", {"organization": str(WITHOUT_BACKUP)})

    found = {t["name"]: t for t in result.structured_content["asset_types"]}
    assert found["Backup"]["assets"] == 0 and found["Backup"]["organizations"] == []
    assert found["Backup"]["examples"] == []
    wireless = _assets(tools_dataset_dir, "Wireless", WITHOUT_BACKUP)
    assert found["Wireless"]["assets"] == len(wireless) > 0
    assert [row["organization"]["record_id"] for row in found["Wireless"]["organizations"]] == [
        WITHOUT_BACKUP
    ]


def _expected_traits(
    directory: Path, asset: dict[str, Any], fields: list[dict[str, Any]]
) -> tuple[dict[str, str], dict[str, list[int]], list[str]]:
    """(plain traits as text, Tag field → linked ids, Password fields) of a dataset asset."""
    traits, tags, withheld = {}, {}, []
    for field in fields:
        value = asset["attributes"]["traits"].get(field["name-key"])
        if field["kind"] == "Password":
            withheld.append(field["name"])
        elif field["kind"] == "Tag":
            if value and value["values"]:
                tags[field["name"]] = [v["id"] for v in value["values"]]
        elif field["kind"] not in ("Header", "Textbox") and value not in (None, ""):
            traits[field["name"]] = str(value).lower() if isinstance(value, bool) else str(value)
    return traits, tags, withheld


async def test_list_shows_traits_by_kind_with_tags_cited(url: str, tools_dataset_dir: Path) -> None:
    fields = _types(tools_dataset_dir)["Wireless"]
    assets = _assets(tools_dataset_dir, "Wireless")
    urls = {
        (file, int(r["id"])): r["attributes"]["resource-url"]
        for file in FILES.values()
        for r in _records(tools_dataset_dir, file)
    }
    assert len(assets) > DEFAULT_LIMIT

    result = await _call(url, "list_flexible_assets", {"asset_type": "wirless"})  # a typo

    listing = result.structured_content
    assert listing["asset_type"] == "Wireless" and listing["total"] == len(assets)
    assert [a["source"]["record_id"] for a in listing["assets"]] == [
        int(a["id"]) for a in assets[:DEFAULT_LIMIT]
    ]
    text = result.content[0].text
    assert text.startswith(f"Wireless assets, by name: {DEFAULT_LIMIT} of {len(assets)}.")
    assert listing["next_step"] == (
        f"{len(assets) - DEFAULT_LIMIT} more: raise limit (up to 100), name an organization "
        "or add a filter"
    )
    assert listing["next_step"] in text
    for item, asset in zip(listing["assets"], assets, strict=False):
        traits, tags, withheld = _expected_traits(tools_dataset_dir, asset, fields)
        assert {k: v for k, v in item["traits"].items() if k != "Notes"} == traits
        assert {
            field: [r["record_id"] for r in records] for field, records in item["tags"].items()
        } == tags
        assert tags, "every generated Wireless network has a location and access points"
        for records in item["tags"].values():
            for record in records:
                key = (record["record_type"], record["record_id"])
                assert record["resource_url"] == urls[key] and urls[key] in text
        assert item["withheld"] == withheld == ["Pre-Shared Key"]
        assert item["source"]["resource_url"] in text
    assert "Pre-Shared Key: withheld, a secret (reveal_flexible_asset_password)" in text
    assert not [s for s in _secret_values(tools_dataset_dir) if s in _everything(result)]


async def test_a_filter_matches_trait_text_and_names_the_total(
    url: str, tools_dataset_dir: Path
) -> None:
    wpa2 = [
        a
        for a in _assets(tools_dataset_dir, "Wireless", ACME)
        if "wpa2" in (a["attributes"]["traits"]["security"] or "").lower()
    ]
    assert wpa2

    by_name = await _call(
        url,
        "list_flexible_assets",
        {"asset_type": "wireless", "organization": "Acme", "filter": {"Security": "WPA2"}},
    )
    by_key = await _call(
        url,
        "list_flexible_assets",
        {"asset_type": "1042039", "organization": str(ACME), "filter": {"security": "wpa2"}},
    )

    for result in (by_name, by_key):
        listing = result.structured_content
        assert listing["total"] == len(wpa2) and "next_step" not in listing
        assert [a["source"]["record_id"] for a in listing["assets"]] == [int(a["id"]) for a in wpa2]
        assert {a["source"]["organization_id"] for a in listing["assets"]} == {ACME}
    assert ", Security contains 'WPA2', by name" in by_name.content[0].text


async def test_a_checkbox_filter_is_true_or_false(url: str, tools_dataset_dir: Path) -> None:
    guests = [
        int(a["id"])
        for a in _assets(tools_dataset_dir, "Wireless")
        if a["attributes"]["traits"]["guest-network"]
    ]
    assert 0 < len(guests) < len(_assets(tools_dataset_dir, "Wireless"))

    result = await _call(
        url,
        "list_flexible_assets",
        {"asset_type": "Wireless", "filter": {"Guest Network": "Yes"}, "limit": 100},
    )

    assert [a["source"]["record_id"] for a in result.structured_content["assets"]] == guests
    assert {a["traits"]["Guest Network"] for a in result.structured_content["assets"]} == {"true"}


async def test_get_resolves_tags_and_withholds_the_password(
    url: str, tools_dataset_dir: Path
) -> None:
    [asset] = [
        a for a in _records(tools_dataset_dir, "flexible_assets")
        if a["attributes"]["name"] == ACME_DOMAIN
    ]  # fmt: skip
    fields = _types(tools_dataset_dir)["Active Directory"]
    traits, tags, withheld = _expected_traits(tools_dataset_dir, asset, fields)
    names = {
        int(r["id"]): r["attributes"]["name"]
        for file in ("configurations", "passwords")
        for r in _records(tools_dataset_dir, file)
    }

    by_name = await _call(url, "get_flexible_asset", {"flexible_asset": ACME_DOMAIN.upper()})
    by_id = await _call(url, "get_flexible_asset", {"flexible_asset": asset["id"]})

    detail = by_name.structured_content
    assert by_id.structured_content == detail
    assert detail["asset_type"] == "Active Directory" and "archived" not in detail
    assert detail["source"]["resource_url"] == asset["attributes"]["resource-url"]
    assert {k: v for k, v in detail["traits"].items() if k != "Notes"} == traits
    assert detail["traits"]["Notes"] == "Password policy: 14 characters, 90-day expiry, " \
        "10-try lockout."  # fmt: skip
    assert set(detail["tags"]) == {"Domain Controllers", "Domain Admin Account"}
    for field, records in detail["tags"].items():
        assert [(r["record_id"], r["name"]) for r in records] == [
            (record_id, names[record_id]) for record_id in tags[field]
        ]
    assert detail["withheld"] == withheld == ["DSRM Password"]
    text = by_name.content[0].text
    assert text.startswith("Active Directory:\n- corp.acmecorp.com: source: ")
    assert "  Domain Controllers: source: ACME-DC01 (configurations " in text
    assert '<itglue-data untrusted="true" field="traits">' in text
    assert f"flexible-assets/{asset['id']}: NetBIOS Name: ACME" in text
    assert asset["attributes"]["traits"]["dsrm-password"] not in _everything(by_name)


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        (
            "list_flexible_assets",
            {"asset_type": "Zebra"},
            "asset_type: no flexible asset type is named 'Zebra'; types: Active Directory, "
            "Application, Backup, Email, LAN, Licensing, SSL Certificate, Wireless",
        ),
        (
            "list_flexible_assets",
            {"asset_type": "Wireless", "filter": {"Colour": "red"}},
            "filter: 'Colour' is not a field of Wireless; filter on: SSID, Security, "
            "Guest Network, VLAN, Notes",
        ),
        (
            "list_flexible_assets",
            {"asset_type": "Wireless", "filter": {"pre-shared-key": "a"}},
            "filter: 'pre-shared-key' is a Password field of Wireless; filter on: SSID",
        ),
        (
            "list_flexible_assets",
            {"asset_type": "Wireless", "filter": {"Location": "Main"}},
            "filter: 'Location' is a Tag field of Wireless; filter on: SSID",
        ),
        ("list_flexible_assets", {"asset_type": "Wireless", "filter": {"SSID": " "}}, "filter: "),
        (
            "list_flexible_assets",
            {"asset_type": "Wireless", "filter": {"guest-network": "maybe"}},
            "filter: 'guest-network' is a Checkbox; give true or false",
        ),
        (
            "list_flexible_assets",
            {"asset_type": "Wireless", "filter": {str(n): "x" for n in range(6)}},
            "filter: ",
        ),
        ("list_flexible_assets", {"asset_type": "Wireless", "limit": 101}, "limit: "),
        ("list_flexible_assets", {"asset_type": ""}, "asset_type: "),
        (
            "get_flexible_asset",
            {"flexible_asset": "corp.acmecorp.con"},
            "flexible_asset: no flexible asset in any organization is named "
            "'corp.acmecorp.con'; close names: corp.acmecorp.com",
        ),
        ("get_flexible_asset", {"flexible_asset": " "}, "flexible_asset: give a flexible"),
        ("discover_asset_types", {"organization": "Zebra Holdings"}, "organization: "),
    ],
)
async def test_bad_input_is_one_line_naming_the_field(
    url: str, tool: str, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ToolError) as raised:
        await _call(url, tool, arguments)

    error = str(raised.value)
    assert error.startswith(message) and "\n" not in error


async def test_an_organization_without_such_assets_has_none(url: str) -> None:
    result = await _call(
        url, "list_flexible_assets", {"asset_type": "backup", "organization": str(WITHOUT_BACKUP)}
    )

    assert result.structured_content["assets"] == [] and result.structured_content["total"] == 0
    assert result.content[0].text.endswith("No asset of this type matches.")


def test_an_empty_store_has_no_types(database_url: str) -> None:
    # Not a coroutine: serving stops with asyncio.run, outside any running loop.
    for served in serve_mcp_app(database_url):
        found = asyncio.run(_call(served, "discover_asset_types", {}))
        with pytest.raises(ToolError) as listing:
            asyncio.run(_call(served, "list_flexible_assets", {"asset_type": "Wireless"}))
        with pytest.raises(ToolError) as getting:
            asyncio.run(_call(served, "get_flexible_asset", {"flexible_asset": "1"}))

    assert found.structured_content["asset_types"] == []
    assert found.content[0].text.endswith("No flexible asset type is synced.")
    assert str(listing.value).endswith("types: none")
    assert str(getting.value).startswith("flexible_asset: no flexible asset in any organization")


@pytest.fixture(scope="module")
def secured_url(
    synced_store_url: str, tmp_path_factory: pytest.TempPathFactory, sqlite_template_file: Path
) -> Iterator[str]:
    audit_dir = tmp_path_factory.mktemp("flexible-audit")
    yield from serve_client_readonly_app(
        synced_store_url, audit_dir, sqlite_template_file, TOKENS, BINDINGS
    )


async def test_client_readonly_sees_its_organization_only_and_no_password_entry(
    secured_url: str, tools_dataset_dir: Path
) -> None:
    others = {
        o["attributes"]["name"]
        for o in _records(tools_dataset_dir, "organizations")
        if int(o["id"]) != NORTHWIND_TRADERS
    }
    [acme_domain] = [
        a for a in _records(tools_dataset_dir, "flexible_assets")
        if a["attributes"]["name"] == ACME_DOMAIN
    ]  # fmt: skip
    ours = _assets(tools_dataset_dir, "Active Directory", NORTHWIND_TRADERS)

    found = await _call(secured_url, "discover_asset_types", {}, "tok-client")
    listed = await _call(
        secured_url, "list_flexible_assets", {"asset_type": "Active Directory"}, "tok-client"
    )
    with pytest.raises(ToolError) as other:
        await _call(secured_url, "get_flexible_asset", {"flexible_asset": acme_domain["id"]},
                    "tok-client")  # fmt: skip
    with pytest.raises(ToolError) as unknown:
        await _call(secured_url, "get_flexible_asset", {"flexible_asset": "9999999"}, "tok-client")

    for summary in found.structured_content["asset_types"]:
        assert summary["organizations_total"] <= 1
        assert summary["assets"] == len(_assets(tools_dataset_dir, summary["name"],
                                                NORTHWIND_TRADERS))  # fmt: skip
        assert {e["organization_id"] for e in summary["examples"]} <= {NORTHWIND_TRADERS}
    [asset] = listed.structured_content["assets"]
    assert asset["source"]["record_id"] == int(ours[0]["id"])
    assert set(asset["tags"]) == {"Domain Controllers"}, "no password entry, not even linked"
    assert str(other.value) == str(unknown.value).replace("9999999", acme_domain["id"])
    everything = _everything(found) + _everything(listed) + str(other.value)
    assert not [name for name in others if name in everything]
    assert '"passwords"' not in everything


async def test_helpdesk_sees_every_organization(secured_url: str, tools_dataset_dir: Path) -> None:
    result = await _call(secured_url, "discover_asset_types", {}, "tok-helpdesk")

    wireless = next(t for t in result.structured_content["asset_types"] if t["name"] == "Wireless")
    assert wireless["assets"] == len(_assets(tools_dataset_dir, "Wireless"))
    assert wireless["organizations_total"] == 6
