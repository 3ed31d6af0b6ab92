"""Flexible asset types and counts read from a synced store: the per-organization counts are
one statement whatever the account size, and a type reference resolves exact, then part of a
name, then one close name (the one suggester)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.errors import AmbiguousRecord, RecordNotFound
from itglue_mcp.catalog.flexible_assets import (
    AssetTypeSchema,
    asset_counts,
    asset_type_schemas,
    one_asset_type,
)
from tests.statements import recorded_statements
from tests.store.test_network import records

Sessions = async_sessionmaker[AsyncSession]


async def test_counts_per_organization_are_one_statement(
    synced: Sessions, dataset_dir: Path
) -> None:
    expected: dict[int, Counter[int]] = {}
    for asset in records(dataset_dir, "flexible_assets"):
        attributes = asset["attributes"]
        if not attributes["archived"]:
            counter = expected.setdefault(attributes["flexible-asset-type-id"], Counter())
            counter[attributes["organization-id"]] += 1

    async with synced() as session:
        with recorded_statements(session) as statements:
            rows = await asset_counts(session, organization_ids=None, per_type=2)

    # The session's own statements (SQLite's BEGIN and PRAGMA) aside: one query.
    [query] = [text for text in statements if text.upper().startswith("SELECT")]
    assert "GROUP BY" in query
    found: dict[int, list[tuple[int, int]]] = {}
    for row in rows:
        counter = expected[row.flexible_asset_type_id]
        assert (row.total, row.organizations) == (sum(counter.values()), len(counter))
        found.setdefault(row.flexible_asset_type_id, []).append((row.organization_id, row.assets))
    assert found == {
        type_id: sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:2]
        for type_id, counter in expected.items()
    }


async def test_no_readable_organization_reads_nothing(synced: Sessions) -> None:
    async with synced() as session:
        assert await asset_counts(session, organization_ids=[], per_type=5) == []


@pytest.fixture
async def schemas(synced: Sessions) -> list[AssetTypeSchema]:
    async with synced() as session:
        return await asset_type_schemas(session)


@pytest.mark.parametrize(
    ("reference", "name"),
    [
        ("WIRELESS", "Wireless"),  # any case
        ("ssl cert", "SSL Certificate"),  # part of one name
        ("wirless", "Wireless"),  # one close name
        ("1042036", "LAN"),  # IT Glue id
    ],
)
def test_a_type_reference_resolves(
    schemas: list[AssetTypeSchema], reference: str, name: str
) -> None:
    assert one_asset_type(schemas, reference).name == name


def test_an_unknown_or_ambiguous_type_lists_names(schemas: list[AssetTypeSchema]) -> None:
    with pytest.raises(AmbiguousRecord, match=r"^asset_type: 'ic' matches several .*: "):
        one_asset_type(schemas, "ic")
    with pytest.raises(RecordNotFound, match=r"^asset_type: .*; types: Active Directory, "):
        one_asset_type(schemas, "Zebra")
