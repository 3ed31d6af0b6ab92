"""The SQL store: IT Glue records, full-text search, sync bookkeeping and the audit log.

The source of truth of itglue-mcp, on SQLite (embedded) or PostgreSQL (production), chosen
by the URL. Depends only on ``config``; the sync engine writes through :mod:`.records`,
:mod:`.search`, :mod:`.index_outbox` (what the vector index must catch up with) and
:mod:`.sync_state`, MCP tools read through :mod:`.queries` and :func:`search`. Repository
functions flush; :func:`unit_of_work` commits.

Example::

    await upgrade(url)
    sessions = create_session_factory(create_engine(url))
    async with unit_of_work(sessions) as session:
        await upsert_records(session, RecordType.ORGANIZATIONS, [{"id": 7, "name": "Acme"}],
                             run_id=None)
"""

from itglue_mcp.store.audit import (
    AuditDecision,
    AuditEvent,
    append_audit_event,
    list_audit_events,
)
from itglue_mcp.store.database import (
    Dialect,
    create_engine,
    create_session_factory,
    normalize_url,
    unit_of_work,
)
from itglue_mcp.store.errors import StoreError, StoreIntegrityError, StoreUnavailableError
from itglue_mcp.store.migrate import current, downgrade, head_revision, upgrade
from itglue_mcp.store.queries import (
    ConfigurationInterfaceView,
    ConfigurationView,
    OrganizationView,
    count_records,
    find_configurations,
    list_organizations,
)
from itglue_mcp.store.record_types import RecordType
from itglue_mcp.store.records import (
    UpsertResult,
    existing_ids,
    mark_unseen_deleted,
    replace_children,
    replace_related_items,
    upsert_records,
)
from itglue_mcp.store.search import (
    SearchEntry,
    SearchHit,
    delete_search_entries,
    replace_search_entries,
    search,
)
from itglue_mcp.store.sync_state import (
    Checkpoint,
    RunStatus,
    SyncMode,
    SyncRun,
    delete_checkpoints,
    finish_run,
    get_checkpoint,
    get_run,
    latest_run,
    list_checkpoints,
    record_progress,
    reopen_run,
    save_checkpoint,
    start_run,
    unfinished_run,
)

__all__ = [
    "AuditDecision",
    "AuditEvent",
    "Checkpoint",
    "ConfigurationInterfaceView",
    "ConfigurationView",
    "Dialect",
    "OrganizationView",
    "RecordType",
    "RunStatus",
    "SearchEntry",
    "SearchHit",
    "StoreError",
    "StoreIntegrityError",
    "StoreUnavailableError",
    "SyncMode",
    "SyncRun",
    "UpsertResult",
    "append_audit_event",
    "count_records",
    "create_engine",
    "create_session_factory",
    "current",
    "delete_checkpoints",
    "delete_search_entries",
    "downgrade",
    "existing_ids",
    "find_configurations",
    "finish_run",
    "get_checkpoint",
    "get_run",
    "head_revision",
    "latest_run",
    "list_audit_events",
    "list_checkpoints",
    "list_organizations",
    "mark_unseen_deleted",
    "normalize_url",
    "record_progress",
    "reopen_run",
    "replace_children",
    "replace_related_items",
    "replace_search_entries",
    "save_checkpoint",
    "search",
    "start_run",
    "unfinished_run",
    "unit_of_work",
    "upgrade",
    "upsert_records",
]
