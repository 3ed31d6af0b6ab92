"""The SQL a block of test code sends: for tests that count round trips to the database.

Example::

    with recorded_statements(sessions) as statements:
        await get_configurations(session, [1])
    assert [s for s in statements if s.startswith("SELECT")] == [...]
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

__all__ = ["recorded_statements"]


def _sync_engine(
    source: AsyncEngine | AsyncSession | async_sessionmaker[AsyncSession] | Engine,
) -> Engine:
    if isinstance(source, async_sessionmaker):
        source = source.kw["bind"]
    if isinstance(source, AsyncSession):
        bind = source.bind
        assert bind is not None, "the session is bound to an engine"
        source = bind  # type: ignore[assignment]
    if isinstance(source, AsyncEngine):
        return source.sync_engine
    assert isinstance(source, Engine), f"not an engine: {source!r}"
    return source


@contextmanager
def recorded_statements(
    source: AsyncEngine | AsyncSession | async_sessionmaker[AsyncSession] | Engine,
) -> Iterator[list[str]]:
    """The text of every statement the engine behind ``source`` sends while the block runs,
    in order, with runs of whitespace folded to one space (a session's own ``BEGIN`` and
    SQLite ``PRAGMA`` included; the DBAPI's commit and rollback are not statements)."""
    statements: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(" ".join(statement.split()))

    engine = _sync_engine(source)
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
