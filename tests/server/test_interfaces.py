"""Interfaces in lookups, as a user calls the tools over Streamable HTTP: ``find_ip_address``
and ``get_configuration`` find a configuration by an interface's name or IP address and say
which interface it was; an interface of an organization the caller may not read is not found
and not suggested.

Expected values are read from the generated dataset files (the six-organization tenant of
tests/server/conftest.py), not restated.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from tests.server.secured import caller_claims, serve_secured_app

NORTHWIND_TRADERS = 2104807


def _interface(directory: Path, configuration: str, interface: str) -> dict[str, Any]:
    """The attributes of ``configuration``'s interface named ``interface``, with its
    configuration's id and organization id."""
    document = json.loads((directory / "configurations.json").read_text())
    interfaces = {
        i["id"]: i for i in document["included"] if i["type"] == "configuration-interfaces"
    }
    for record in document["data"]:
        if record["attributes"]["name"] != configuration:
            continue
        for ref in record["relationships"]["configuration-interfaces"]["data"]:
            attributes = interfaces[ref["id"]]["attributes"]
            if attributes["name"] == interface:
                return {
                    **attributes,
                    "id": int(ref["id"]),
                    "configuration_id": int(record["id"]),
                    "organization_id": record["attributes"]["organization-id"],
                }
    raise AssertionError(f"no interface {interface!r} on {configuration!r} in the dataset")


async def _call(url: str, tool: str, arguments: dict[str, Any], auth: str | None = None) -> Any:
    async with Client(f"{url}/mcp", auth=auth) as client:
        return await client.call_tool(tool, arguments)


def _matched(interface: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": interface["id"],
        "name": interface["name"],
        "ip_address": interface["ip-address"],
        "mac_address": interface["mac-address"],
    }


async def test_find_ip_address_finds_the_hypervisor_by_its_idrac(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    idrac = _interface(tools_dataset_dir, "ACME-HV01", "iDRAC")

    result = await _call(mcp_url, "find_ip_address", {"query": "ACME-HV01 idrac"})

    found = result.structured_content
    assert found["lookup"] == "name"
    [hypervisor] = found["configurations"]
    assert hypervisor["source"]["record_id"] == idrac["configuration_id"]
    assert hypervisor["source"]["name"] == "ACME-HV01"
    assert hypervisor["addresses"] == [idrac["ip-address"]], "the iDRAC's address, not the host's"
    matched = hypervisor["matched_interface"]
    assert {key: matched[key] for key in ("id", "name", "ip_address", "mac_address")} == _matched(
        idrac
    )
    facts = {(fact["label"], fact["value"]) for fact in found["facts"]}
    assert facts == {("interface iDRAC", idrac["ip-address"])}
    text = result.content[0].text
    assert f"matched interface iDRAC: IP {idrac['ip-address']}, MAC {idrac['mac-address']}" in text


async def test_get_configuration_by_an_interface_name_with_a_part_of_the_device_name(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    idrac = _interface(tools_dataset_dir, "HV01", "iDRAC")
    riverbend = next(
        o["attributes"]["name"]
        for o in json.loads((tools_dataset_dir / "organizations.json").read_text())["data"]
        if int(o["id"]) == idrac["organization_id"]
    )

    result = await _call(
        mcp_url, "get_configuration", {"name": "HV01 iDRAC", "organization": riverbend}
    )

    found = result.structured_content
    assert found["matched_by"] == "interface"
    [hypervisor] = found["configurations"]
    assert hypervisor["source"]["record_id"] == idrac["configuration_id"]
    assert hypervisor["matched_interface"]["name"] == "iDRAC"
    assert hypervisor["matched_interface"]["ip_address"] == idrac["ip-address"]
    assert "matched interface iDRAC" in result.content[0].text


async def test_get_configuration_by_an_interface_ip_names_the_interface(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    idrac = _interface(tools_dataset_dir, "ACME-HV01", "iDRAC")

    result = await _call(mcp_url, "get_configuration", {"name": idrac["ip-address"]})

    found = result.structured_content
    assert found["matched_by"] == "ip"
    [hypervisor] = found["configurations"]
    assert hypervisor["source"]["name"] == "ACME-HV01"
    assert hypervisor["matched_interface"]["name"] == "iDRAC"


async def test_a_labelled_wan_interface_is_found_by_its_label(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    wan = _interface(tools_dataset_dir, "NW-FW01", "Port2 (WAN)")

    result = await _call(mcp_url, "find_ip_address", {"query": "NW-FW01 WAN"})

    [firewall] = result.structured_content["configurations"]
    assert firewall["addresses"] == [wan["ip-address"]]
    assert firewall["matched_interface"]["name"] == "Port2 (WAN)"


async def test_an_exact_device_name_names_no_interface(mcp_url: str) -> None:
    result = await _call(mcp_url, "get_configuration", {"name": "ACME-HV01"})

    found = result.structured_content
    assert found["matched_by"] == "exact"
    assert [c.get("matched_interface") for c in found["configurations"]] == [None]


# --- A caller who may read Northwind Traders only ------------------------------------------


@pytest.fixture(scope="module")
def northwind_only_url(
    synced_store_url: str, tmp_path_factory: pytest.TempPathFactory, sqlite_template_file: Path
) -> Iterator[str]:
    audit = tmp_path_factory.mktemp("interfaces-audit") / "audit.db"
    shutil.copyfile(sqlite_template_file, audit)
    yield from serve_secured_app(
        synced_store_url,
        f"sqlite+aiosqlite:///{audit}",
        {"tok-client": caller_claims("cleo", groups=["Northwind IT"])},
        {"group:Northwind IT": [f"client-readonly@{NORTHWIND_TRADERS}"]},
    )


async def test_an_interface_of_an_unreadable_organization_is_not_found_nor_suggested(
    northwind_only_url: str, tools_dataset_dir: Path
) -> None:
    # iDRAC interfaces exist in other organizations only, XClarity Controllers in both.
    idrac = _interface(tools_dataset_dir, "ACME-HV01", "iDRAC")
    assert idrac["organization_id"] != NORTHWIND_TRADERS
    ours = _interface(tools_dataset_dir, "NW-HV01", "XClarity Controller")

    for tool, arguments in (
        ("find_ip_address", {"query": "iDRAC"}),
        ("find_ip_address", {"query": "ACME-HV01 iDRAC"}),
        ("get_configuration", {"name": "iDRAC"}),
        ("get_configuration", {"name": "HV01 iDRAC"}),
    ):
        with pytest.raises(ToolError) as raised:
            await _call(northwind_only_url, tool, arguments, auth="tok-client")
        message = str(raised.value)
        assert "no configuration" in message, message
        for theirs in ("ACME-HV01", "Acme", "Silver Creek", "Riverbend", "BrightPath"):
            assert theirs.casefold() not in message.casefold().replace(
                arguments.get("query", arguments.get("name", "")).casefold(), ""
            ), f"{tool}({arguments}) names {theirs}: {message}"

    result = await _call(
        northwind_only_url, "find_ip_address", {"query": "XClarity Controller"}, auth="tok-client"
    )
    found = result.structured_content["configurations"]
    assert {c["source"]["organization_id"] for c in found} == {NORTHWIND_TRADERS}
    assert ours["configuration_id"] in {c["source"]["record_id"] for c in found}
