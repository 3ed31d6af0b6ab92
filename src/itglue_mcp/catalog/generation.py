"""The store's data generation, which whatever caches catalog reads is keyed by.

Every committed sync page advances it (:mod:`itglue_mcp.store.generation`); reading it costs
one single-row query, and a new value means the store changed, on any replica.

Example::

    async with reading(sessions) as session:
        if await data_generation(session) != cached_generation:
            ...                                  # read again
"""

from itglue_mcp.store.generation import data_generation

__all__ = ["data_generation"]
