"""Query parameters of list routes: ``filter[...]``, ``sort``, ``page[...]``, ``include``.

Implements the paging and filtering rules of the IT Glue API facts ("Paging, sorting,
filtering"): pages numbered from 1, 50 records by default and at most 1000; ``filter[x]=a,b``
means a OR b, ``\\,`` escapes a comma; date ranges ``start,end`` with ``*`` for an open end; and
only the filters an endpoint documents are applied, any other key is silently ignored::

    query = parse_list_query(request.query_params, CONFIGURATIONS)
    page = paginate(dataset.ordered("configurations", query.sort), query.predicate, query.page)

A ``page[size]`` above 1000 is clamped to 1000 rather than refused. Malformed values of known
parameters answer 422 with a detail naming the parameter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from itglue_mcp.itglue.simulator.catalog import FilterKind, FilterSpec, ResourceSpec
from itglue_mcp.itglue.simulator.ordering import SortKey, parse_sort
from itglue_mcp.itglue.simulator.responses import ApiError

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "ListQuery",
    "Page",
    "PageRequest",
    "Predicate",
    "all_of",
    "canonical_id",
    "paginate",
    "parse_include",
    "parse_list_query",
    "split_values",
]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000

Record = dict[str, Any]
Predicate = Callable[[Record], bool]

_UNESCAPED_COMMA = re.compile(r"(?<!\\),")
_FILTER_KEY = re.compile(r"^filter\[(.+)\]$")


@dataclass(frozen=True)
class PageRequest:
    """Requested page: ``number`` from 1, ``size`` records (1 to :data:`MAX_PAGE_SIZE`)."""

    number: int = 1
    size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class ListQuery:
    """Parsed query of a list route.

    Attributes:
        page: the requested page.
        sort: sort terms, empty for the default id order.
        predicate: conjunction of the documented filters sent, ``None`` when none restricts.
        applied: the documented filters that were sent with a non-empty value.
        include: relationship names to include, kebab-case, in request order.
    """

    page: PageRequest
    sort: tuple[SortKey, ...]
    predicate: Predicate | None
    applied: frozenset[FilterSpec]
    include: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    """One page of a filtered, ordered list.

    Attributes:
        records: the records on the page (empty past the end).
        number: page number served.
        size: page size served.
        total_count: records matching the filters, over all pages.
    """

    records: list[Record]
    number: int
    size: int
    total_count: int

    @property
    def total_pages(self) -> int:
        """Number of non-empty pages (0 when nothing matches)."""
        return math.ceil(self.total_count / self.size)

    @property
    def next_page(self) -> int | None:
        """Number of the next page, ``None`` on the last page and past it."""
        return self.number + 1 if self.number < self.total_pages else None

    @property
    def prev_page(self) -> int | None:
        """Number of the previous page, ``None`` on page 1."""
        return self.number - 1 if self.number > 1 else None


def parse_list_query(params: Mapping[str, str], spec: ResourceSpec) -> ListQuery:
    """Read paging, sorting, filtering and include parameters for a list of ``spec``.

    Args:
        params: query parameters (last value wins for repeated keys).
        spec: the resource listed; only its documented filters are applied.

    Returns:
        The parsed query.

    Raises:
        ApiError: 422 when ``page[number]`` or ``page[size]`` is not a positive integer, a
            boolean filter is not ``true``/``false``, or a date range is malformed; 422 when the
            endpoint's required filter is missing (IT Glue API facts: flexible assets need
            ``filter[flexible-asset-type-id]``).
    """
    predicates: list[Predicate] = []
    applied: set[FilterSpec] = set()
    for key, raw in params.items():
        match = _FILTER_KEY.match(key)
        filter_spec = spec.filters.get(match.group(1)) if match else None
        if filter_spec is None or raw == "":
            continue
        applied.add(filter_spec)
        predicate = _compile_filter(key, filter_spec, raw)
        if predicate is not None:
            predicates.append(predicate)
    if spec.required_filter is not None and spec.required_filter not in applied:
        raise ApiError(422, f"filter[{spec.required_filter.attribute}] is required")
    return ListQuery(
        page=PageRequest(
            number=_positive_int(params, "page[number]", 1),
            size=min(_positive_int(params, "page[size]", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE),
        ),
        sort=parse_sort(params.get("sort")),
        predicate=all_of(predicates),
        applied=frozenset(applied),
        include=parse_include(params.get("include")),
    )


def parse_include(raw: str | None) -> tuple[str, ...]:
    """Relationship names of an ``include`` parameter, kebab-case, duplicates dropped.

    ``include=configuration_interfaces,related_items`` gives
    ``("configuration-interfaces", "related-items")``.
    """
    names = (name.strip().replace("_", "-") for name in (raw or "").split(","))
    return tuple(dict.fromkeys(name for name in names if name))


def paginate(ordered: Sequence[Record], predicate: Predicate | None, page: PageRequest) -> Page:
    """Cut one page out of ``ordered`` after filtering, without copying the whole list.

    Without a predicate this is a slice; with one, a single pass counts the matches and keeps
    only those that fall on the page.
    """
    start = (page.number - 1) * page.size
    end = start + page.size
    if predicate is None:
        return Page(list(ordered[start:end]), page.number, page.size, len(ordered))
    records: list[Record] = []
    total = 0
    for record in ordered:
        if predicate(record):
            if start <= total < end:
                records.append(record)
            total += 1
    return Page(records, page.number, page.size, total)


def all_of(predicates: Sequence[Predicate]) -> Predicate | None:
    """One predicate true when every one of ``predicates`` is; ``None`` for an empty list."""
    if not predicates:
        return None
    if len(predicates) == 1:
        return predicates[0]
    return lambda record: all(predicate(record) for predicate in predicates)


def split_values(raw: str) -> list[str]:
    """Split a filter value on commas (OR), keeping ``\\,`` as a literal comma."""
    return [value.replace("\\,", ",") for value in _UNESCAPED_COMMA.split(raw)]


def canonical_id(value: object) -> str | None:
    """An id as the string of its numeric value (``2``, ``"2"`` and ``"002"`` give ``"2"``).

    IT Glue sends ids as digit strings but foreign keys in attributes as numbers; comparing
    canonical forms makes the two meet. Returns ``None`` for anything that is not an id.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():
            return str(int(text))
    return None


def _compile_filter(key: str, spec: FilterSpec, raw: str) -> Predicate | None:
    values = split_values(raw)
    attribute = spec.attribute
    if spec.kind is FilterKind.ID:
        ids = {canonical_id(value) for value in values} - {None}
        return lambda record: canonical_id(record["id"]) in ids
    if spec.kind is FilterKind.DOCUMENT_FOLDER and any(
        value.strip().lower() == "null" for value in values
    ):
        return None
    if spec.kind in (FilterKind.REFERENCE, FilterKind.DOCUMENT_FOLDER):
        refs = {canonical_id(value) for value in values} - {None}
        return lambda record: canonical_id(record["attributes"].get(attribute)) in refs
    if spec.kind is FilterKind.TEXT:
        texts = set(values)
        return lambda record: _text(record["attributes"].get(attribute)) in texts
    if spec.kind is FilterKind.BOOLEAN:
        flags = {_boolean(key, value) for value in values}
        return lambda record: bool(record["attributes"].get(attribute)) in flags
    return _date_range(key, attribute, values)


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _boolean(key: str, value: str) -> bool:
    text = value.strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ApiError(422, f"{key} must be true or false")


def _date_range(key: str, attribute: str, values: list[str]) -> Predicate:
    if len(values) != 2:
        raise ApiError(422, f"{key} must be a range 'start,end' (use * for an open end)")
    lower, upper = (_bound(key, value) for value in values)

    def within(record: Record) -> bool:
        moment = _instant(record["attributes"].get(attribute))
        if moment is None:
            return False
        return (lower is None or moment >= lower) and (upper is None or moment <= upper)

    return within


def _bound(key: str, value: str) -> datetime | None:
    text = value.strip()
    if text in ("", "*"):
        return None
    moment = _instant(text)
    if moment is None:
        raise ApiError(422, f"{key} bounds must be RFC 3339 times, dates or *")
    return moment


def _instant(value: object) -> datetime | None:
    """A timestamp or plain date (midnight UTC); naive times are taken as UTC."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _positive_int(params: Mapping[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ApiError(422, f"{name} must be a positive integer")
    return int(text)
