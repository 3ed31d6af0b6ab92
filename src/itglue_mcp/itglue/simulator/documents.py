"""Top-level JSON:API documents the simulated API answers with: data, included, meta, links.

IT Glue API facts ("Documents (JSON:API)"): a list is ``{"data": [...], "included"?, "links"?,
"meta"}`` with ``meta`` carrying ``current-page``, ``next-page`` (null on the last page),
``prev-page``, ``total-pages`` and ``total-count``, and ``links.next`` present while there are
more pages; a show answer is the same with ``data`` an object. ``included`` appears only when
something was included::

    included = collect_included(dataset, page.records, ("configuration-interfaces",), secrets)
    body = list_document(page, rows, included, request.url)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from starlette.datastructures import URL

from itglue_mcp.itglue.simulator.dataset import Dataset
from itglue_mcp.itglue.simulator.query import Page
from itglue_mcp.itglue.simulator.redaction import SecretFilter

__all__ = ["collect_included", "list_document", "page_links", "show_document"]

Record = dict[str, Any]


def collect_included(
    dataset: Dataset, records: Iterable[Record], relationships: Sequence[str], secrets: SecretFilter
) -> list[Record]:
    """Resolve the requested relationships of ``records`` into ``included`` entries.

    Each record's ``relationships.<name>.data`` pairs are looked up in the dataset; names a
    record does not have contribute nothing (unknown include names are ignored, like unknown
    filters). Entries are unique by type and id, in order of first reference.

    Args:
        dataset: the account.
        records: the primary data, as stored (relationships intact).
        relationships: kebab-case relationship names from the ``include`` parameter.
        secrets: filter applied to every entry; callers pass one that never reveals, since only
            a record's own show route may carry its secrets.
    """
    included: dict[tuple[str, str], Record] = {}
    for record in records:
        for name in relationships:
            for target in dataset.related(record, name):
                key = (target["type"], target["id"])
                if key not in included:
                    included[key] = secrets.apply(target)
    return list(included.values())


def page_links(url: URL, page: Page) -> dict[str, str]:
    """``self``, ``first``, ``last`` and, when they exist, ``prev`` and ``next`` page links.

    Each link is the request URL with ``page[number]`` and ``page[size]`` set, other parameters
    kept.
    """

    def to(number: int) -> str:
        return str(url.include_query_params(**{"page[number]": number, "page[size]": page.size}))

    links = {"self": str(url), "first": to(1)}
    if page.prev_page is not None:
        links["prev"] = to(page.prev_page)
    if page.next_page is not None:
        links["next"] = to(page.next_page)
    links["last"] = to(max(page.total_pages, 1))
    return links


def list_document(
    page: Page, data: list[Record], included: list[Record], url: URL
) -> dict[str, Any]:
    """The list answer for ``page``, its (secret-filtered) rows ``data`` and ``included``."""
    document: dict[str, Any] = {
        "data": data,
        "meta": {
            "current-page": page.number,
            "next-page": page.next_page,
            "prev-page": page.prev_page,
            "total-pages": page.total_pages,
            "total-count": page.total_count,
        },
        "links": page_links(url, page),
    }
    if included:
        document["included"] = included
    return document


def show_document(data: Record, included: list[Record]) -> dict[str, Any]:
    """The show answer: ``data`` an object, ``included`` only when not empty."""
    document: dict[str, Any] = {"data": data}
    if included:
        document["included"] = included
    return document
