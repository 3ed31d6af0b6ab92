"""Interfaces in the answer engine's lookups: ``find_addresses`` and the questions it answers
find a device by an interface's name and answer with that interface's address — and a
question about an organization without such an interface gets no other organization's.

Over the structured handlers' six-organization store (tests/query/test_structured.py), SQLite
and PostgreSQL; expectations are read from the dataset's JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from itglue_mcp.query.network import find_addresses
from itglue_mcp.store.database import create_engine, create_session_factory
from tests.query.test_structured import ask, included, organization_id, records
from tests.query.test_structured import store_url as store_url
from tests.query.test_structured import tenant as tenant


def _interfaces_named(directory: Path, name: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(configuration, interface attributes) for every interface called ``name``."""
    interfaces = {
        i["id"]: i["attributes"]
        for i in included(directory, "configurations")
        if i["type"] == "configuration-interfaces"
    }
    return [
        (configuration, interfaces[ref["id"]])
        for configuration in records(directory, "configurations")
        for ref in configuration["relationships"]["configuration-interfaces"]["data"]
        if interfaces[ref["id"]]["name"] == name
    ]


def _only(directory: Path, name: str, organization: str) -> tuple[dict[str, Any], dict[str, Any]]:
    wanted = organization_id(directory, organization)
    [found] = [
        (configuration, interface)
        for configuration, interface in _interfaces_named(directory, name)
        if configuration["attributes"]["organization-id"] == wanted
    ]
    return found


async def test_find_addresses_by_a_device_and_its_interface(store_url: str, tenant: Path) -> None:
    hypervisor, idrac = _only(tenant, "iDRAC", "Acme Corporation")
    engine = create_engine(store_url, null_pool=True)
    try:
        async with create_session_factory(engine)() as session:
            lookup = await find_addresses(
                session, f"{hypervisor['attributes']['name']} idrac", limit=5
            )
    finally:
        await engine.dispose()

    assert lookup.kind == "name" and lookup.exact
    [match] = lookup.configurations
    assert match.configuration.id == int(hypervisor["id"])
    assert match.matched is not None and match.matched.name == "iDRAC"
    assert match.addresses == (idrac["ip-address"],), "the interface's address, not the host's"
    assert [(fact.label, fact.value) for fact in lookup.facts()] == [
        ("interface iDRAC", idrac["ip-address"])
    ]


async def test_the_ip_of_an_organizations_idrac_is_that_interfaces(
    store_url: str, tenant: Path
) -> None:
    hypervisor, idrac = _only(tenant, "iDRAC", "Acme Corporation")

    answer = await ask(store_url, "what is the IP of the iDRAC @Acme Corporation")

    assert answer.status == "answered"
    first = answer.facts[0]
    assert (first.value, first.source.record_id) == (idrac["ip-address"], int(hypervisor["id"]))
    assert "iDRAC" in first.label
    assert {source.organization_name for source in answer.sources} == {"Acme Corporation"}


async def test_a_device_and_its_interface_named_in_a_question(store_url: str, tenant: Path) -> None:
    hypervisor, idrac = _only(tenant, "iDRAC", "Acme Corporation")
    name = hypervisor["attributes"]["name"]

    answer = await ask(store_url, f"what is the IP of the {name} iDRAC")

    assert answer.status == "answered"
    first = answer.facts[0]
    assert first.value == idrac["ip-address"]
    assert "iDRAC" in first.label


async def test_an_interface_only_other_organizations_have_is_not_answered(
    store_url: str, tenant: Path
) -> None:
    northwind = organization_id(tenant, "Northwind Traders")
    holders = {c["attributes"]["organization-id"] for c, _ in _interfaces_named(tenant, "iDRAC")}
    assert holders and northwind not in holders, "the dataset has iDRACs elsewhere only"

    answer = await ask(store_url, "what is the IP of the iDRAC @Northwind Traders")

    assert answer.status != "answered"
    assert all(fact.source.organization_id == northwind for fact in answer.facts)
