"""Full-text for the store's search index, built from a record without its secrets.

IT Glue notes and document blocks hold HTML; the index wants words. Password values never get
here: they are not in :meth:`ItglueRecord.attributes`, and flexible-asset traits arrive already
reduced to their public ones.

Example::

    body = search_body(configuration.attributes())
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from itglue_mcp.richtext import html_to_text

__all__ = ["search_body"]

# Attributes that are links, keys or bookkeeping: they add noise, not words a person searches.
_SKIPPED_KEYS = frozenset(
    {
        "name",
        "resource-url",
        "url",
        "created-at",
        "updated-at",
        "password-updated-at",
        "organization-name",
    }
)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        text = html_to_text(value)
        if text:
            yield text
    elif isinstance(value, Mapping):
        for key, item in value.items():
            # Tag traits link records: {"type": "Configurations", "values": [{"id", "name"}]};
            # the names are worth finding, the type label and ids are not.
            if key in ("id", "type", "kind", "url", "resource-url"):
                continue
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def search_body(attributes: Mapping[str, Any], extra: Iterable[str] = ()) -> str:
    """Words of a record's attributes for full-text search, secrets already excluded.

    Args:
        attributes: kebab-case attributes as :meth:`ItglueRecord.attributes` returns them
            (strings, nested lists and objects such as document blocks or traits).
        extra: further strings to index, e.g. the IP addresses of a configuration's interfaces.

    Returns:
        One string: every textual value (HTML reduced to text) except the name, links and
        timestamps, joined by spaces.
    """
    parts = [
        text
        for key, value in attributes.items()
        if key not in _SKIPPED_KEYS
        for text in _strings(value)
    ]
    parts.extend(text for text in extra if text)
    return " ".join(parts)
