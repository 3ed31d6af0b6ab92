"""Query engine: question understanding, hybrid retrieval and grounded answers.

Organizations, records and citations are :mod:`itglue_mcp.catalog`'s (one resolver per IT Glue
concept); this package reads a question and composes an answer from them. Parsing is pure (no
I/O, no LLM) so it can be tested table-driven::

    scoped = parse_scope("what's the firewall IP at @Acme")   # organization_ref 'Acme'
    intent = detect_intent(scoped.text)  # IntentKind.DEVICE_IP, configuration_kind 'firewall'

The engine answers from the store, the vector index and the graph, citing every record it
uses, and dispatches each intent to a registered handler (retrieval for the rest)::

    engine = QueryEngine(sessions, semantic=semantic, graph=graph)
    engine.register(IntentKind.DEVICE_IP, device_ip)
    answer = await engine.answer("how do we reset the Sophos VPN at @Northwind Traders")
"""

from __future__ import annotations

from itglue_mcp.query.answering import answer_from_retrieval, no_data_answer
from itglue_mcp.query.engine import QueryEngine
from itglue_mcp.query.handlers import AskedQuestion, EngineContext, IntentHandler, ScopeOrganization
from itglue_mcp.query.hits import Retrieval, RetrievedHit
from itglue_mcp.query.intent import Entities, Intent, IntentKind, detect_intent
from itglue_mcp.query.retrieval import HybridRetriever
from itglue_mcp.query.scope import MAX_QUESTION_LENGTH, ScopedQuestion, parse_scope

__all__ = [
    "MAX_QUESTION_LENGTH",
    "AskedQuestion",
    "EngineContext",
    "Entities",
    "HybridRetriever",
    "Intent",
    "IntentHandler",
    "IntentKind",
    "QueryEngine",
    "Retrieval",
    "RetrievedHit",
    "ScopeOrganization",
    "ScopedQuestion",
    "answer_from_retrieval",
    "detect_intent",
    "no_data_answer",
    "parse_scope",
]
