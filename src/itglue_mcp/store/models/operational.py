"""Tables the store keeps for itself: the search table, the index outbox, sync bookkeeping and
the audit log.

The full-text index over ``search_entries`` is dialect-specific and lives only in the
migration (an FTS5 table on SQLite, a generated ``tsvector`` column on PostgreSQL), so it is
not declared here; :mod:`itglue_mcp.store.search` queries it.

Example::

    select(SyncRunRow).where(SyncRunRow.status == "running").order_by(SyncRunRow.id.desc())
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from itglue_mcp.store.models.base import Base

__all__ = [
    "AuditEventRow",
    "DataGenerationRow",
    "IndexOutboxRow",
    "SearchEntryRow",
    "SyncCheckpointRow",
    "SyncRequestRow",
    "SyncRunRow",
]

# Row counts of these tables grow with every sync or request: 64-bit keys on PostgreSQL.
# SQLite needs exactly INTEGER for an auto-incrementing rowid key, which is 64-bit anyway.
_BIG_SERIAL = BigInteger().with_variant(Integer(), "sqlite")


class SearchEntryRow(Base):
    """The searchable text of one record: its name and a body assembled by the sync."""

    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(_BIG_SERIAL, primary_key=True, autoincrement=True)
    record_type: Mapped[str]
    record_id: Mapped[int] = mapped_column(BigInteger)
    organization_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    name: Mapped[str]
    body: Mapped[str]

    __table_args__ = (UniqueConstraint("record_type", "record_id"),)


class IndexOutboxRow(Base):
    """A record whose search text changed (or went) and whose vectors are not yet updated.

    Written in the transaction that changes ``search_entries``, deleted only once the vector
    index holds the change (a transactional outbox), so the index can lag but never miss one.
    """

    __tablename__ = "index_outbox"

    id: Mapped[int] = mapped_column(_BIG_SERIAL, primary_key=True, autoincrement=True)
    record_type: Mapped[str]
    record_id: Mapped[int] = mapped_column(BigInteger)
    enqueued_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("record_type", "record_id"),)


class SyncCheckpointRow(Base):
    """Where one sync stream stands ("configurations", "documents:org:7"…)."""

    __tablename__ = "sync_checkpoints"

    stream: Mapped[str] = mapped_column(primary_key=True)
    high_water_mark: Mapped[datetime | None]
    run_id: Mapped[int | None]
    next_page: Mapped[int | None]
    page_size: Mapped[int | None]
    completed: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime]


class DataGenerationRow(Base):
    """The store's data generation: one row, advanced by every committed sync page.

    Readers keep in-process copies of small derived data (the organization directory, health
    figures) keyed by it, so every replica sees a sync's changes on its next request.
    """

    __tablename__ = "data_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class SyncRunRow(Base):
    """One sync run, its scope, its outcome and what it did."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mode: Mapped[str]
    status: Mapped[str] = mapped_column(index=True)
    scope: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default=text("'{}'"))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default=text("'{}'"))
    api_requests: Mapped[int] = mapped_column(default=0, server_default="0")
    rate_limited: Mapped[int] = mapped_column(default=0, server_default="0")
    errors: Mapped[int] = mapped_column(default=0, server_default="0")
    error_message: Mapped[str | None]

    __table_args__ = (
        CheckConstraint("mode IN ('full', 'incremental')", name="mode"),
        CheckConstraint("status IN ('running', 'succeeded', 'failed')", name="status"),
    )


class SyncRequestRow(Base):
    """A sync asked for on demand (``sync_data``), queued for the sync worker.

    At most one request is queued and one running at a time (a partial unique index on
    ``status``); the worker claims the oldest queued one and links the run it started.
    """

    __tablename__ = "sync_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[int | None] = mapped_column(BigInteger)
    full: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str]
    requested_by: Mapped[str]
    requested_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id", ondelete="SET NULL"))

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name="status"),
        Index(
            "ix_sync_requests_active",
            "status",
            unique=True,
            sqlite_where=text("status IN ('queued', 'running')"),
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
    )


class AuditEventRow(Base):
    """One access decision of the MCP server.

    Append-only: nothing updates a row, and the only deletion is the retention purge of
    events older than ``audit.retention_days`` (:func:`itglue_mcp.store.audit.purge_audit_events`).
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(_BIG_SERIAL, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    subject: Mapped[str]
    client_id: Mapped[str | None]
    tool: Mapped[str | None]
    organization_id: Mapped[int | None] = mapped_column(BigInteger)
    record_type: Mapped[str | None]
    record_id: Mapped[int | None] = mapped_column(BigInteger)
    decision: Mapped[str]
    reason: Mapped[str | None]
    request_id: Mapped[str | None]
    trace_id: Mapped[str | None]
    source_ip: Mapped[str | None]

    __table_args__ = (CheckConstraint("decision IN ('allow', 'deny')", name="decision"),)
