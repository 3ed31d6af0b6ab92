"""Build the authorizer from settings: policy source, first load, reload watchers.

Example::

    authorizer = await build_authorizer(settings, sessions)   # sessions for the database source
    try:
        ...
    finally:
        await authorizer.aclose()
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from itglue_mcp.config import Settings
from itglue_mcp.config.rbac import PolicySource
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.security.rbac.authorizer import Authorizer
from itglue_mcp.security.rbac.reload import (
    FileWatcher,
    PeriodicReloader,
    RedisReloadListener,
)
from itglue_mcp.security.rbac.sources import DatabasePolicy, FilePolicy, PolicySourceReader

__all__ = ["build_authorizer"]


def _engine(sessions: async_sessionmaker[AsyncSession] | None) -> AsyncEngine:
    bind = sessions.kw.get("bind") if sessions is not None else None
    if not isinstance(bind, AsyncEngine):
        raise ConfigurationError(
            "rbac.policy_source: database needs the store's sessions (bound to an engine)"
        )
    return bind


async def build_authorizer(
    settings: Settings, sessions: async_sessionmaker[AsyncSession] | None
) -> Authorizer:
    """An :class:`Authorizer` with its policy loaded and its reload watchers running.

    Sources by ``rbac.policy_source``: ``builtin`` (built-in roles + ``rbac.bindings``),
    ``file`` (+ ``rbac.policy_file``, polled for changes), ``database`` (+ table
    ``casbin_rule`` of the store behind ``sessions``). With ``redis_url`` set and a source other
    than ``builtin``, the authorizer also reloads on every message of ``rbac.reload_channel``;
    with ``rbac.reload_interval_s`` set, every that many seconds too.
    Close it with :meth:`Authorizer.aclose` to stop the watchers.

    Args:
        settings: ``rbac`` and ``redis_url`` are read.
        sessions: the store's sessions; needed for the database source only.

    Raises:
        ConfigurationError: a bad policy line or binding (naming the setting and the line), an
            unreadable policy file, a database source without sessions, or Redis not answering.
    """
    rbac = settings.rbac
    source: PolicySourceReader | None = None
    file_policy: FilePolicy | None = None
    if rbac.policy_source is PolicySource.FILE:
        if rbac.policy_file is None:  # refused by RbacSettings; explicit for the type checker
            raise ConfigurationError("rbac.policy_file: required when rbac.policy_source is file")
        source = file_policy = FilePolicy(rbac.policy_file)
    elif rbac.policy_source is PolicySource.DATABASE:
        source = DatabasePolicy(_engine(sessions))
    authorizer = Authorizer(rbac, source)
    await authorizer.reload()
    try:
        if file_policy is not None:
            watcher = FileWatcher(authorizer, file_policy, rbac.file_poll_interval_s)
            watcher.start()
            authorizer.on_close(watcher)
        if rbac.reload_interval_s is not None and source is not None:
            reloader = PeriodicReloader(authorizer, rbac.reload_interval_s)
            reloader.start()
            authorizer.on_close(reloader)
        if settings.redis_url is not None and source is not None:
            listener = RedisReloadListener(
                authorizer, settings.redis_url.get_secret_value(), rbac.reload_channel
            )
            await listener.start()
            authorizer.on_close(listener)
    except BaseException:
        await authorizer.aclose()
        raise
    return authorizer
