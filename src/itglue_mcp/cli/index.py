"""``itglue-mcp index rebuild``: embed every record again (after changing the model).

The content hash of every chunk names the embedding model, so a sync already re-embeds text
it sees change; a new model must re-embed *everything*, which this command does from the
store alone (IT Glue is not called). In local mode the index directory is deleted first — it
holds only derived data, and a model with another dimension could not open it; on a Qdrant
server every chunk is rewritten in place (a model with another dimension needs a new
``index.collection_prefix``). It takes the sync lock: no sync runs meanwhile.
"""

from __future__ import annotations

import asyncio
import shutil

import typer
from rich.console import Console

from itglue_mcp.cli.sync import describe_indexing
from itglue_mcp.cli.wiring import fail_cleanly, load_settings, open_backends
from itglue_mcp.observability import configure_logging, quiet_model_libraries

__all__ = ["app", "rebuild"]

app = typer.Typer(help="Maintain the semantic (vector) index.", no_args_is_help=True)


@app.command("rebuild")
def rebuild() -> None:
    """Re-embed every record into a fresh vector index (run after changing index.model)."""
    from itglue_mcp.index.qdrant_layout import refuse_if_locked
    from itglue_mcp.sync.indexing import IndexFeed
    from itglue_mcp.sync.lock import sync_lock
    from itglue_mcp.sync.progress import progress_for_terminal

    settings = load_settings()
    configure_logging(settings.log_level)
    quiet_model_libraries()
    local_path = settings.index.local_path(settings.data_dir)

    async def main() -> str:
        if local_path is not None and local_path.exists():
            refuse_if_locked(local_path)
            shutil.rmtree(local_path)
        async with open_backends(settings) as backends, sync_lock(backends.store.engine):
            with progress_for_terminal() as progress:
                feed = IndexFeed(
                    backends.store.sessions,
                    backends.indexer(),
                    settings=settings.index,
                    progress=progress,
                )
                report = await feed.rebuild()
            chunks = await backends.index.count()
        return f"{describe_indexing(report)} · {chunks} chunks in the index"

    with fail_cleanly():
        summary = asyncio.run(main())
    Console(stderr=True).print(summary)
