"""Settings sources for secrets: mounted files (Kubernetes Secret volumes) and Vault KV v2.

Both sources name a setting the way the environment does, without the ``ITGLUE_MCP_`` prefix
and lower-cased: ``itglue__api_key`` is ``settings.itglue.api_key``,
``auth__proxy__jwt_signing_key`` is ``settings.auth.proxy.jwt_signing_key``, ``redis_url`` is
``settings.redis_url``. The full variable name (``ITGLUE_MCP_ITGLUE__API_KEY``) is accepted
too. A name that matches no setting is ignored with a warning (it may belong to another
program sharing the Secret); a name that matches a group of settings rather than one is ignored
the same way.

- :class:`MountedFilesSource`: every regular file in ``secrets_dir`` is one setting, its content
  the value (one trailing newline dropped). Hidden entries are skipped, so the ``..data``
  directories Kubernetes writes into a Secret volume are not read as settings.
- :class:`VaultSource`: the keys of the newest version of the KV version 2 secret
  ``vault.mount`` / ``vault.path`` (:mod:`itglue_mcp.config.vault`); on only when ``vault.url``
  is set by an init argument, the environment or ``.env``.

Precedence, highest first (:meth:`itglue_mcp.config.Settings.settings_customise_sources`):
init arguments > environment > Vault > mounted files > ``.env`` > defaults.

Example::

    class AppSettings(BaseSettings):
        @classmethod
        def settings_customise_sources(cls, settings_cls, init_settings, env_settings,
                                       dotenv_settings, file_secret_settings):
            return (init_settings, env_settings, VaultSource(settings_cls),
                    MountedFilesSource(settings_cls), dotenv_settings)
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import structlog
from pydantic import BaseModel, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from itglue_mcp.config.vault import VaultSettings
from itglue_mcp.errors import ConfigurationError

__all__ = [
    "ENV_PREFIX",
    "MountedFilesSource",
    "VaultSource",
    "setting_path",
    "settings_values",
    "vault_settings_from",
]

ENV_PREFIX = "itglue_mcp_"
_NESTING = "__"

_log = structlog.get_logger(__name__)


def _nested_model(field: FieldInfo) -> type[BaseModel] | None:
    """The settings group a field holds (``X`` or ``X | None``), or None for a plain value."""
    annotation = field.annotation
    candidates: tuple[Any, ...] = (annotation,)
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        candidates = typing.get_args(annotation)
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def setting_path(settings_cls: type[BaseModel], name: str) -> tuple[str, ...] | None:
    """The field path a secret name stands for, or None if it names no single setting.

    Args:
        settings_cls: the settings class (``Settings``).
        name: ``itglue__api_key``, ``ITGLUE_MCP_ITGLUE__API_KEY`` or ``redis_url`` (case is
            ignored, as for the environment).

    Returns:
        e.g. ``("itglue", "api_key")``; None for an unknown name or a group of settings.
    """
    key = name.strip().lower()
    key = key.removeprefix(ENV_PREFIX)
    parts = tuple(key.split(_NESTING))
    model: type[BaseModel] | None = settings_cls
    for index, part in enumerate(parts):
        if model is None or part not in model.model_fields:
            return None
        nested = _nested_model(model.model_fields[part])
        if index == len(parts) - 1:
            return parts if nested is None else None
        model = nested
    return None


def _nest(values: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = values
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _plain(value: Any) -> Any:
    """A settings value as the sources after this one would give it (no SecretStr wrapper)."""
    return value.get_secret_value() if isinstance(value, SecretStr) else value


class _BootstrappedSource(PydanticBaseSettingsSource):
    """A source configured by settings of its own, found in the sources above it or ``.env``.

    ``.env`` is below these sources in precedence, yet a developer keeps ``vault.*`` and
    ``secrets_dir`` there too: its value is consulted for those settings only, under what the
    sources above gave.
    """

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        dotenv: PydanticBaseSettingsSource | None = None,
    ) -> None:
        super().__init__(settings_cls)
        self._dotenv = dotenv

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Unused: :meth:`__call__` reads everything at once."""
        return None, field_name, False

    def _own_setting(self, name: str) -> Any:
        given = self.current_state.get(name)
        if self._dotenv is None or isinstance(given, BaseModel):
            return given
        fallback = self._dotenv().get(name)
        if isinstance(given, dict) and isinstance(fallback, dict):
            return {**fallback, **given}
        return given if given is not None else fallback


class MountedFilesSource(_BootstrappedSource):
    """Settings from files in a directory: file name = setting name, content = value.

    Args:
        settings_cls: the settings class.
        directory: the directory to read; None = ``secrets_dir`` as given by the sources of
            higher precedence (init argument, environment ``ITGLUE_MCP_SECRETS_DIR``) or by
            ``dotenv``; no directory = nothing read.
        dotenv: the ``.env`` source, consulted for ``secrets_dir`` only.

    Raises (when called):
        ConfigurationError: ``secrets_dir`` is not a directory, a file cannot be read, or two
            files name the same setting.
    """

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        directory: Path | None = None,
        *,
        dotenv: PydanticBaseSettingsSource | None = None,
    ) -> None:
        super().__init__(settings_cls, dotenv)
        self._directory = directory

    def __call__(self) -> dict[str, Any]:
        directory = self._directory
        if directory is None:
            given = _plain(self._own_setting("secrets_dir"))
            if given is None or given == "":
                return {}
            directory = Path(given)
        if not directory.is_dir():
            raise ConfigurationError(f"secrets_dir: {directory} is not a directory")
        values: dict[str, Any] = {}
        seen: dict[tuple[str, ...], str] = {}
        for path, setting in self._files(directory):
            if setting in seen:
                raise ConfigurationError(
                    f"{_dotted(setting)}: set by two files in secrets_dir "
                    f"({seen[setting]} and {path.name})"
                )
            seen[setting] = path.name
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                reason = getattr(error, "strerror", None) or type(error).__name__
                raise ConfigurationError(
                    f"{_dotted(setting)}: cannot read {path} ({reason})"
                ) from None
            _nest(values, setting, text.removesuffix("\n").removesuffix("\r"))
        return values

    def _files(self, directory: Path) -> Iterator[tuple[Path, tuple[str, ...]]]:
        for path in sorted(directory.iterdir()):
            if path.name.startswith(".") or not path.is_file():
                continue
            setting = setting_path(self.settings_cls, path.name)
            if setting is None:
                _log.warning("secrets.unknown_name", source="secrets_dir", name=path.name)
                continue
            yield path, setting

    def __repr__(self) -> str:
        return f"MountedFilesSource(directory={self._directory!r})"


def vault_settings_from(value: Any) -> VaultSettings:
    """Validate ``vault`` settings as given by a source (a dict or a model).

    Raises:
        ConfigurationError: naming the invalid ``vault.*`` setting; input values (the token)
            are never part of the message.
    """
    if isinstance(value, VaultSettings):
        return value
    if isinstance(value, BaseModel):
        value = value.model_dump()
    try:
        return VaultSettings.model_validate(value if value is not None else {})
    except ValidationError as error:
        problems = []
        for problem in error.errors(include_input=False, include_url=False):
            message = str(problem["msg"]).removeprefix("Value error, ")
            if not message.startswith("vault."):
                where = ".".join(str(part) for part in problem["loc"])
                message = f"vault.{where}: {message}" if where else f"vault: {message}"
            problems.append(message)
        raise ConfigurationError("; ".join(problems)) from None


class VaultSource(_BootstrappedSource):
    """Settings from the newest version of one Vault/OpenBao KV version 2 secret.

    The ``vault`` settings come from the sources of higher precedence (init arguments, the
    environment) or from ``dotenv``; without ``vault.url`` nothing is read. Each key of the
    secret is a setting name (module docstring); values are passed as stored (strings, or JSON
    values).

    Args:
        settings_cls: the settings class.
        dotenv: the ``.env`` source, consulted for ``vault.*`` only.

    Raises (when called):
        ConfigurationError: invalid ``vault.*`` settings, Vault unreachable, login or read
            refused, no secret at the path (:class:`~itglue_mcp.config.vault_client.VaultKvReader`).
    """

    def __call__(self) -> dict[str, Any]:
        from itglue_mcp.config.vault_client import VaultKvReader

        vault = vault_settings_from(self._own_setting("vault"))
        if vault.url is None:
            return {}
        reader = VaultKvReader(vault)
        try:
            secret = reader.read()
        finally:
            reader.close()
        values: dict[str, Any] = {}
        for name, value in settings_values(self.settings_cls, secret.data, "vault").items():
            _nest(values, name, value)
        return values

    def __repr__(self) -> str:
        return "VaultSource()"


def settings_values(
    settings_cls: type[BaseModel], data: Mapping[str, Any], source: str
) -> dict[tuple[str, ...], Any]:
    """Map a secret's keys to setting paths, warning about (and dropping) unknown names.

    Args:
        settings_cls: the settings class.
        data: key/value pairs (keys are setting names, module docstring).
        source: where they come from, for the warning (``vault``, ``secrets_dir``).

    Returns:
        ``{("itglue", "api_key"): "ITG.…", …}``.

    Raises:
        ConfigurationError: two keys name the same setting.
    """
    values: dict[tuple[str, ...], Any] = {}
    for name, value in data.items():
        setting = setting_path(settings_cls, name)
        if setting is None:
            _log.warning("secrets.unknown_name", source=source, name=name)
            continue
        if setting in values:
            raise ConfigurationError(
                f"{_dotted(setting)}: set twice by the {source} secret (key {name!r})"
            )
        values[setting] = value
    return values
