"""Relationship questions: what a record is linked to ("what depends on DC01 at @X").

:func:`relationship` finds the record the question names — its hostname, else its target —
through the graph (:meth:`~itglue_mcp.graph.store.GraphStore.find_nodes`: configurations,
documents, passwords and flexible assets of the scope; exact names before prefixes before
parts), then reads its direct links (:func:`~itglue_mcp.query.dependencies.find_dependencies`,
depth 1): IT Glue related items, Tag traits pointing at it or from it, its passwords, contact
and location. Each link is a fact whose value is the linked record's name as stored, labelled
with the relation; the related items' notes are quoted as untrusted excerpts. Expirations are
left out: the graph names them after their dates, and expiration questions cover them. The
record asked about is cited first.

Confidence: :data:`~.common.EXACT` when the record's name is the one asked, else (it starts
with or contains it) :data:`~.common.PARTIAL`.

Returns ``None`` without a graph or a subject, or when no organization holds a record of that
name (retrieval then searches the free text). A name absent from the organization but held by
another gives ``no_data`` naming where; an exact name of several records gives ``no_data``
listing them, to ask again with the organization; a part of several names gives ``None``.

Example::

    answer = await relationship(asked, context)   # "what depends on ACME-NAS01"
    [(fact.label, fact.value) for fact in answer.facts]
"""

from __future__ import annotations

from itglue_mcp.graph.store import GraphNode, GraphStore, NameMatch
from itglue_mcp.query.answer import Answer, Excerpt, Fact
from itglue_mcp.query.dependencies import (
    MAX_CANDIDATES,
    NAMED_TYPES,
    DependencyNode,
    describe_type,
    find_dependencies,
    source_of_node,
)
from itglue_mcp.query.handlers import AskedQuestion, EngineContext
from itglue_mcp.query.structured.common import (
    EXACT,
    PARTIAL,
    answered,
    no_data,
    scope_name,
)
from itglue_mcp.query.suggestions import MAX_NAMED, elsewhere_hint

__all__ = ["MAX_LINKS", "relationship"]

MAX_LINKS = 50
"""Most linked records one answer lists."""

# Relation → how a fact names it, most telling first.
_RELATIONS = {
    "related_item": "related item",
    "tagged_by": "refers to it",
    "tags": "it refers to",
    "has_password": "password",
    "password_for": "password of",
    "contact": "contact",
    "contact_for": "contact of",
    "located_at": "location",
    "location_of": "located here",
}
_ORDER = {relation: rank for rank, relation in enumerate(_RELATIONS)}


def _named(node: GraphNode) -> str:
    where = f", {node.organization_name}" if node.organization_name else ""
    return f"{node.name} ({describe_type(node.ref.record_type)}{where})"


def _link_label(node: DependencyNode) -> str:
    label = _RELATIONS[node.relation]
    return f"{label} ({node.label})" if node.label else label


def _best(matches: list[NameMatch]) -> list[NameMatch]:
    """The matches of the best tier (exact names, else prefixes, else parts)."""
    return [match for match in matches if match.tier == matches[0].tier]


def _named_types(asked: AskedQuestion) -> list[str]:
    return [kind for kind in NAMED_TYPES if kind not in asked.hidden_types]


async def _find(
    graph: GraphStore, asked: AskedQuestion, name: str, organization_ids: frozenset[int] | None
) -> list[NameMatch]:
    types = _named_types(asked)
    if not types:
        return []
    matches = await graph.find_nodes(
        name, record_types=types, organization_ids=organization_ids, limit=MAX_CANDIDATES
    )
    return _best(matches) if matches else []


async def _missing(graph: GraphStore, asked: AskedQuestion, name: str) -> Answer | None:
    """``no_data`` naming where ``name`` is, when another organization the caller may read
    holds it."""
    if asked.organization is None:
        return None
    here = asked.organization.id
    elsewhere = [
        source_of_node(match.node)
        for match in await _find(graph, asked, name, asked.readable)
        if match.node.organization_id != here
    ]
    if not elsewhere:
        return None
    close = await graph.similar_nodes(
        name,
        record_types=_named_types(asked),
        organization_ids=asked.organization_ids,
        limit=MAX_NAMED,
    )
    named = ", ".join(_named(match.node) for match in close)
    hints = [
        elsewhere_hint(name, elsewhere),
        f"Records in {scope_name(asked)} with names close to {name!r}: {named}." if named else None,
    ]
    return no_data(asked, f"No record of {scope_name(asked)} is named {name!r}.", hints)


async def relationship(asked: AskedQuestion, context: EngineContext) -> Answer | None:
    """The records linked to the record a question names, from the graph.

    Reads the graph (records and their links) within the question's scope.
    """
    entities = asked.intent.entities
    name = entities.hostname or entities.target
    graph = context.graph
    if graph is None or not name:
        return None
    scope = asked.organization_ids
    best = await _find(graph, asked, name, scope)
    if not best:
        return await _missing(graph, asked, name)
    if len(best) > 1:
        if best[0].tier > 0:
            return None  # only parts of names match: not a record named, let retrieval try
        named = "; ".join(_named(match.node) for match in best)
        return no_data(
            asked,
            f"{name!r} names several records; ask about one of them by its exact name or with "
            "its organization (@name).",
            [f"{name!r} could be: {named}."],
        )
    start = best[0].node
    dependencies = await find_dependencies(
        graph,
        start,
        depth=1,
        limit=MAX_LINKS,
        organization_ids=scope,
        hidden_types=asked.hidden_types,
    )
    confidence = EXACT if best[0].tier == 0 else PARTIAL
    links = sorted(
        (node for node in dependencies.nodes if node.relation in _RELATIONS),
        key=lambda node: _ORDER[node.relation],
    )
    if not links:
        return no_data(asked, f"IT Glue links nothing to {_named(start)}.")
    subject = source_of_node(start)
    facts = [
        Fact(
            label=_link_label(node),
            value=node.record.name,
            source=node.record,
            confidence=confidence,
        )
        for node in links
        if node.record.name
    ]
    excerpts = [
        Excerpt(field=f"related item notes ({node.record.name})", text=node.notes, source=subject)
        for node in links
        if node.notes and node.notes.strip()
    ]
    more = " (more exist)" if dependencies.truncated else ""
    return answered(
        asked,
        facts=facts,
        excerpts=excerpts,
        leading=[subject],
        message=f"{len(links)} records linked to {_named(start)}{more}.",
    )
