"""Progress reporting for a sync run: a rich progress bar on a terminal, log lines otherwise.

The engine reports per record type ("configurations", "documents"…), counted in records: a
type's total grows as its streams learn their ``meta.total-count`` (documents have one stream
per organization). The indexing phase reports under :data:`INDEX_PHASE`, counted in chunks:
its total is the chunks the model will embed (new or changed text; unchanged chunks and
keyword-only records cost no model time and are not counted), announced once before the first
is embedded, and it advances as they are written. Nothing to embed: no total, no bar.

Example::

    with progress_for_terminal() as progress:
        progress.add_total("configurations", 1200)
        progress.advance("configurations", 1000)
        progress.add_total(INDEX_PHASE, 510)   # drawn as "semantic index … 0/510 chunks"
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

import structlog
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

__all__ = ["INDEX_PHASE", "LogProgress", "RichProgress", "SyncProgress", "progress_for_terminal"]

_log = structlog.get_logger(__name__)

INDEX_PHASE = "semantic index"
"""The name progress is reported under while the vector index catches up (in chunks)."""


def _unit(name: str) -> str:
    """What the counts reported under ``name`` count."""
    return "chunks" if name == INDEX_PHASE else "records"


class SyncProgress(Protocol):
    """Receives progress from the sync engine; implementations must be cheap and never raise.

    ``name`` is a JSON:API record type, whose counts are records written to the store, or
    :data:`INDEX_PHASE`, whose counts are chunks embedded and written to the vector index.
    """

    def add_total(self, name: str, count: int) -> None:
        """Announce ``count`` more records (chunks, for :data:`INDEX_PHASE`) expected."""

    def advance(self, name: str, count: int) -> None:
        """Count ``count`` more records (chunks) as written."""


class LogProgress:
    """Structured ``sync.progress`` log lines, at most one per name every ``interval_s``.

    A record type logs ``record_type=… records=… total=…``; the indexing phase logs
    ``phase="semantic index" chunks=… total=…``.
    """

    def __init__(self, interval_s: float = 5.0) -> None:
        self._interval_s = interval_s
        self._totals: dict[str, int] = {}
        self._done: dict[str, int] = {}
        self._last_logged: dict[str, float] = {}

    def add_total(self, name: str, count: int) -> None:
        """Announce ``count`` more records (chunks) expected for ``name``."""
        self._totals[name] = self._totals.get(name, 0) + count

    def advance(self, name: str, count: int) -> None:
        """Count written records (chunks); log when the interval passed or ``name`` is
        complete."""
        done = self._done.get(name, 0) + count
        self._done[name] = done
        total = self._totals.get(name)
        now = time.monotonic()
        complete = total is not None and done >= total
        if complete or now - self._last_logged.get(name, 0.0) >= self._interval_s:
            self._last_logged[name] = now
            subject = {"phase": name} if name == INDEX_PHASE else {"record_type": name}
            _log.info("sync.progress", **subject, **{_unit(name): done}, total=total)


class RichProgress:
    """A rich progress bar per record type and one for the indexing phase, each followed by
    its unit ("records", "chunks")."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def _task(self, name: str) -> TaskID:
        if name not in self._tasks:
            self._tasks[name] = self._progress.add_task(name, total=0, unit=_unit(name))
        return self._tasks[name]

    def add_total(self, name: str, count: int) -> None:
        """Announce ``count`` more records (chunks) expected for ``name``."""
        task = self._task(name)
        total = self._progress.tasks[task].total or 0
        self._progress.update(task, total=total + count)

    def advance(self, name: str, count: int) -> None:
        """Move the bar of ``name`` by ``count``."""
        self._progress.advance(self._task(name), count)


@contextmanager
def progress_for_terminal(console: Console | None = None) -> Iterator[SyncProgress]:
    """Yield a :class:`RichProgress` drawing on ``console`` (default: stderr) when it is a
    terminal, else a :class:`LogProgress`."""
    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield LogProgress()
        return
    columns = (
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        # Embedding takes minutes on a first sync: say how many.
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        yield RichProgress(progress)
