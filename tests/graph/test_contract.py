"""The GraphStore contract, checked against the dataset's own links on every backend."""

from __future__ import annotations

import pytest

from itglue_mcp.graph import (
    LEAF_TYPES,
    MAX_DEPTH,
    MAX_LIMIT,
    GraphStore,
    RecordRef,
    Relation,
)
from tests.graph.dataset_links import DatasetGraph

NORTHWIND = "Northwind Traders"


def _organization_id(dataset_graph: DatasetGraph, name: str) -> int:
    return next(
        dataset_graph.organization(ref)
        for ref, attributes in dataset_graph.records.items()
        if attributes.get("organization-name") == name
    )


def _inverse(relation: str) -> str:
    return Relation(relation).inverse.value


def _firewall(dataset_graph: DatasetGraph) -> RecordRef:
    [firewall] = dataset_graph.by_name("configurations", "NW-FW01")
    return firewall


async def test_neighbours_are_the_datasets_links(
    graph: GraphStore, dataset_graph: DatasetGraph
) -> None:
    """Every record of one organization, in one call: exactly its links, from its side."""
    organization_id = _organization_id(dataset_graph, NORTHWIND)
    records = [
        ref for ref in dataset_graph.records if dataset_graph.organization(ref) == organization_id
    ]

    edges = await graph.neighbours(records)

    found: dict[RecordRef, set[tuple[RecordRef, str]]] = {}
    for edge in edges:
        found.setdefault(edge.source, set()).add((edge.target, edge.relation))
    expected = {ref: dataset_graph.links[ref] for ref in records if dataset_graph.links[ref]}
    assert found == expected
    assert len(edges) == sum(len(links) for links in expected.values())  # each link once


async def test_related_item_notes_come_with_the_edge(
    graph: GraphStore, dataset_graph: DatasetGraph
) -> None:
    firewall = _firewall(dataset_graph)

    edges = await graph.neighbours([firewall])

    related = {e.target: e.notes for e in edges if e.relation == Relation.RELATED_ITEM}
    assert related
    for target, notes in related.items():
        expected = dataset_graph.notes.get(
            (firewall, target), dataset_graph.notes.get((target, firewall))
        )
        assert notes == expected


async def test_tag_edges_name_their_trait(graph: GraphStore, dataset_graph: DatasetGraph) -> None:
    firewall = _firewall(dataset_graph)

    edges = await graph.neighbours([firewall])

    tagged = [edge for edge in edges if edge.relation == Relation.TAGGED_BY]
    assert tagged
    for edge in tagged:
        trait = dataset_graph.records[edge.target]["traits"][edge.label]
        assert firewall.record_id in [value["id"] for value in trait["values"]]


@pytest.mark.parametrize("depth", [1, 2, 3])
async def test_expand_reaches_each_record_at_its_shortest_distance(
    graph: GraphStore, dataset_graph: DatasetGraph, depth: int
) -> None:
    firewall = _firewall(dataset_graph)

    subgraph = await graph.expand(firewall, depth=depth, limit=MAX_LIMIT)

    assert subgraph.depths == dataset_graph.depths(firewall, depth)
    assert not subgraph.truncated
    assert set(subgraph.nodes) == set(subgraph.depths)
    for ref, node in subgraph.nodes.items():
        assert node.name == (dataset_graph.records[ref].get("name") or node.name)
        assert node.resource_url == dataset_graph.records[ref]["resource-url"]
        assert node.organization_id == dataset_graph.organization(ref)


async def test_expand_lists_each_link_once_between_reached_records(
    graph: GraphStore, dataset_graph: DatasetGraph
) -> None:
    firewall = _firewall(dataset_graph)

    subgraph = await graph.expand(firewall, depth=MAX_DEPTH, limit=MAX_LIMIT)

    links = [
        (frozenset((edge.source, edge.target)), frozenset({edge.relation, _inverse(edge.relation)}))
        for edge in subgraph.edges
    ]
    assert len(links) == len(set(links))
    for edge in subgraph.edges:
        assert (edge.target, edge.relation) in dataset_graph.links[edge.source]
        assert edge.source in subgraph.depths and edge.target in subgraph.depths
        # Never walked from a leaf record other than the start, so a leaf's links are read
        # from their other end; other links from the nearer end.
        assert edge.source == firewall or edge.source.record_type not in LEAF_TYPES
        if edge.target.record_type not in LEAF_TYPES:
            assert subgraph.depths[edge.source] <= subgraph.depths[edge.target]
    # Every reached record was reached through a listed edge.
    assert {edge.target for edge in subgraph.edges} == set(subgraph.depths) - {firewall}


async def test_a_location_is_walked_from_but_not_through(
    graph: GraphStore, dataset_graph: DatasetGraph
) -> None:
    firewall = _firewall(dataset_graph)
    location = RecordRef("locations", dataset_graph.records[firewall]["location-id"])

    from_firewall = await graph.expand(firewall, depth=2, limit=MAX_LIMIT)
    from_location = await graph.expand(location, depth=1, limit=MAX_LIMIT)

    assert from_firewall.depths[location] == 1
    site = {ref for ref, _ in dataset_graph.links[location]}
    assert set(from_location.depths) == site | {location}
    assert len(site) > 10  # a hub: walking through it would reach the whole site


async def test_limit_truncates_and_keeps_the_nearest(
    graph: GraphStore, dataset_graph: DatasetGraph
) -> None:
    firewall = _firewall(dataset_graph)
    full = dataset_graph.depths(firewall, 2)

    subgraph = await graph.expand(firewall, depth=2, limit=3)

    assert subgraph.truncated
    assert len(subgraph.depths) == 4
    assert all(full[ref] == depth for ref, depth in subgraph.depths.items())
    assert all(depth <= 1 for depth in subgraph.depths.values())


async def test_organization_scope_limits_the_walk(
    graph: GraphStore, dataset_graph: DatasetGraph
) -> None:
    firewall = _firewall(dataset_graph)
    own = _organization_id(dataset_graph, NORTHWIND)
    other = _organization_id(dataset_graph, "Acme Corporation")

    inside = await graph.expand(firewall, depth=2, limit=MAX_LIMIT, organization_ids=[own])
    outside = await graph.expand(firewall, depth=2, limit=MAX_LIMIT, organization_ids=[other])

    assert inside.depths == dataset_graph.depths(firewall, 2, organization_ids={own})
    assert outside.depths == {} and outside.edges == [] and outside.start == firewall
    assert await graph.nodes([firewall], organization_ids=[other]) == {}


async def test_unknown_records_are_not_nodes(graph: GraphStore) -> None:
    missing = RecordRef("configurations", 1)

    assert await graph.nodes([missing, RecordRef("organizations", 1)]) == {}
    assert await graph.neighbours([missing]) == []
    assert (await graph.expand(missing, depth=1, limit=5)).depths == {}


async def test_find_nodes_ranks_exact_then_prefix_then_part(
    graph: GraphStore, dataset_graph: DatasetGraph
) -> None:
    matches = await graph.find_nodes("dc01", record_types=["configurations"], limit=MAX_LIMIT)

    names = {
        ref: attributes["name"]
        for ref, attributes in dataset_graph.records.items()
        if ref.record_type == "configurations" and "dc01" in attributes["name"].lower()
    }
    assert {match.node.ref for match in matches} == set(names)
    tiers = [match.tier for match in matches]
    assert tiers == sorted(tiers)
    for match in matches:
        name = names[match.node.ref].lower()
        assert match.tier == (0 if name == "dc01" else 1 if name.startswith("dc01") else 2)


async def test_find_nodes_takes_names_literally_and_in_scope(
    graph: GraphStore, dataset_graph: DatasetGraph
) -> None:
    own = _organization_id(dataset_graph, NORTHWIND)

    assert await graph.find_nodes("%", record_types=["documents"]) == []
    scoped = await graph.find_nodes(
        "FW0", record_types=["configurations"], organization_ids=[own], limit=50
    )
    assert scoped and all(match.node.organization_id == own for match in scoped)


async def test_similar_nodes_suggest_close_names(graph: GraphStore) -> None:
    matches = await graph.similar_nodes("NW-FWO1", record_types=["configurations"], limit=3)

    assert matches[0].node.name == "NW-FW01"
    assert all(match.tier == 3 for match in matches)


@pytest.mark.parametrize(
    ("depth", "limit", "field"),
    [(0, 5, "depth"), (MAX_DEPTH + 1, 5, "depth"), (1, 0, "limit"), (1, MAX_LIMIT + 1, "limit")],
)
async def test_walk_bounds_are_refused(
    graph: GraphStore, dataset_graph: DatasetGraph, depth: int, limit: int, field: str
) -> None:
    with pytest.raises(ValueError, match=field):
        await graph.expand(_firewall(dataset_graph), depth=depth, limit=limit)


async def test_bad_lookups_are_refused(graph: GraphStore) -> None:
    with pytest.raises(ValueError, match="name"):
        await graph.find_nodes("  ", record_types=["configurations"])
    with pytest.raises(ValueError, match="record_type"):
        await graph.find_nodes("x", record_types=["organizations"])
    with pytest.raises(ValueError, match="limit"):
        await graph.similar_nodes("x", record_types=["documents"], limit=0)
