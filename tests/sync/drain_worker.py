"""A sync whose indexing phase is slow on purpose, run as a process the test can kill.

``python -m tests.sync.drain_worker DATABASE_URL QDRANT_PATH SIMULATOR_URL TYPES`` syncs the
simulator's tenant (``TYPES``: comma-separated record types) into the store and the local
vector index with :class:`HashEmbedder`, ten records per outbox batch and a pause per batch.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from pydantic import SecretStr

from itglue_mcp.config import ItglueSettings
from tests.sync.indexed import ALL_TYPES, HashEmbedder, open_local_index, run_indexed_sync
from tests.tenant import API_KEY

SLOW_BATCHES = ALL_TYPES.model_copy(update={"records_per_batch": 10})


async def main(database_url: str, qdrant_path: str, simulator_url: str, types: str) -> None:
    index = await open_local_index(Path(qdrant_path))
    try:
        await run_indexed_sync(
            ItglueSettings(api_url=simulator_url, api_key=SecretStr(API_KEY), page_size=250),
            database_url,
            index,
            HashEmbedder(delay_s=0.1),
            settings=SLOW_BATCHES,
            full=True,
            types=types.split(","),
        )
    finally:
        await index.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
