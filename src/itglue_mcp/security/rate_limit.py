"""Per-subject rate limits, shared by replicas: secret reveals and MCP requests.

Both limiters count per caller subject with the ``limits`` library: in Redis when
``redis_url`` is set, so every replica counts together, in process memory otherwise. Subjects
are hashed before they become storage keys, so Redis holds no user names.

- :class:`RevealRateLimiter` — ``audit.reveal_rate_limit`` (e.g. ``5/minute``) over a moving
  window, asked by :class:`~itglue_mcp.security.reveal.SecretRevealer` before every reveal. A
  storage failure refuses the reveal (fail closed): a secret is worth more than availability.
- :class:`RequestRateLimiter` — ``rate_limit.requests_per_minute`` (per role:
  ``rate_limit.role_requests_per_minute``) over a sliding-window counter (two counters per
  subject, however high the limit), asked for every MCP request
  (:mod:`itglue_mcp.server.request_limit`). A storage failure lets the request through (fail
  open) with a logged warning: an unreachable Redis must not take every tool down, and each
  tool call is still authenticated, authorized and audited.

Example::

    limiter = RevealRateLimiter.from_settings(settings)
    await limiter.acquire(caller.subject)     # RevealRateLimited when over the limit
    requests = RequestRateLimiter.from_settings(settings)
    retry_after_s = await requests.hit(caller.subject, 300)   # None: allowed
    await limiter.aclose(); await requests.aclose()
"""

from __future__ import annotations

import hashlib
import time

import structlog
from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import (
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.errors import StorageError
from redis.asyncio import ConnectionPool

from itglue_mcp.config import Settings
from itglue_mcp.config.rbac import RbacSettings, binding_subjects, parse_role_binding
from itglue_mcp.security.errors import AccessDenied, RevealRateLimited
from itglue_mcp.security.identity import Caller

__all__ = ["RequestRateLimiter", "RevealRateLimiter", "caller_roles", "subject_key"]

_log = structlog.get_logger(__name__)

_REVEAL_KEY_PREFIX = "itglue-mcp-reveal"
_REQUEST_KEY_PREFIX = "itglue-mcp-request"


def subject_key(subject: str) -> str:
    """The storage key of a caller subject: 32 hex digits of its SHA-256 (no user names)."""
    return hashlib.sha256(subject.encode()).hexdigest()[:32]


def _redis_storage(url: str, key_prefix: str) -> tuple[Storage, ConnectionPool]:
    """A ``limits`` storage in the Redis at ``url`` (``redis://``/``rediss://``) and its pool.

    Nothing connects until the first count; storage errors are wrapped as
    :class:`~limits.errors.StorageError`.
    """
    pool = ConnectionPool.from_url(url)
    storage = RedisStorage(
        f"async+{url}",
        wrap_exceptions=True,
        implementation="redispy",
        key_prefix=key_prefix,
        connection_pool=pool,  # type: ignore[arg-type]
    )
    return storage, pool


class _SubjectLimiter:
    """A ``limits`` strategy over a storage, counting per hashed subject.

    Args:
        storage: a ``limits`` async storage (memory or Redis) supporting ``strategy``.
        strategy: the ``limits`` strategy class.
        pool: the Redis connection pool behind ``storage``, closed by :meth:`aclose`.
    """

    def __init__(
        self,
        storage: Storage,
        strategy: type[RateLimiter],
        *,
        pool: ConnectionPool | None = None,
    ) -> None:
        self._storage = storage
        self._pool = pool
        self._limiter = strategy(storage)

    async def aclose(self) -> None:
        """Close the Redis connections (nothing to do in memory)."""
        if self._pool is not None:
            await self._pool.aclose()

    async def _hit(self, limit: RateLimitItem, subject: str) -> float | None:
        """Count one event of ``subject`` against ``limit``.

        Returns:
            ``None`` when counted (within the limit); else the seconds until the window lets
            one more in (≥ 0; the refused event is not counted).

        Raises:
            StorageError: the storage (Redis) failed.
        """
        key = subject_key(subject)
        if await self._limiter.hit(limit, key):
            return None
        stats = await self._limiter.get_window_stats(limit, key)
        return max(0.0, stats.reset_time - time.time())


class RevealRateLimiter(_SubjectLimiter):
    """Per-subject moving-window limit on reveals (``audit.reveal_rate_limit``).

    Args:
        limit: the rate, e.g. ``parse("5/minute")``.
        storage: a ``limits`` async storage supporting moving windows (memory or Redis).
        pool: the Redis connection pool behind ``storage``, closed by :meth:`aclose`.
    """

    def __init__(
        self, limit: RateLimitItem, storage: Storage, *, pool: ConnectionPool | None = None
    ) -> None:
        super().__init__(storage, MovingWindowRateLimiter, pool=pool)
        self._limit = limit

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
        storage, pool = _redis_storage(url, _REVEAL_KEY_PREFIX)
        return cls(limit, storage, pool=pool)

    @property
    def limit(self) -> RateLimitItem:
        """The configured rate."""
        return self._limit

    async def acquire(self, subject: str) -> None:
        """Count one reveal for ``subject``, or refuse it.

        Raises:
            RevealRateLimited: the subject used up the window; ``retry_after_s`` says how long
                until the oldest reveal leaves it.
            AccessDenied: the rate-limit storage (Redis) failed: without a count no reveal is
                allowed.
        """
        try:
            retry_after = await self._hit(self._limit, subject)
        except StorageError:
            _log.warning("reveal.rate_limit_storage_failed")
            raise AccessDenied(
                "reveal: the reveal rate limit cannot be checked (rate-limit storage "
                "unavailable); try again later"
            ) from None
        if retry_after is None:
            return
        raise RevealRateLimited(
            f"reveal: at most {self._limit} secrets may be revealed "
            f"(audit.reveal_rate_limit); try again in {max(1, round(retry_after))} s",
            retry_after_s=retry_after,
        )


class RequestRateLimiter(_SubjectLimiter):
    """Per-subject sliding-window limit on MCP requests (``rate_limit.*``); fails open.

    Args:
        storage: a ``limits`` async storage supporting sliding-window counters (memory or
            Redis).
        pool: the Redis connection pool behind ``storage``, closed by :meth:`aclose`.
    """

    def __init__(self, storage: Storage, *, pool: ConnectionPool | None = None) -> None:
        super().__init__(storage, SlidingWindowCounterRateLimiter, pool=pool)

    @classmethod
    def from_settings(cls, settings: Settings) -> RequestRateLimiter:
        """Redis storage when ``redis_url`` is set (shared by replicas), memory otherwise."""
        if settings.redis_url is None:
            return cls(MemoryStorage())
        return cls.on_redis(settings.redis_url.get_secret_value())

    @classmethod
    def on_redis(cls, url: str) -> RequestRateLimiter:
        """A limiter counting in the Redis at ``url`` (``redis://`` or ``rediss://``).

        Nothing connects until the first request; :meth:`aclose` closes the connections.
        """
        storage, pool = _redis_storage(url, _REQUEST_KEY_PREFIX)
        return cls(storage, pool=pool)

    async def hit(self, subject: str, per_minute: int) -> float | None:
        """Count one request of ``subject`` against ``per_minute`` requests a minute.

        The counter is per subject and per limit: a caller whose roles (and so limit) change
        starts a fresh count.

        Args:
            subject: the caller's subject (hashed before it is stored).
            per_minute: the caller's limit (≥ 1), e.g. from
                :meth:`~itglue_mcp.config.rate_limit.RateLimitSettings.per_minute`.

        Returns:
            ``None`` when the request is allowed (also when the storage failed: fail open,
            logged as ``rate_limit.storage_failed``); else the seconds until one more request
            is allowed (≥ 0), for ``Retry-After``.
        """
        try:
            return await self._hit(RateLimitItemPerMinute(per_minute), subject)
        except StorageError as error:
            _log.warning(
                "rate_limit.storage_failed",
                error_type=type(error.storage_error).__name__,
                decision="allowed",
            )
            return None


def caller_roles(caller: Caller, rbac: RbacSettings) -> frozenset[str]:
    """The role names a caller holds, for its request limit (organizations left out).

    Roles from the token's role claims (``<role>@<organization>`` counts as ``<role>``) and
    roles ``rbac.bindings`` binds to the caller's subject (``user:``), groups (``group:``, or
    a bare key) or role claims. Grouping lines of a policy file or the database are not read
    here: bind roles in settings (or in the role claim) to give them a request limit.

    Args:
        caller: the authenticated caller.
        rbac: the RBAC settings (``bindings``).

    Returns:
        Role names, e.g. ``frozenset({"technician"})``; empty when none.
    """
    roles: set[str] = set()
    for role in caller.roles:
        try:
            roles.add(parse_role_binding(role).role)
        except ValueError:
            roles.add(role.partition("@")[0].strip())
    identities = {f"user:{caller.subject}"}
    identities.update(f"group:{group}" for group in caller.groups)
    identities.update(f"role:{role}" for role in caller.roles)
    identities.update(f"role:{role}" for role in roles)
    for key, bound in rbac.bindings.items():
        if identities.intersection(binding_subjects(key)):
            for binding in bound:
                try:
                    roles.add(parse_role_binding(binding).role)
                except ValueError:  # validated with the settings; never here
                    continue
    roles.discard("")
    return frozenset(roles)
