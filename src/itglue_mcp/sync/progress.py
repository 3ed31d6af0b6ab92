"""Progress reporting for a sync run: a rich progress bar on a terminal, log lines otherwise.

The engine reports per record type ("configurations", "documents"…): a type's total grows as
its streams learn their ``meta.total-count`` (documents have one stream per organization).
The indexing phase reports under :data:`INDEX_PHASE`: the waiting records whose text the model
embeds (types in ``index.record_types``), counted as their chunks are written; keyword-only
records are drained without being counted.

Example::

    with progress_for_terminal() as progress:
        progress.add_total("configurations", 1200)
        progress.advance("configurations", 1000)
"""

from __future__ import annotations

import sys
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
"""The name progress is reported under while the vector index catches up (in records)."""


class SyncProgress(Protocol):
    """Receives progress from the sync engine; implementations must be cheap and never raise."""

    def add_total(self, record_type: str, records: int) -> None:
        """Announce ``records`` more records expected for ``record_type`` (a JSON:API type,
        or :data:`INDEX_PHASE`)."""

    def advance(self, record_type: str, records: int) -> None:
        """Count ``records`` records of ``record_type`` as written to the store (or, for
        :data:`INDEX_PHASE`, to the vector index)."""


class LogProgress:
    """Structured ``sync.progress`` log lines, at most one per type every ``interval_s``."""

    def __init__(self, interval_s: float = 5.0) -> None:
        self._interval_s = interval_s
        self._totals: dict[str, int] = {}
        self._done: dict[str, int] = {}
        self._last_logged: dict[str, float] = {}

    def add_total(self, record_type: str, records: int) -> None:
        """Announce ``records`` more records expected for ``record_type``."""
        self._totals[record_type] = self._totals.get(record_type, 0) + records

    def advance(self, record_type: str, records: int) -> None:
        """Count written records; log when the interval passed or the type is complete."""
        done = self._done.get(record_type, 0) + records
        self._done[record_type] = done
        total = self._totals.get(record_type)
        now = time.monotonic()
        complete = total is not None and done >= total
        if complete or now - self._last_logged.get(record_type, 0.0) >= self._interval_s:
            self._last_logged[record_type] = now
            _log.info("sync.progress", record_type=record_type, records=done, total=total)


class RichProgress:
    """A rich progress bar per record type, drawn on stderr."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def _task(self, record_type: str) -> TaskID:
        if record_type not in self._tasks:
            self._tasks[record_type] = self._progress.add_task(record_type, total=0)
        return self._tasks[record_type]

    def add_total(self, record_type: str, records: int) -> None:
        """Announce ``records`` more records expected for ``record_type``."""
        task = self._task(record_type)
        total = self._progress.tasks[task].total or 0
        self._progress.update(task, total=total + records)

    def advance(self, record_type: str, records: int) -> None:
        """Move the bar of ``record_type`` by ``records``."""
        self._progress.advance(self._task(record_type), records)


@contextmanager
def progress_for_terminal() -> Iterator[SyncProgress]:
    """Yield a :class:`RichProgress` when stderr is a terminal, else a :class:`LogProgress`."""
    if not sys.stderr.isatty():
        yield LogProgress()
        return
    columns = (
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        # Embedding takes minutes on a first sync: say how many.
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        yield RichProgress(progress)
