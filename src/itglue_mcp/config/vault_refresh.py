"""Secret rotation: re-read the Vault KV v2 secret on an interval and expose the current values.

Settings are read once at start-up; a key rotated in Vault afterwards (a new version of the
secret) would otherwise need a restart. :class:`SecretRefresher` re-reads the secret every
``vault.refresh_interval_s`` seconds in a worker thread, compares the version number Vault
reports in the secret's metadata, and swaps in the new values when it grew. Consumers hold a
provider (``Callable[[], SecretStr]``) instead of a value and call it per use: the IT Glue
client does so for its ``x-api-key`` header on every request.

A failed re-read (Vault briefly down, token expired) keeps the last good values and is logged
without any secret; the next interval tries again.

Example::

    async with rotating_api_key(settings) as api_key:
        async with ItglueClient(settings.itglue, api_key=api_key) as client:
            ...
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
from collections.abc import AsyncIterator, Callable
from typing import Any, Self

import structlog
from pydantic import SecretStr

from itglue_mcp.config.secrets import settings_values
from itglue_mcp.config.settings import Settings
from itglue_mcp.config.vault_client import VaultKvReader
from itglue_mcp.errors import ConfigurationError

__all__ = ["API_KEY_SETTING", "SecretRefresher", "rotating_api_key"]

API_KEY_SETTING = "itglue.api_key"
"""Dotted name of the IT Glue API key setting (Vault key ``itglue__api_key``)."""

_log = structlog.get_logger(__name__)


class SecretRefresher:
    """The newest values of one Vault KV v2 secret, re-read every interval.

    Args:
        reader: reads the secret (its settings give the location and the login).
        interval_s: seconds between re-reads; default ``vault.refresh_interval_s``.
        settings_cls: the settings class whose names the keys are mapped to.

    Values are keyed by dotted setting name (``itglue.api_key``); keys that name no setting
    are dropped (:func:`itglue_mcp.config.secrets.settings_values`).
    """

    def __init__(
        self,
        reader: VaultKvReader,
        *,
        interval_s: float | None = None,
        settings_cls: type[Settings] = Settings,
    ) -> None:
        self._reader = reader
        self._interval_s = (
            interval_s if interval_s is not None else reader.settings.refresh_interval_s
        )
        self._settings_cls = settings_cls
        self._version: int | None = None
        self._values: dict[str, SecretStr] = {}

    @property
    def version(self) -> int | None:
        """The version number of the values held; None before the first read."""
        return self._version

    @property
    def interval_s(self) -> float:
        """Seconds between re-reads."""
        return self._interval_s

    def refresh(self) -> bool:
        """Read the secret now (blocking: hvac is synchronous).

        Returns:
            True if a version other than the one held was read (rotation, or the first read).

        Raises:
            ConfigurationError: the read failed (:meth:`VaultKvReader.read`); the values held
                are kept.
        """
        secret = self._reader.read()
        if secret.version == self._version:
            return False
        mapped = settings_values(self._settings_cls, secret.data, "vault")
        values = {
            ".".join(path): value if isinstance(value, SecretStr) else SecretStr(str(value))
            for path, value in mapped.items()
        }
        for setting in self._values.keys() - values.keys():
            # `bao kv put` replaces every key of a secret: a version written with one key
            # forgotten must not take a working credential away.
            values[setting] = self._values[setting]
            _log.warning(
                "vault.setting_missing_kept",
                setting=setting,
                location=self._reader.settings.location,
                version=secret.version,
            )
        # One assignment: a reader on another thread sees the old or the new snapshot whole.
        self._values = values
        previous, self._version = self._version, secret.version
        if previous is not None:
            _log.info(
                "vault.secret_rotated",
                location=self._reader.settings.location,
                version=secret.version,
                previous_version=previous,
            )
        return True

    def has(self, setting: str) -> bool:
        """Whether the secret holds ``setting`` (dotted name, e.g. ``itglue.api_key``)."""
        return setting in self._values

    def current(self, setting: str) -> SecretStr:
        """The value of ``setting`` in the newest version read that holds it.

        A version written without a setting the previous one held keeps the previous value
        (logged): ``bao kv put`` replaces the whole secret, and a forgotten key must not break
        a running server.

        Raises:
            ConfigurationError: no version read held it.
        """
        try:
            return self._values[setting]
        except KeyError:
            raise ConfigurationError(
                f"{setting}: not in the Vault secret {self._reader.settings.location} "
                f"(version {self._version})"
            ) from None

    def provider(self, setting: str) -> Callable[[], SecretStr]:
        """A function returning the current value of ``setting`` at each call."""
        return lambda: self.current(setting)

    async def refresh_async(self) -> bool:
        """:meth:`refresh` in a worker thread."""
        return await asyncio.to_thread(self.refresh)

    async def run(self) -> None:
        """Re-read every interval until cancelled; failures are logged and retried."""
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                await self.refresh_async()
            except ConfigurationError as error:
                # The message names the setting and holds no secret (VaultKvReader).
                _log.warning("vault.refresh_failed", error=str(error))
            except Exception as error:
                # Anything else must not end rotation for the life of the process; its text
                # is not shown, as it was not written to be free of secrets.
                _log.error("vault.refresh_failed", error_type=type(error).__name__)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Self]:
        """Read once (errors raised), then re-read in the background until the block exits.

        Raises:
            ConfigurationError: the first read failed.
        """
        try:
            if self._version is None:
                await self.refresh_async()
            task = asyncio.create_task(self.run(), name="vault-secret-refresh")
            try:
                yield self
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        finally:
            await asyncio.to_thread(self._reader.close)


def _same(left: SecretStr, right: SecretStr) -> bool:
    return hmac.compare_digest(left.get_secret_value().encode(), right.get_secret_value().encode())


@contextlib.asynccontextmanager
async def rotating_api_key(
    settings: Settings, **refresher_options: Any
) -> AsyncIterator[Callable[[], SecretStr] | None]:
    """The IT Glue API key as a provider that follows rotation in Vault, while the block runs.

    Yields None — use ``settings.itglue.api_key`` as is — when Vault is off, when the secret
    has no ``itglue__api_key``, or when the key in ``settings`` is not Vault's (an init argument
    or the environment took precedence): rotating would then replace a key the operator chose.

    Args:
        settings: the settings read at start-up.
        refresher_options: passed to :class:`SecretRefresher` (``interval_s``).

    Raises:
        ConfigurationError: the first read of the secret failed.
    """
    if settings.vault.url is None:
        yield None
        return
    reader = VaultKvReader(settings.vault)
    refresher = SecretRefresher(reader, **refresher_options)
    try:
        await refresher.refresh_async()
    except BaseException:
        await asyncio.to_thread(reader.close)
        raise
    configured = settings.itglue.api_key
    if (
        configured is None
        or not refresher.has(API_KEY_SETTING)
        or not _same(configured, refresher.current(API_KEY_SETTING))
    ):
        await asyncio.to_thread(reader.close)
        _log.info("vault.api_key_not_rotated", reason="the key in use is not Vault's")
        yield None
        return
    async with refresher.running():
        yield refresher.provider(API_KEY_SETTING)
