"""Declarative base, column types and shared column sets of the store's tables.

All tables hang off one :data:`metadata` with a naming convention, so constraints and
indexes get the same predictable names on SQLite and PostgreSQL and migrations can refer to
them. Timestamps are always timezone-aware UTC, JSON is JSONB on PostgreSQL.

Example::

    class Domain(RecordMixin, Base):
        __tablename__ = "domains"
        registrar_name: Mapped[str | None]
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, MetaData, Text, false, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = [
    "JSON_TYPE",
    "NAMING_CONVENTION",
    "Base",
    "ChildMixin",
    "RecordMixin",
    "TrackedMixin",
    "UtcDateTime",
    "metadata",
    "utcnow",
]

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# SQL NULL for None (not the JSON literal null), so "no value" has one representation.
JSON_TYPE: TypeEngine[Any] = JSON(none_as_null=True).with_variant(
    JSONB(none_as_null=True), "postgresql"
)


# Column order in CREATE TABLE: keys and common fields first, bookkeeping last.
_KEY = -2
_FIRST = -1
_LAST = 1


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored as UTC, always read back with ``tzinfo=UTC``.

    SQLite has no time zone type: values are stored as UTC text of fixed width (so text
    order is time order) and the zone is re-attached on read. Naive datetimes are refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC; drop the zone for SQLite, which would otherwise store it as text.

        Raises:
            ValueError: ``value`` is naive (wrapped by SQLAlchemy in a ``StatementError``).
        """
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to SQLite's naive values; normalise PostgreSQL's to UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every store table."""

    metadata = metadata
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute as is
        str: Text(),
        datetime: UtcDateTime(),
        date: Date(),
        dict[str, Any]: JSON_TYPE,
        list[dict[str, Any]]: JSON_TYPE,
    }


class TrackedMixin:
    """Columns of every table the sync fills from an IT Glue listing, keyed by IT Glue id.

    ``attributes`` keeps the whole attribute map the API sent (secrets removed by the
    caller); the typed columns of each table are the ones worth querying. A record the sync
    no longer finds is marked with ``deleted_at``, never removed.
    """

    id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, sort_order=_KEY
    )
    created_at: Mapped[datetime | None] = mapped_column(sort_order=_LAST)
    updated_at: Mapped[datetime | None] = mapped_column(sort_order=_LAST)
    attributes: Mapped[dict[str, Any]] = mapped_column(
        default=dict, server_default=text("'{}'"), sort_order=_LAST
    )
    synced_at: Mapped[datetime] = mapped_column(sort_order=_LAST)
    last_seen_run_id: Mapped[int | None] = mapped_column(sort_order=_LAST)
    deleted_at: Mapped[datetime | None] = mapped_column(sort_order=_LAST)


class RecordMixin(TrackedMixin):
    """:class:`TrackedMixin` plus what every organization-scoped IT Glue record has."""

    organization_id: Mapped[int | None] = mapped_column(BigInteger, sort_order=_FIRST)
    name: Mapped[str | None] = mapped_column(sort_order=_FIRST)
    archived: Mapped[bool] = mapped_column(default=False, server_default=false(), sort_order=_FIRST)
    resource_url: Mapped[str | None] = mapped_column(sort_order=_FIRST)


class ChildMixin:
    """Columns of records owned by a parent record and replaced together with it."""

    id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, sort_order=_KEY
    )
    created_at: Mapped[datetime | None] = mapped_column(sort_order=_LAST)
    updated_at: Mapped[datetime | None] = mapped_column(sort_order=_LAST)
    synced_at: Mapped[datetime] = mapped_column(sort_order=_LAST)


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (the store's one clock)."""
    return datetime.now(UTC)
