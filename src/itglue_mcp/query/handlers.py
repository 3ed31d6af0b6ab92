"""The contract between the query engine and the handlers that answer one kind of question.

The engine parses a question (scope, organization, intent) into an :class:`AskedQuestion` and
hands it, with the backends in an :class:`EngineContext`, to the :class:`IntentHandler`
registered for its :class:`~itglue_mcp.query.intent.IntentKind`. A handler returns a grounded
:class:`~itglue_mcp.query.answer.Answer` — every fact and excerpt carrying its
``SourceRecord`` — or ``None`` to let the engine fall back to retrieval (full text + meaning),
which answers any question it can find records for and says "no data" otherwise.

A structured handler (configurations by IP, a password's metadata, expirations…) is one
async function; registering it is one line::

    async def device_ip(asked: AskedQuestion, context: EngineContext) -> Answer | None:
        async with unit_of_work(context.sessions, read_only=True) as session:
            ...                       # read the store, scoped to asked.organization_ids
        return None                   # nothing found: let retrieval try (and say no data)

    engine.register(IntentKind.DEVICE_IP, device_ip)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.graph.store import GraphStore
from itglue_mcp.index.search import SemanticSearch
from itglue_mcp.query.answer import Answer, SourceRecord
from itglue_mcp.query.intent import Intent
from itglue_mcp.query.retrieval import HybridRetriever

__all__ = ["AskedQuestion", "EngineContext", "IntentHandler", "ScopeOrganization"]


@dataclass(frozen=True, slots=True)
class ScopeOrganization:
    """The organization a question is about, resolved from ``@name`` or the argument.

    Attributes:
        id: its IT Glue id.
        name: its name.
        source: its citation (an ``organizations`` record), for :attr:`Answer.organization`.
    """

    id: int
    name: str
    source: SourceRecord


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """A parsed question, as every handler receives it.

    Attributes:
        question: the question exactly as asked (``@organization`` included).
        text: the question without its scope, whitespace tidied (never empty).
        intent: what it asks for, with its entities (target, IP, hostname, keywords…).
        organization: the organization it is about; ``None`` for every organization.
    """

    question: str
    text: str
    intent: Intent
    organization: ScopeOrganization | None

    @property
    def organization_ids(self) -> frozenset[int] | None:
        """The scope to pass to store, index and graph reads (``None``: every organization)."""
        return None if self.organization is None else frozenset({self.organization.id})


@dataclass(frozen=True, slots=True)
class EngineContext:
    """The backends a handler reads through (built once by the engine).

    Attributes:
        sessions: the store's session factory (use ``unit_of_work(..., read_only=True)``).
        retriever: hybrid retrieval over the store's full text and the vector index.
        semantic: search by meaning; ``None`` when no vector index is configured.
        graph: links between records; ``None`` when none is wired.
    """

    sessions: async_sessionmaker[AsyncSession]
    retriever: HybridRetriever
    semantic: SemanticSearch | None = None
    graph: GraphStore | None = None


class IntentHandler(Protocol):
    """Answers questions of one intent from the store, grounded in the records it read.

    Returns an :class:`Answer` (``answered`` with sourced facts/excerpts, or ``no_data`` —
    :func:`itglue_mcp.query.answering.no_data_answer` builds one with suggestions), or
    ``None`` when it found nothing, so that retrieval gets a chance. It raises only
    ``ItglueMcpError``/``ValueError`` subclasses with caller-facing messages.
    """

    async def __call__(self, asked: AskedQuestion, context: EngineContext) -> Answer | None:
        """Answer ``asked`` reading through ``context``."""
