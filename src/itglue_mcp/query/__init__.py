"""Query engine: organization scoping, intent detection, hybrid retrieval and grounded answers.

Parsing is pure (no I/O, no LLM) so it can be tested table-driven and reused by every tool::

    scoped = parse_scope("what's the firewall IP at @Acme")
    organization = resolve_organization(scoped.organization_ref, candidates_from_views(views))
    intent = detect_intent(scoped.text)  # IntentKind.DEVICE_IP, configuration_kind 'firewall'

The engine answers from the store, the vector index and the graph, citing every record it
uses, and dispatches each intent to a registered handler (retrieval for the rest)::

    engine = QueryEngine(sessions, semantic=semantic, graph=graph)
    engine.register(IntentKind.DEVICE_IP, device_ip)
    answer = await engine.answer("how do we reset the Sophos VPN at @Northwind Traders")
"""

from __future__ import annotations

from itglue_mcp.catalog.errors import (
    AmbiguousOrganization,
    AmbiguousRecord,
    OrganizationNotFound,
    OrganizationResolutionError,
    RecordLookupError,
    RecordNotFound,
)
from itglue_mcp.catalog.organization_matching import (
    OrganizationMatch,
    OrgCandidate,
    ScoredCandidate,
    candidate_from_view,
    candidates_from_views,
    match_organizations,
    resolve_organization,
)
from itglue_mcp.query.answering import answer_from_retrieval, no_data_answer
from itglue_mcp.query.engine import QueryEngine
from itglue_mcp.query.handlers import AskedQuestion, EngineContext, IntentHandler, ScopeOrganization
from itglue_mcp.query.hits import Retrieval, RetrievedHit
from itglue_mcp.query.intent import Entities, Intent, IntentKind, detect_intent
from itglue_mcp.query.retrieval import HybridRetriever
from itglue_mcp.query.scope import MAX_QUESTION_LENGTH, ScopedQuestion, parse_scope

__all__ = [
    "MAX_QUESTION_LENGTH",
    "AmbiguousOrganization",
    "AmbiguousRecord",
    "AskedQuestion",
    "EngineContext",
    "Entities",
    "HybridRetriever",
    "Intent",
    "IntentHandler",
    "IntentKind",
    "OrgCandidate",
    "OrganizationMatch",
    "OrganizationNotFound",
    "OrganizationResolutionError",
    "QueryEngine",
    "RecordLookupError",
    "RecordNotFound",
    "Retrieval",
    "RetrievedHit",
    "ScopeOrganization",
    "ScopedQuestion",
    "ScoredCandidate",
    "answer_from_retrieval",
    "candidate_from_view",
    "candidates_from_views",
    "detect_intent",
    "match_organizations",
    "no_data_answer",
    "parse_scope",
    "resolve_organization",
]
