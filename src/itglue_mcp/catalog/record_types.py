"""The IT Glue record types the store holds, by JSON:API type (:class:`RecordType`).

Example::

    RecordType("flexible-assets") is RecordType.FLEXIBLE_ASSETS   # True
"""

from itglue_mcp.store.record_types import RecordType

__all__ = ["RecordType"]
