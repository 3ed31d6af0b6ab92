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
        async with reading(context.sessions) as session:
            ...                       # read the store, scoped to asked.organization_ids
        return None                   # nothing found: let retrieval try (and say no data)

    engine.register(IntentKind.DEVICE_IP, device_ip)

A lookup *outside* the organization asked about (a hint that something exists elsewhere)
reads within ``asked.readable``, never every organization: a caller limited to some
organizations must not learn what the others hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.graph.store import GraphStore
from itglue_mcp.index.search import SemanticSearch
from itglue_mcp.query.answer import Answer
from itglue_mcp.query.intent import Intent
from itglue_mcp.query.retrieval import SEARCHABLE_RECORD_TYPES, HybridRetriever

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
        organization: the organization it is about; ``None`` for every organization the
            caller may read.
        readable: the organizations the caller may read (its
            ``Permissions.readable``); ``None``: every organization. ``organization`` is
            always one of them (the engine resolves references among these only), and every
            read a handler makes — hints of where else something exists included — stays
            within them, so that an organization the caller may not read is never named.
        hidden_types: record types (JSON:API) the caller may see in no organization (its
            ``Permissions.hidden_record_types``, e.g. ``passwords`` for ``client-readonly``);
            retrieval and hints leave them out (:attr:`record_types`), and the engine neither
            runs a handler of such records nor returns a fact, passage or source of one.
    """

    question: str
    text: str
    intent: Intent
    organization: ScopeOrganization | None
    readable: frozenset[int] | None = None
    hidden_types: frozenset[str] = frozenset()

    @property
    def organization_ids(self) -> frozenset[int] | None:
        """The scope to pass to store, index and graph reads: the organization asked about,
        else every readable one (``None``: every organization)."""
        if self.organization is not None:
            return frozenset({self.organization.id})
        return self.readable

    @property
    def record_types(self) -> tuple[str, ...] | None:
        """The searchable record types to read: all but :attr:`hidden_types` (``None``: all)."""
        if not self.hidden_types:
            return None
        return tuple(kind for kind in SEARCHABLE_RECORD_TYPES if kind not in self.hidden_types)


@dataclass(frozen=True, slots=True)
class EngineContext:
    """The backends a handler reads through (built once by the engine).

    Attributes:
        sessions: the store's session factory; read through
            :func:`~itglue_mcp.catalog.unit.reading` (the request's one read-only unit of
            work).
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
