"""Errors of the sync engine (below :class:`itglue_mcp.errors.ItglueMcpError`).

IT Glue failures (``itglue.errors``) and store failures (``store.errors``) pass through the
engine unchanged after the run is recorded as failed; only conditions of the sync itself are
defined here::

    SyncError
    ├── SyncAlreadyRunning    another process holds the sync lock
    └── UnknownRecordType     --types named something that is not synced
"""

from __future__ import annotations

from itglue_mcp.errors import ItglueMcpError

__all__ = ["SyncAlreadyRunning", "SyncError", "UnknownRecordType"]


class SyncError(ItglueMcpError):
    """A sync run cannot start or go on."""


class SyncAlreadyRunning(SyncError):
    """Another sync holds the lock for this store; at most one sync writes at a time."""


class UnknownRecordType(SyncError):
    """A requested record type is not one the sync knows."""
