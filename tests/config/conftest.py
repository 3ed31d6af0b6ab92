"""Fixtures of the settings tests: one OpenBao dev server per session, and Vault switched on
for one test at a secret path of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.config.openbao import OpenBao, running_openbao, switch_vault_on


@pytest.fixture(scope="session")
def openbao(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenBao]:
    with running_openbao(tmp_path_factory.mktemp("openbao")) as server:
        yield server


@pytest.fixture
def vault_env(openbao: OpenBao, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    return switch_vault_on(monkeypatch, tmp_path, openbao)
