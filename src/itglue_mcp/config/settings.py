"""Settings every part of itglue-mcp agrees on, read once at start-up.

Environment variables carry the prefix ``ITGLUE_MCP_`` and nest with ``__``
(``ITGLUE_MCP_ITGLUE__API_KEY``); a ``.env`` file in the working directory is read too. An
unset ``database_url`` selects the embedded SQLite store, an unset ``index.qdrant_url`` the
embedded vector index. Sub-models per subsystem: ``itglue``, ``sync``, ``server``, ``auth``
(:mod:`itglue_mcp.config.auth`), ``index`` (:mod:`itglue_mcp.config.index`), ``vault``
(:mod:`itglue_mcp.config.vault`), ``rate_limit`` (:mod:`itglue_mcp.config.rate_limit`).

Secrets (and any other setting) may also come from files in ``secrets_dir`` (a mounted
Kubernetes Secret) and from a Vault/OpenBao KV version 2 secret
(:mod:`itglue_mcp.config.secrets`). Precedence, highest first:

1. init arguments (``Settings(itglue=…)``: code and tests decide explicitly);
2. the environment (an operator's per-process override beats every shared store);
3. Vault (on when ``vault.url`` is set by 1, 2 or ``.env``) — the rotating source of truth;
4. files in ``secrets_dir`` (when ``secrets_dir`` is set by 1, 2, 3 or ``.env``);
5. ``.env`` in the working directory (a developer convenience: a stray file in a container
   image must not shadow the mounted production secrets);
6. defaults.

Example::

    settings = Settings()
    engine_url = settings.effective_database_url
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from itglue_mcp.config.audit import AuditSettings
from itglue_mcp.config.auth import AuthSettings
from itglue_mcp.config.index import IndexSettings
from itglue_mcp.config.rate_limit import RateLimitSettings
from itglue_mcp.config.rbac import RbacSettings
from itglue_mcp.config.secrets import MountedFilesSource, VaultSource
from itglue_mcp.config.vault import VaultSettings

__all__ = ["ItglueRegion", "ItglueSettings", "ServerSettings", "Settings", "SyncSettings"]


class ItglueRegion(StrEnum):
    """IT Glue data-centre regions (IT Glue API facts: Transport)."""

    US = "us"
    EU = "eu"
    AU = "au"


REGION_BASE_URLS: dict[ItglueRegion, str] = {
    ItglueRegion.US: "https://api.itglue.com",
    ItglueRegion.EU: "https://api.eu.itglue.com",
    ItglueRegion.AU: "https://api.au.itglue.com",
}


class ItglueSettings(BaseModel):
    """How to reach the IT Glue API and how hard to lean on it."""

    region: Annotated[
        ItglueRegion,
        Field(description="IT Glue region whose base URL is used when api_url is unset."),
    ] = ItglueRegion.US
    api_url: Annotated[
        str | None,
        Field(description="Base URL of the IT Glue API (or the simulator); overrides region."),
    ] = None
    api_key: Annotated[
        SecretStr | None, Field(description="IT Glue API key, sent as the x-api-key header.")
    ] = None
    rate_limit_requests: Annotated[
        int, Field(gt=0, description="Most requests sent per rate-limit window (IT Glue: 3000).")
    ] = 3000
    rate_limit_window_s: Annotated[
        float, Field(gt=0, description="Length of the rolling rate-limit window, in seconds.")
    ] = 300.0
    page_size: Annotated[
        int,
        Field(ge=1, le=1000, description="page[size] for list requests (IT Glue maximum 1000)."),
    ] = 1000
    timeout_s: Annotated[
        float, Field(gt=0, description="Timeout of one HTTP request, seconds.")
    ] = 30.0
    max_attempts: Annotated[
        int,
        Field(ge=1, description="Attempts per request on 429, 5xx and timeouts, first included."),
    ] = 8
    backoff_initial_s: Annotated[
        float, Field(gt=0, description="First exponential back-off delay, seconds (jittered).")
    ] = 0.5
    backoff_max_s: Annotated[float, Field(gt=0, description="Longest back-off delay, seconds.")] = (
        60.0
    )
    breaker_failure_threshold: Annotated[
        int,
        Field(
            ge=1,
            description=(
                "Consecutive requests that failed after all their attempts and back-off "
                "(5xx, timeouts, connection errors) before the circuit breaker opens."
            ),
        ),
    ] = 1
    breaker_reset_s: Annotated[
        float, Field(gt=0, description="Seconds the breaker stays open before one trial request.")
    ] = 30.0
    breaker_wait_s: Annotated[
        float,
        Field(
            ge=0,
            description=(
                "Longest time, in seconds, a request waits for the open breaker's trial before "
                "failing (a sync rides out an outage this long); 0 fails at once."
            ),
        ),
    ] = 120.0
    max_concurrency: Annotated[
        int, Field(ge=1, description="Requests in flight at once against the API.")
    ] = 4

    @property
    def base_url(self) -> str:
        """The API base URL without a trailing slash: ``api_url`` if set, else the region's."""
        return (self.api_url or REGION_BASE_URLS[self.region]).rstrip("/")


class SyncSettings(BaseModel):
    """Behaviour of ``itglue-mcp sync``."""

    pipeline_depth: Annotated[
        int, Field(ge=1, description="Pages fetched ahead of the store writer, per stream.")
    ] = 4
    concurrent_streams: Annotated[
        int, Field(ge=1, description="Paged listings (streams) fetched at the same time.")
    ] = 4


class ServerSettings(BaseModel):
    """Where ``itglue-mcp serve`` listens."""

    host: Annotated[str, Field(description="Bind address of the MCP HTTP server.")] = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535, description="TCP port of the MCP HTTP server.")] = (
        8765
    )
    allowed_hosts: Annotated[
        list[str],
        Field(description="Host header values accepted (DNS-rebinding protection); empty = bind."),
    ] = []
    metrics_port: Annotated[
        int,
        Field(
            ge=0,
            le=65535,
            description=(
                "TCP port of the Prometheus /metrics endpoint (same bind address, no "
                "authentication, not behind the Ingress); 0 = no metrics endpoint."
            ),
        ),
    ] = 9464


class Settings(BaseSettings):
    """All settings of itglue-mcp (env prefix ``ITGLUE_MCP_``, nested with ``__``)."""

    model_config = SettingsConfigDict(
        env_prefix="ITGLUE_MCP_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    data_dir: Annotated[
        Path, Field(description="Directory for embedded files (SQLite store, index, datasets).")
    ] = Path(".itglue-mcp")
    database_url: Annotated[
        str | None,
        Field(description="SQLAlchemy async URL of the store; unset = SQLite file in data_dir."),
    ] = None
    log_level: Annotated[str, Field(description="Log level: DEBUG, INFO, WARNING, ERROR.")] = "INFO"
    secrets_dir: Annotated[
        Path | None,
        Field(
            description=(
                "Directory of mounted secret files (a Kubernetes Secret volume): each file is "
                "one setting, named like its variable without the prefix (itglue__api_key)."
            )
        ),
    ] = None
    public_url: Annotated[
        str | None,
        Field(
            description=(
                "The server's external base URL (https://mcp.msp.example); the MCP endpoint "
                "is public_url + /mcp. Required in auth mode oidc."
            )
        ),
    ] = None
    redis_url: Annotated[
        SecretStr | None,
        Field(
            description=(
                "Redis URL (redis://host:6379/0) shared by the replicas: policy reload, "
                "request and reveal rate limits, OAuth proxy state. Unset = in-process (one "
                "replica); auth mode proxy requires it."
            )
        ),
    ] = None
    itglue: ItglueSettings = ItglueSettings()
    sync: SyncSettings = SyncSettings()
    server: ServerSettings = ServerSettings()
    auth: AuthSettings = AuthSettings()
    index: IndexSettings = Field(default_factory=IndexSettings)
    rbac: RbacSettings = RbacSettings()
    audit: AuditSettings = AuditSettings()
    rate_limit: RateLimitSettings = RateLimitSettings()
    vault: VaultSettings = VaultSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Init > environment > Vault > ``secrets_dir`` files > ``.env`` > defaults.

        The Vault and files sources read their own settings (``vault.*``, ``secrets_dir``)
        from the sources above them, then ``.env`` (module docstring).

        Raises:
            ConfigurationError: (when the settings are read) Vault cannot be read, or a file in
                ``secrets_dir`` cannot (:mod:`itglue_mcp.config.secrets`).
        """
        return (
            init_settings,
            env_settings,
            VaultSource(settings_cls, dotenv=dotenv_settings),
            MountedFilesSource(settings_cls, dotenv=dotenv_settings),
            dotenv_settings,
        )

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str | None) -> str | None:
        """Refuse database URLs whose driver is not one of the async drivers the store runs on."""
        if value is None:
            return None
        scheme = value.split("://", 1)[0]
        if scheme in ("postgresql", "postgres"):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if scheme == "sqlite":
            return "sqlite+aiosqlite://" + value.split("://", 1)[1]
        if scheme not in ("postgresql+asyncpg", "sqlite+aiosqlite"):
            raise ValueError(
                "database_url: driver must be postgresql+asyncpg or sqlite+aiosqlite, "
                f"got {scheme!r}"
            )
        return value

    @property
    def effective_database_url(self) -> str:
        """``database_url`` if set, else an SQLite file ``itglue.db`` under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'itglue.db').resolve()}"
