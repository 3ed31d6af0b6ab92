"""Rotation: a new version of the Vault secret reaches the refresher and the IT Glue client's
next request (over HTTP to the simulator), without a restart and without a secret in the logs.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import Settings
from itglue_mcp.config.vault_client import VaultKvReader
from itglue_mcp.config.vault_refresh import SecretRefresher, rotating_api_key
from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.itglue.dataset import generate_dataset
from itglue_mcp.itglue.errors import AuthenticationFailed
from itglue_mcp.itglue.models import Organization
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from itglue_mcp.observability import configure_logging
from tests.config.openbao import OpenBao, assert_no_secret
from tests.tenant import Switchable

# Keys whose text the log redaction (ITG.…) would not mask: a scan for them is meaningful.
OLD_KEY = f"rotation-old-{secrets.token_hex(8)}"
NEW_KEY = f"rotation-new-{secrets.token_hex(8)}"


async def _until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_the_refresher_picks_up_a_new_version(
    openbao: OpenBao, vault_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("DEBUG", json=True)
    openbao.write(vault_env, {"itglue__api_key": OLD_KEY, "redis_url": "redis://one"})
    refresher = SecretRefresher(VaultKvReader(Settings().vault), interval_s=0.1)

    async with refresher.running():
        key = refresher.provider("itglue.api_key")
        assert (refresher.version, key()) == (1, SecretStr(OLD_KEY))

        openbao.write(vault_env, {"itglue__api_key": NEW_KEY, "redis_url": "redis://one"})
        await _until(lambda: refresher.version == 2)
        assert key() == SecretStr(NEW_KEY)

        # `bao kv put` with a key forgotten: the running server keeps the one it had.
        openbao.write(vault_env, {"redis_url": "redis://two"})
        await _until(lambda: refresher.version == 3)
        assert key() == SecretStr(NEW_KEY)
        assert refresher.current("redis_url") == SecretStr("redis://two")

    logged = capsys.readouterr().err
    assert '"event": "vault.secret_rotated"' in logged
    assert '"setting": "itglue.api_key"' in logged  # vault.setting_missing_kept
    assert_no_secret(logged, OLD_KEY, NEW_KEY, openbao.root_token)


async def test_a_failed_refresh_keeps_the_last_key_and_logs_no_secret(
    openbao: OpenBao,
    vault_env: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure_logging("DEBUG", json=True)
    openbao.write(vault_env, {"itglue__api_key": OLD_KEY})
    token = openbao.child_token("root")
    monkeypatch.setenv("ITGLUE_MCP_VAULT__TOKEN", token)
    refresher = SecretRefresher(VaultKvReader(Settings().vault), interval_s=0.1)

    logged = ""

    def refused_twice() -> bool:
        nonlocal logged
        logged += capsys.readouterr().err
        return logged.count('"event": "vault.refresh_failed"') >= 2

    async with refresher.running():
        openbao.root().auth.token.revoke(token)
        openbao.write(vault_env, {"itglue__api_key": NEW_KEY})
        await _until(refused_twice)

        assert refresher.current("itglue.api_key") == SecretStr(OLD_KEY)
        assert refresher.version == 1

    assert "vault.token: the token may not read" in logged
    assert_no_secret(logged, token, OLD_KEY, NEW_KEY, openbao.root_token)


@dataclass
class RecordingSimulator:
    url: str
    api_keys: dict[str, bool]
    sent_keys: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def one_organization(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("vault-dataset")
    generate_dataset(directory, organizations=1, seed=5)
    return directory


@pytest.fixture
def itglue_simulator(one_organization: Path) -> Iterator[RecordingSimulator]:
    """The IT Glue simulator over HTTP, recording the x-api-key of every request."""
    api_keys = {OLD_KEY: True, NEW_KEY: True}
    dataset = Dataset.load(one_organization)
    app = Switchable(create_app(dataset, SimulatorConfig(api_keys=api_keys)))
    with serve_in_thread(app) as url:
        simulator = RecordingSimulator(url, api_keys)

        def record(scope: Mapping[str, Any]) -> None:
            headers = dict(scope["headers"])
            simulator.sent_keys.append(headers.get(b"x-api-key", b"").decode())

        app.before_request = record
        yield simulator


async def test_the_itglue_client_sends_the_rotated_key_on_its_next_request(
    openbao: OpenBao,
    vault_env: str,
    itglue_simulator: RecordingSimulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure_logging("DEBUG", json=True)
    openbao.write(vault_env, {"itglue__api_key": OLD_KEY})
    monkeypatch.setenv("ITGLUE_MCP_ITGLUE__API_URL", itglue_simulator.url)
    settings = Settings()

    async with (
        rotating_api_key(settings, interval_s=0.1) as api_key,
        ItglueClient(settings.itglue, api_key=api_key) as client,
    ):
        assert api_key is not None
        await client.fetch_page("/organizations", Organization)
        assert itglue_simulator.sent_keys == [OLD_KEY]

        openbao.write(vault_env, {"itglue__api_key": NEW_KEY})
        await _until(lambda: api_key() == SecretStr(NEW_KEY))
        del itglue_simulator.api_keys[OLD_KEY]  # IT Glue revokes the old key

        page = await client.fetch_page("/organizations", Organization)

        assert page.records
        assert itglue_simulator.sent_keys == [OLD_KEY, NEW_KEY]

    logged = capsys.readouterr().err
    assert '"event": "vault.secret_rotated"' in logged
    assert_no_secret(logged, OLD_KEY, NEW_KEY, openbao.root_token)


async def test_a_key_set_in_the_environment_is_not_rotated(
    openbao: OpenBao,
    vault_env: str,
    itglue_simulator: RecordingSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    openbao.write(vault_env, {"itglue__api_key": NEW_KEY})
    monkeypatch.setenv("ITGLUE_MCP_ITGLUE__API_KEY", OLD_KEY)
    monkeypatch.setenv("ITGLUE_MCP_ITGLUE__API_URL", itglue_simulator.url)
    settings = Settings()

    async with rotating_api_key(settings) as api_key:
        assert api_key is None
        async with ItglueClient(settings.itglue, api_key=api_key) as client:
            await client.fetch_page("/organizations", Organization)
            del itglue_simulator.api_keys[OLD_KEY]
            with pytest.raises(AuthenticationFailed):
                await client.fetch_page("/organizations", Organization)

    assert itglue_simulator.sent_keys == [OLD_KEY, OLD_KEY]
