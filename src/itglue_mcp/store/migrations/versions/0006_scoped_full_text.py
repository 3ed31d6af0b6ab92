"""Organization-scoped full text: the organization is part of the full-text index.

A question scoped to one organization used to match every organization's entries in the
full-text index and drop the others in the join; now the index itself answers the scope.
SQLite: the FTS5 table gets an ``organization_id`` column (the entry's organization id as one
token), kept in step by the triggers, which now also fire when an entry moves to another
organization; the table is rebuilt from ``search_entries``. PostgreSQL: the generated
``search_vector`` gains one lexeme ``org<id>`` of weight D (names are A, bodies B), so the GIN
index intersects the organization with the terms; the column and its index are recreated.
Frozen like every revision: the statements are spelled out.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME_AND_BODY = (
    "setweight(to_tsvector('simple'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')"
)
# ``org<id>`` is one word to the 'simple' parser; NULL (account-wide entries) gives no lexeme.
_ORGANIZATION = (
    "setweight(to_tsvector('simple'::regconfig, coalesce('org' || organization_id::text, '')), 'D')"
)
_DROP_SQLITE = (
    "DROP TRIGGER search_entries_fts_insert",
    "DROP TRIGGER search_entries_fts_delete",
    "DROP TRIGGER search_entries_fts_update",
    "DROP TABLE search_entries_fts",
)


def _sqlite_full_text(columns: Sequence[str]) -> list[str]:
    """The FTS5 table over ``columns`` of ``search_entries``, its triggers, and its rebuild."""
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    return [
        # Prefix indexes of 2 and 3 characters make the type-ahead last term ("dc0"*) cheap.
        f"""CREATE VIRTUAL TABLE search_entries_fts USING fts5(
            {listed}, content='search_entries', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
        f"""CREATE TRIGGER search_entries_fts_insert AFTER INSERT ON search_entries BEGIN
            INSERT INTO search_entries_fts(rowid, {listed}) VALUES (new.id, {new});
        END""",
        f"""CREATE TRIGGER search_entries_fts_delete AFTER DELETE ON search_entries BEGIN
            INSERT INTO search_entries_fts(search_entries_fts, rowid, {listed})
            VALUES ('delete', old.id, {old});
        END""",
        f"""CREATE TRIGGER search_entries_fts_update AFTER UPDATE OF {listed} ON search_entries
        BEGIN
            INSERT INTO search_entries_fts(search_entries_fts, rowid, {listed})
            VALUES ('delete', old.id, {old});
            INSERT INTO search_entries_fts(rowid, {listed}) VALUES (new.id, {new});
        END""",
        "INSERT INTO search_entries_fts(search_entries_fts) VALUES ('rebuild')",
    ]


def _replace_search_vector(expression: str) -> None:
    op.drop_index("ix_search_entries_search_vector", table_name="search_entries")
    op.drop_column("search_entries", "search_vector")
    op.add_column(
        "search_entries",
        sa.Column("search_vector", postgresql.TSVECTOR(), sa.Computed(expression, persisted=True)),
    )
    op.create_index(
        "ix_search_entries_search_vector",
        "search_entries",
        ["search_vector"],
        postgresql_using="gin",
    )


def _replace_full_text(*, scoped: bool) -> None:
    if op.get_context().dialect.name == "postgresql":
        expression = _NAME_AND_BODY + (f" || {_ORGANIZATION}" if scoped else "")
        _replace_search_vector(expression)
        return
    columns = ("name", "body", "organization_id") if scoped else ("name", "body")
    for statement in (*_DROP_SQLITE, *_sqlite_full_text(columns)):
        op.execute(statement)


def upgrade() -> None:
    """Index each entry's organization with its text (rebuilding the full-text index)."""
    _replace_full_text(scoped=True)


def downgrade() -> None:
    """Back to name and body only (rebuilding the full-text index)."""
    _replace_full_text(scoped=False)
