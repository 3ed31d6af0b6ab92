"""The per-user limit on secret reveals: a moving window per subject, shared by replicas.

:class:`RevealRateLimiter` counts reveals per caller subject (``audit.reveal_rate_limit``,
e.g. ``5/minute``) with the ``limits`` moving-window strategy: in Redis when ``redis_url`` is
set, so every replica counts together, in process memory otherwise. Subjects are hashed
before they become storage keys. A storage failure refuses the reveal (fail closed).
:class:`~itglue_mcp.security.reveal.SecretRevealer` asks it before every reveal.

Example::

    limiter = RevealRateLimiter.from_settings(settings)
    await limiter.acquire(caller.subject)     # RevealRateLimited when over the limit
    await limiter.aclose()
"""

from __future__ import annotations

import hashlib
import time

import structlog
from limits import RateLimitItem
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import ConnectionPool

from itglue_mcp.config import Settings
from itglue_mcp.security.errors import AccessDenied, RevealRateLimited

__all__ = ["RevealRateLimiter"]

_log = structlog.get_logger(__name__)

_KEY_PREFIX = "itglue-mcp-reveal"


class RevealRateLimiter:
    """Per-subject moving-window limit on reveals (``audit.reveal_rate_limit``).

    Args:
        limit: the rate, e.g. ``parse("5/minute")``.
        storage: a ``limits`` async storage supporting moving windows (memory or Redis).
        pool: the Redis connection pool behind ``storage``, closed by :meth:`aclose`.
    """

    def __init__(
        self, limit: RateLimitItem, storage: Storage, *, pool: ConnectionPool | None = None
    ) -> None:
        self._limit = limit
        self._storage = storage
        self._pool = pool
        self._limiter = MovingWindowRateLimiter(storage)

    @classmethod
    def from_settings(cls, settings: Settings) -> RevealRateLimiter:
        """Redis storage when ``redis_url`` is set (shared by replicas), memory otherwise."""
        if settings.redis_url is None:
            return cls(settings.audit.reveal_limit(), MemoryStorage())
        return cls.on_redis(settings.audit.reveal_limit(), settings.redis_url.get_secret_value())

    @classmethod
    def on_redis(cls, limit: RateLimitItem, url: str) -> RevealRateLimiter:
        """A limiter counting in the Redis at ``url`` (``redis://`` or ``rediss://``).

        Nothing connects until the first reveal; :meth:`aclose` closes the connections.
        """
        pool = ConnectionPool.from_url(url)
        storage = RedisStorage(
            f"async+{url}",
            wrap_exceptions=True,
            implementation="redispy",
            key_prefix=_KEY_PREFIX,
            connection_pool=pool,  # type: ignore[arg-type]
        )
        return cls(limit, storage, pool=pool)

    async def aclose(self) -> None:
        """Close the Redis connections (nothing to do in memory)."""
        if self._pool is not None:
            await self._pool.aclose()

    @property
    def limit(self) -> RateLimitItem:
        """The configured rate."""
        return self._limit

    async def acquire(self, subject: str) -> None:
        """Count one reveal for ``subject``, or refuse it.

        The subject is hashed before it becomes a storage key, so Redis holds no user names.

        Raises:
            RevealRateLimited: the subject used up the window; ``retry_after_s`` says how long
                until the oldest reveal leaves it.
            AccessDenied: the rate-limit storage (Redis) failed: without a count no reveal is
                allowed.
        """
        key = hashlib.sha256(subject.encode()).hexdigest()[:32]
        try:
            if await self._limiter.hit(self._limit, key):
                return
            stats = await self._limiter.get_window_stats(self._limit, key)
        except StorageError:
            _log.warning("reveal.rate_limit_storage_failed")
            raise AccessDenied(
                "reveal: the reveal rate limit cannot be checked (rate-limit storage "
                "unavailable); try again later"
            ) from None
        retry_after = max(0.0, stats.reset_time - time.time())
        raise RevealRateLimited(
            f"reveal: at most {self._limit} secrets may be revealed "
            f"(audit.reveal_rate_limit); try again in {max(1, round(retry_after))} s",
            retry_after_s=retry_after,
        )
