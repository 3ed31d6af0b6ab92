"""IT Glue ids as callers type them: the one rule for "is this reference an id?".

An IT Glue id is a positive integer that fits a signed 64-bit column (``BIGINT`` in
PostgreSQL, ``INTEGER`` in SQLite). A reference is read as an id only when it is ASCII digits
whose value is in that range; any other text (``"²"``, Arabic-Indic digits, twenty-three nines)
is simply not an id, and is looked up as a name.

Example::

    parse_id("2104801")                    # 2104801
    parse_id("99999999999999999999999")    # None: beyond 2**63 - 1, a name
"""

from __future__ import annotations

__all__ = ["MAX_ID", "parse_id"]

MAX_ID = 2**63 - 1
"""The largest id a store column holds (signed 64-bit)."""

_MAX_DIGITS = len(str(MAX_ID))


def parse_id(text: str) -> int | None:
    """The IT Glue id ``text`` spells (surrounding spaces ignored), else ``None``.

    Args:
        text: a reference as the caller typed it.

    Returns:
        The id, when ``text`` is ASCII digits worth 1 to :data:`MAX_ID`; otherwise ``None``.
    """
    digits = text.strip()
    if not digits or len(digits) > _MAX_DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(digits)
    return value if 1 <= value <= MAX_ID else None
