"""What a tool call answered, read from its structured content the way a client reads it.

``query_documentation`` returns an :class:`~itglue_mcp.query.answer.Answer` (status, facts,
excerpts, sources best first); the other tools return their own shapes in which every record
travels with a ``source`` (a :class:`~itglue_mcp.query.answer.SourceRecord`). Both reduce to
an :class:`Observation`:

- ``sources``: the records the answer ranks, best first (for an ``Answer`` its ``sources``;
  otherwise every ``source`` in document order, the ``organization`` the call was scoped to
  left out, as ``Answer.organization`` is);
- ``citations``: every record cited anywhere (scope, facts, excerpts), for the hallucination
  check;
- ``facts``: values with the record they are claimed from; for the other tools each text
  field next to a ``source`` (``primary_ip`` of a configuration, ``ip_address`` of one of its
  interfaces) — ``keyed`` facts, checked only when the field names an attribute of the record;
- ``status``: ``no_data`` for an ``Answer`` saying so, for a tool error (record not found,
  unknown organization) and for a result citing nothing.

Example::

    observation = observe(result.structured_content, text=..., is_error=result.is_error)
    observation.sources[0].key  # ('configurations', '4215003')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Citation", "Observation", "ObservedFact", "observe"]

ObservedStatus = Literal["answered", "no_data"]


@dataclass(frozen=True, slots=True)
class Citation:
    """A cited record as the answer names it."""

    record_type: str
    record_id: str
    name: str | None = None
    organization_id: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        """``(record_type, record_id)``."""
        return (self.record_type, self.record_id)

    def __str__(self) -> str:
        return f"{self.record_type}/{self.record_id}"


@dataclass(frozen=True, slots=True)
class ObservedFact:
    """A value the answer claims a record holds.

    Attributes:
        label: what the value is (an ``Answer`` fact's label, or the field name).
        value: the value as returned.
        source: the record it is claimed from.
        keyed: read from a field of a tool's own output (``label`` is the field name),
            rather than from an ``Answer`` fact.
    """

    label: str
    value: str
    source: Citation
    keyed: bool = False


@dataclass(frozen=True, slots=True)
class Observation:
    """One tool result reduced to what the evaluation grades.

    Attributes:
        status: ``answered`` or ``no_data``.
        intent: the intent an ``Answer`` reports, ``None`` for other tools.
        sources: ranked records, best first, without duplicates.
        citations: every record cited anywhere in the result.
        facts: claimed values, in the order returned.
        leading_values: the values that count for top-1: an ``Answer``'s first fact, or every
            fact of the first source for the other tools.
        message: the answer's message, or the tool error's text.
        error: whether the tool returned an error.
        raw_text: every text the client received (content and structured content), for the
            secret-leak check; never written out unredacted.
        scoped_to: the id of the organization the result says it was scoped to (its
            ``organization``), ``None`` when it names none.
    """

    status: ObservedStatus
    intent: str | None
    sources: tuple[Citation, ...]
    citations: tuple[Citation, ...]
    facts: tuple[ObservedFact, ...]
    leading_values: tuple[str, ...]
    message: str
    error: bool
    raw_text: str
    scoped_to: int | None = None


def _scoped_to(content: Mapping[str, Any]) -> int | None:
    """The organization id of a result's ``organization`` (a ``SourceRecord``), if any."""
    organization = _citation(content.get("organization"))
    if organization is None or organization.record_type != "organizations":
        return None
    return int(organization.record_id) if organization.record_id.isdigit() else None


def _citation(value: Any) -> Citation | None:
    """A :class:`Citation` when ``value`` has the shape of a ``SourceRecord``."""
    if not isinstance(value, Mapping):
        return None
    record_type, record_id = value.get("record_type"), value.get("record_id")
    if not isinstance(record_type, str) or record_id is None:
        return None
    organization = value.get("organization_id")
    name = value.get("name")
    return Citation(
        record_type=record_type,
        record_id=str(record_id),
        name=name if isinstance(name, str) else None,
        organization_id=organization if isinstance(organization, int) else None,
    )


def _all_citations(value: Any) -> Iterator[Citation]:
    """Every ``SourceRecord``-shaped mapping inside ``value``, in document order, except that
    a mapping's own ``source`` comes before the records it mentions (its related items)."""
    citation = _citation(value)
    if citation is not None:
        yield citation
        return
    if isinstance(value, Mapping):
        own = _citation(value.get("source"))
        if own is not None:
            yield own
        for key, item in value.items():
            if key != "source" or own is None:
                yield from _all_citations(item)
    elif isinstance(value, list):
        for item in value:
            yield from _all_citations(item)


def _is_fact(value: Mapping[str, Any]) -> bool:
    return {"label", "value", "source"} <= value.keys()


def _keyed_facts(value: Any, source: Citation | None) -> Iterator[ObservedFact]:
    """Facts inside a tool's own output: ``Fact``-shaped mappings as they are, and each text
    field next to a ``source`` (or inside a child of such a mapping) as a keyed fact."""
    if isinstance(value, Mapping):
        if _citation(value) is not None:
            return  # a reference to another record (a link): a citation, not a claim
        own = _citation(value.get("source"))
        if own is not None and _is_fact(value) and value.get("value") is not None:
            yield ObservedFact(label=str(value["label"]), value=str(value["value"]), source=own)
            return
        current = own or source
        for key, item in value.items():
            if key == "source":
                continue
            if isinstance(item, str) and current is not None and item.strip():
                yield ObservedFact(label=str(key), value=item, source=current, keyed=True)
            else:
                yield from _keyed_facts(item, current)
    elif isinstance(value, list):
        for item in value:
            yield from _keyed_facts(item, source)


def _unique(citations: Iterator[Citation]) -> tuple[Citation, ...]:
    seen: dict[tuple[str, str], Citation] = {}
    for citation in citations:
        seen.setdefault(citation.key, citation)
    return tuple(seen.values())


def _is_answer(content: Mapping[str, Any]) -> bool:
    return {"status", "facts", "sources"} <= content.keys()


def _from_answer(content: Mapping[str, Any], raw_text: str) -> Observation:
    sources = _unique(c for s in content.get("sources") or [] if (c := _citation(s)) is not None)
    facts = tuple(
        ObservedFact(label=str(f.get("label", "")), value=str(f["value"]), source=source)
        for f in content.get("facts") or []
        if isinstance(f, Mapping)
        and f.get("value") is not None
        and (source := _citation(f.get("source"))) is not None
    )
    status: ObservedStatus = "no_data" if content.get("status") == "no_data" else "answered"
    intent = content.get("intent")
    return Observation(
        status=status,
        intent=intent if isinstance(intent, str) else None,
        sources=sources,
        citations=tuple(_all_citations(dict(content))),
        facts=facts,
        leading_values=tuple(f.value for f in facts[:1]),
        message=str(content.get("message") or ""),
        error=False,
        raw_text=raw_text,
        scoped_to=_scoped_to(content),
    )


def observe(content: Mapping[str, Any] | None, *, text: str, is_error: bool) -> Observation:
    """Reduce one tool result to an :class:`Observation`.

    Args:
        content: the structured content (``None`` when the tool returned none).
        text: the text content blocks, joined.
        is_error: the result is a tool error (its text is the error message).

    Returns:
        The observation; a tool error is a ``no_data`` observation citing nothing.
    """
    raw_text = text if content is None else f"{text}\n{content!r}"
    if is_error or content is None:
        return Observation(
            status="no_data",
            intent=None,
            sources=(),
            citations=(),
            facts=(),
            leading_values=(),
            message=text,
            error=is_error,
            raw_text=raw_text,
        )
    if _is_answer(content):
        return _from_answer(content, raw_text)
    ranked = {key: value for key, value in content.items() if key != "organization"}
    sources = _unique(_all_citations(ranked))
    facts = tuple(_keyed_facts(ranked, None))
    first = sources[0].key if sources else None
    message = content.get("message")
    return Observation(
        status="answered" if sources else "no_data",
        intent=None,
        sources=sources,
        citations=tuple(_all_citations(dict(content))),
        facts=facts,
        leading_values=tuple(f.value for f in facts if f.source.key == first),
        message=message if isinstance(message, str) else "",
        error=False,
        raw_text=raw_text,
        scoped_to=_scoped_to(content),
    )
