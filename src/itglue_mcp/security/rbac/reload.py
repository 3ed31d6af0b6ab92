"""Policy hot reload: a changed policy file, and a change announced to every replica over Redis.

- :class:`FileWatcher` checks ``rbac.policy_file`` every ``rbac.file_poll_interval_s`` seconds
  and reloads when its content changed (a ConfigMap update swaps a symlink; polling the content
  digest sees it where inotify on the old inode would not).
- :class:`RedisReloadListener` subscribes to ``rbac.reload_channel`` on ``redis_url``
  (``redis.asyncio`` pub/sub): any message makes this replica reload. After a lost connection
  it subscribes again and reloads once, since messages published meanwhile are lost.
- :class:`PeriodicReloader` reloads every ``rbac.reload_interval_s`` seconds, if set.
- :func:`publish_policy_change` announces a change (after writing the database policy).

A reload that fails (bad line) is logged and leaves the policy in force unchanged.

Example::

    await DatabasePolicy(engine).add(check_line(["g", "group:Ops", "role:helpdesk"]))
    await publish_policy_change(settings.redis_url.get_secret_value(), settings.rbac.reload_channel)
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from typing import TYPE_CHECKING, Any

import redis.asyncio as redis
import structlog
from redis.exceptions import RedisError

from itglue_mcp.errors import ConfigurationError

if TYPE_CHECKING:
    from itglue_mcp.security.rbac.authorizer import Authorizer
    from itglue_mcp.security.rbac.sources import FilePolicy

__all__ = [
    "FileWatcher",
    "PeriodicReloader",
    "RedisReloadListener",
    "listener_client_name",
    "publish_policy_change",
]

_log = structlog.get_logger(__name__)

_RECONNECT_INITIAL_S = 0.5
_RECONNECT_MAX_S = 30.0
_SUBSCRIBE_TIMEOUT_S = 5.0


def listener_client_name(channel: str) -> str:
    """The Redis client name (``CLIENT LIST``) of the listener of ``channel``."""
    return f"itglue-mcp-rbac-reload-{hashlib.sha256(channel.encode()).hexdigest()[:12]}"


async def _reload_logged(authorizer: Authorizer, trigger: str) -> bool:
    """Reload; log instead of raising. Whether the new policy is in force."""
    try:
        await authorizer.reload()
    except ConfigurationError as error:
        _log.error("rbac.policy_reload_failed", trigger=trigger, error=str(error))
        return False
    _log.info("rbac.policy_reloaded", trigger=trigger, generation=authorizer.generation)
    return True


async def _cancel(task: asyncio.Task[None] | None) -> None:
    """Cancel a background task and wait until it has stopped."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class FileWatcher:
    """Reloads an authorizer when its policy file's content changes.

    Args:
        authorizer: what to reload.
        policy: the file (its digest is compared).
        interval_s: seconds between checks.
    """

    def __init__(self, authorizer: Authorizer, policy: FilePolicy, interval_s: float) -> None:
        self._authorizer = authorizer
        self._policy = policy
        self._interval_s = interval_s
        self._digest = policy.digest()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start polling in a task of the running loop."""
        self._task = asyncio.create_task(self._run(), name="rbac-policy-file-watcher")

    async def check(self) -> bool:
        """Reload now if the content changed since the last check; whether it reloaded.

        A file that cannot be read (mid-swap) is checked again next time; a file with a bad
        line is not reloaded again until its content changes once more.
        """
        digest = self._policy.digest()
        if digest is None or digest == self._digest:
            return False
        self._digest = digest
        return await _reload_logged(self._authorizer, f"file {self._policy.path}")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            await self.check()

    async def aclose(self) -> None:
        """Stop polling."""
        await _cancel(self._task)
        self._task = None


class PeriodicReloader:
    """Reloads an authorizer every ``interval_s`` seconds (``rbac.reload_interval_s``).

    A safety net for the database source without Redis, or for a message lost in transit.
    """

    def __init__(self, authorizer: Authorizer, interval_s: float) -> None:
        self._authorizer = authorizer
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start reloading in a task of the running loop."""
        self._task = asyncio.create_task(self._run(), name="rbac-periodic-reload")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            await _reload_logged(self._authorizer, "interval")

    async def aclose(self) -> None:
        """Stop reloading."""
        await _cancel(self._task)
        self._task = None


class RedisReloadListener:
    """Reloads an authorizer on every message of a Redis pub/sub channel.

    Args:
        authorizer: what to reload.
        redis_url: ``redis://…`` (never logged: it may hold a password).
        channel: the pub/sub channel (``rbac.reload_channel``).
    """

    def __init__(self, authorizer: Authorizer, redis_url: str, channel: str) -> None:
        self._authorizer = authorizer
        self._url = redis_url
        self.channel = channel
        self.client_name = listener_client_name(channel)
        self._client: redis.Redis | None = None
        self._pubsub: Any = None
        self._task: asyncio.Task[None] | None = None
        self.reloads = 0

    async def start(self) -> None:
        """Subscribe (confirmed by the server before returning), then listen in a task.

        Raises:
            ConfigurationError: naming ``redis_url``, when Redis does not answer.
        """
        try:
            await self._subscribe()
        except (RedisError, OSError, TimeoutError) as error:
            await self._disconnect()
            raise ConfigurationError(
                f"redis_url: cannot subscribe to {self.channel!r} for policy reloads "
                f"({type(error).__name__})"
            ) from None
        self._task = asyncio.create_task(self._run(), name="rbac-redis-reload-listener")

    async def _subscribe(self) -> None:
        self._client = redis.from_url(self._url, client_name=self.client_name)
        self._pubsub = self._client.pubsub()
        await self._pubsub.subscribe(self.channel)
        confirmation = await self._pubsub.get_message(timeout=_SUBSCRIBE_TIMEOUT_S)
        if confirmation is None or confirmation.get("type") != "subscribe":
            raise TimeoutError("no subscribe confirmation")

    async def _disconnect(self) -> None:
        pubsub, client = self._pubsub, self._client
        self._pubsub = self._client = None
        with contextlib.suppress(RedisError, OSError):
            if pubsub is not None:
                await pubsub.aclose()
            if client is not None:
                await client.aclose()

    async def _listen(self) -> None:
        while True:
            message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=None)
            if message is not None and message.get("type") == "message":
                self.reloads += 1
                await _reload_logged(self._authorizer, f"redis channel {self.channel}")

    async def _run(self) -> None:
        delay = _RECONNECT_INITIAL_S
        while True:
            try:
                await self._listen()
            except (RedisError, OSError) as error:
                _log.warning("rbac.reload_channel_lost", error=type(error).__name__)
            await self._disconnect()
            while True:
                await asyncio.sleep(delay)
                try:
                    await self._subscribe()
                except (RedisError, OSError, TimeoutError):
                    await self._disconnect()
                    delay = min(delay * 2, _RECONNECT_MAX_S)
                    continue
                break
            delay = _RECONNECT_INITIAL_S
            # Changes announced while disconnected were missed.
            await _reload_logged(self._authorizer, "redis reconnect")

    async def aclose(self) -> None:
        """Stop listening and close the connection."""
        await _cancel(self._task)
        self._task = None
        await self._disconnect()


async def publish_policy_change(redis_url: str, channel: str, *, reason: str = "") -> int:
    """Tell every replica's authorizer to reload its policy.

    Args:
        redis_url: the replicas' ``redis_url``.
        channel: their ``rbac.reload_channel``.
        reason: a short note carried in the message (for logs; never a secret).

    Returns:
        How many subscribers received the message (replicas listening right now).

    Raises:
        ConfigurationError: naming ``redis_url``, when Redis does not answer.
    """
    client = redis.from_url(redis_url)
    try:
        receivers: int = await client.publish(channel, json.dumps({"reason": reason}))
    except (RedisError, OSError) as error:
        raise ConfigurationError(
            f"redis_url: cannot publish a policy change on {channel!r} ({type(error).__name__})"
        ) from None
    finally:
        await client.aclose()
    return receivers
