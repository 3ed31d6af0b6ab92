"""What a person watching a sync sees: the rich bars on a terminal, log lines otherwise."""

from __future__ import annotations

import io
import re

from rich.console import Console
from structlog.testing import capture_logs

from itglue_mcp.sync.progress import INDEX_PHASE, LogProgress, RichProgress, progress_for_terminal


def test_on_a_terminal_the_indexing_bar_counts_chunks_and_record_types_count_records() -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=120, color_system=None)

    with progress_for_terminal(terminal) as progress:
        assert isinstance(progress, RichProgress)
        progress.add_total("configurations", 363)
        progress.advance("configurations", 363)
        progress.add_total(INDEX_PHASE, 510)
        progress.advance(INDEX_PHASE, 32)
        progress.advance(INDEX_PHASE, 478)

    drawn = screen.getvalue()
    assert re.search(r"semantic index\s.*\b510/510 chunks\b", drawn)
    assert re.search(r"configurations\s.*\b363/363 records\b", drawn)


def test_elsewhere_the_indexing_phase_logs_chunks() -> None:
    piped = Console(file=io.StringIO(), force_terminal=False)

    with capture_logs() as logs, progress_for_terminal(piped) as progress:
        assert isinstance(progress, LogProgress)
        progress.add_total(INDEX_PHASE, 510)
        progress.advance(INDEX_PHASE, 510)
        progress.add_total("configurations", 363)
        progress.advance("configurations", 363)

    lines = [
        {key: value for key, value in log.items() if key != "log_level"}
        for log in logs
        if log["event"] == "sync.progress"
    ]
    assert lines == [
        {"event": "sync.progress", "phase": INDEX_PHASE, "chunks": 510, "total": 510},
        {"event": "sync.progress", "record_type": "configurations", "records": 363, "total": 363},
    ]
