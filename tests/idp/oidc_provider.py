"""The real OpenID Connect provider of the auth tests, run with Node.js, and the token flows a
client runs against it.

``tests/idp/provider.mjs`` runs the npm package ``oidc-provider`` (pinned in the repository's
``package-lock.json``; ``npm ci`` at the repository root installs it) on 127.0.0.1. It registers
clients dynamically (RFC 7591), requires PKCE S256 (RFC 7636), and issues access tokens for
the resource a client names (RFC 8707): RS256 JWTs (RFC 9068), or opaque tokens checked by
introspection (RFC 7662), with the granted subset of the ``itglue.*`` scopes and the account's
``groups`` claim (Okta style). :func:`start_provider` starts one; :class:`IdentityProvider`
drives the authorization-code + PKCE flow headless (login and consent at the script's
interaction routes) and client_credentials for the service account.

A missing Node.js or missing node modules fail the test (the message says to run ``npm ci``);
such tests are never skipped.

Example::

    with start_provider(log_dir, token_format="jwt") as idp:
        token = asyncio.run(idp.client_credentials_token(["itglue.read"], resource))
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

__all__ = [
    "ACCOUNT_GROUPS",
    "ALL_SCOPES",
    "INTROSPECTION_CLIENT_ID",
    "REPO_ROOT",
    "SERVICE_CLIENT_ID",
    "SERVICE_GROUPS",
    "IdentityProvider",
    "IdpFlowError",
    "node_command",
    "start_provider",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
PROVIDER_SCRIPT = REPO_ROOT / "tests" / "idp" / "provider.mjs"
NODE_MODULES = REPO_ROOT / "node_modules"

ALL_SCOPES = ("itglue.read", "itglue.secrets.reveal", "itglue.admin")
"""The scopes the provider knows for any loopback resource server."""
SERVICE_CLIENT_ID = "itglue-automation"
"""Client id of the pre-registered confidential client (client_credentials)."""
INTROSPECTION_CLIENT_ID = "itglue-mcp"
"""Client id our server authenticates to the introspection endpoint with."""

ACCOUNT_GROUPS = {
    "alice": ("msp-technicians",),
    "bob": ("msp-helpdesk",),
    "carol": ("client-acme",),
    "dave": ("msp-admins",),
}
"""The provider's accounts and the ``groups`` claim their access tokens carry."""
SERVICE_GROUPS = ("msp-automation",)
"""The ``groups`` claim of the service account's tokens."""

REDIRECT_URI = "http://127.0.0.1:8976/callback"
"""Where the provider sends the code; nothing listens there: the flow reads the redirect."""

START_TIMEOUT_S = 30.0


class IdpFlowError(AssertionError):
    """The provider refused a step of a token flow (status and OAuth error in the message)."""


def node_command() -> list[str]:
    """``node`` and the provider script, or a test failure saying what to install."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js (`node`) is not on PATH: the auth tests run a real OIDC provider")
    for package in ("oidc-provider", "@modelcontextprotocol/sdk"):
        if not (NODE_MODULES / package / "package.json").is_file():
            pytest.fail(f"node module {package} is missing: run `npm ci` at the repository root")
    return [node]


def _pkce_pair() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge (RFC 7636 section 4.1-4.2)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _oauth_error(response: httpx.Response) -> str:
    """Status and the OAuth ``error`` of a refusal (never the body's tokens)."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        return f"HTTP {response.status_code} {body.get('error')}: {body.get('error_description')}"
    return f"HTTP {response.status_code}"


@dataclass(frozen=True)
class IdentityProvider:
    """The running provider and the token flows the tests need.

    Attributes:
        issuer: the provider's issuer URL (``http://127.0.0.1:<port>``), also its base URL.
        jwks_uri: where its signing keys are published.
        introspection_endpoint: its RFC 7662 endpoint (``introspection_client_id`` may call it).
        token_format: ``jwt`` or ``opaque`` access tokens.
        service_client_id: client id of the client_credentials service account.
        service_client_secret: its secret (not in ``repr``).
        introspection_client_id: client id of the resource server at introspection.
        introspection_client_secret: its secret (not in ``repr``).
    """

    issuer: str
    jwks_uri: str
    introspection_endpoint: str
    token_format: Literal["jwt", "opaque"]
    service_client_id: str
    service_client_secret: str = field(repr=False)
    introspection_client_id: str
    introspection_client_secret: str = field(repr=False)

    async def register_client(
        self, client: httpx.AsyncClient, redirect_uri: str = REDIRECT_URI
    ) -> str:
        """Register a public client (PKCE, no secret) dynamically; returns its client id."""
        response = await client.post(
            f"{self.issuer}/reg",
            json={
                "client_name": "itglue-mcp tests",
                "redirect_uris": [redirect_uri],
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "none",
            },
        )
        if response.status_code != 201:
            raise IdpFlowError(f"registration refused: {_oauth_error(response)}")
        client_id = response.json()["client_id"]
        assert isinstance(client_id, str)
        return client_id

    async def authorization_code_token(
        self,
        user: str,
        scopes: Iterable[str],
        resource: str,
        *,
        granted: Iterable[str] | None = None,
        password: str | None = None,
    ) -> str:
        """An access token from the full authorization-code + PKCE flow, driven headless.

        Registers a client, sends the authorization request (with ``resource``), logs ``user``
        in, consents, and exchanges the code (with the verifier and ``resource``).

        Args:
            user: an account of the provider (``alice``, ``bob``, ``carol``, ``dave``).
            scopes: the scopes requested.
            resource: the resource indicator (RFC 8707), e.g. ``http://127.0.0.1:8123/mcp``;
                the token's ``aud``.
            granted: the subset the user consents to (default: all requested).
            password: the password typed in (default: the account's own).

        Raises:
            IdpFlowError: a step was refused (a wrong password, an unknown resource…).
        """
        verifier, challenge = _pkce_pair()
        state = secrets.token_urlsafe(16)
        async with httpx.AsyncClient(timeout=10.0) as client:
            client_id = await self.register_client(client)
            response = await client.get(
                f"{self.issuer}/auth",
                params={
                    "client_id": client_id,
                    "response_type": "code",
                    "redirect_uri": REDIRECT_URI,
                    "scope": " ".join(scopes),
                    "state": state,
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                    "resource": resource,
                },
            )
            code = await self._interact(client, response, user, granted, password, state)
            token = await client.post(
                f"{self.issuer}/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": REDIRECT_URI,
                    "client_id": client_id,
                    "code_verifier": verifier,
                    "resource": resource,
                },
            )
        if token.status_code != 200:
            raise IdpFlowError(f"code exchange refused: {_oauth_error(token)}")
        access_token = token.json()["access_token"]
        assert isinstance(access_token, str)
        return access_token

    async def _interact(
        self,
        client: httpx.AsyncClient,
        response: httpx.Response,
        user: str,
        granted: Iterable[str] | None,
        password: str | None,
        state: str,
    ) -> str:
        """Follow the redirects, answering the login and consent prompts; returns the code."""
        for _ in range(10):
            if response.status_code not in (302, 303):
                raise IdpFlowError(f"authorization stopped: {_oauth_error(response)}")
            location = urljoin(str(response.url), response.headers["location"])
            if location.startswith(REDIRECT_URI):
                query = parse_qs(urlsplit(location).query)
                if "error" in query:
                    raise IdpFlowError(f"authorization refused: {query['error'][0]}")
                assert query["state"] == [state]
                assert query["iss"] == [self.issuer]  # RFC 9207
                return query["code"][0]
            if not urlsplit(location).path.startswith("/interaction/"):
                response = await client.get(location)
                continue
            prompt = (await client.get(location)).json()["prompt"]
            if prompt == "login":
                form = {"login": user, "password": password or f"{user}-password"}
                response = await client.post(f"{location}/login", data=form)
            elif prompt == "consent":
                form = {} if granted is None else {"scope": " ".join(granted)}
                response = await client.post(f"{location}/consent", data=form)
            else:
                raise IdpFlowError(f"unexpected prompt {prompt!r}")
            if response.status_code == 401:
                raise IdpFlowError(f"{prompt} refused: {_oauth_error(response)}")
        raise IdpFlowError("authorization did not finish within 10 redirects")

    async def client_credentials_token(self, scopes: Iterable[str], resource: str) -> str:
        """An access token of the service account (client_credentials, RFC 6749 section 4.4).

        Raises:
            IdpFlowError: the provider refused (an unknown resource, a scope not allowed…).
        """
        async with httpx.AsyncClient(timeout=10.0) as client:
            response = await client.post(
                f"{self.issuer}/token",
                auth=(self.service_client_id, self.service_client_secret),
                data={
                    "grant_type": "client_credentials",
                    "scope": " ".join(scopes),
                    "resource": resource,
                },
            )
        if response.status_code != 200:
            raise IdpFlowError(f"client_credentials refused: {_oauth_error(response)}")
        access_token = response.json()["access_token"]
        assert isinstance(access_token, str)
        return access_token


def _read_first_line(process: subprocess.Popen[str], timeout_s: float) -> str | None:
    """The first stdout line of ``process`` within ``timeout_s``, or ``None``."""
    lines: list[str] = []
    assert process.stdout is not None
    stdout = process.stdout
    reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout_s)
    return lines[0] if lines and lines[0] else None


def _wait_for_discovery(issuer: str, deadline: float) -> None:
    """Poll the discovery document until it names ``issuer`` (or fail at ``deadline``)."""
    url = f"{issuer}/.well-known/openid-configuration"
    while True:
        try:
            document = httpx.get(url, timeout=2.0).json()
            if document.get("issuer") == issuer:
                return
        except (httpx.HTTPError, ValueError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the OIDC provider did not publish {url} within {START_TIMEOUT_S} s")
        time.sleep(0.1)


def _stop(process: subprocess.Popen[str]) -> None:
    """End the provider: its stdin closes (it exits on that), then SIGTERM, then SIGKILL."""
    if process.stdin is not None:
        process.stdin.close()
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


@contextmanager
def start_provider(
    log_dir: Path, token_format: Literal["jwt", "opaque"] = "jwt"
) -> Iterator[IdentityProvider]:
    """Run ``tests/idp/provider.mjs`` on a free loopback port until the block exits.

    Args:
        log_dir: where its stderr goes (``stderr.log``, shown when it fails to start).
        token_format: ``jwt`` (RFC 9068) or ``opaque`` (for introspection) access tokens.

    Yields:
        The provider once its discovery document answers (about 1.5 s here: Node.js start
        and a 2048-bit RSA key).
    """
    command = [*node_command(), str(PROVIDER_SCRIPT), "--port", "0", "--host", "127.0.0.1"]
    # The TypeScript MCP SDK registers with the first challenge's scope only; without this its
    # step-up to the reveal scope is refused (see provider.mjs).
    command += ["--token-format", token_format, "--registered-scope", "ignore"]
    service_secret = secrets.token_urlsafe(32)
    introspection_secret = secrets.token_urlsafe(32)
    stderr_path = log_dir / "stderr.log"
    started = time.monotonic()
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={
                **os.environ,
                "IDP_SERVICE_CLIENT_ID": SERVICE_CLIENT_ID,
                "IDP_SERVICE_CLIENT_SECRET": service_secret,
                "IDP_INTROSPECTION_CLIENT_ID": INTROSPECTION_CLIENT_ID,
                "IDP_INTROSPECTION_CLIENT_SECRET": introspection_secret,
            },
        )
    try:
        line = _read_first_line(process, START_TIMEOUT_S)
        if line is None:
            pytest.fail(
                "the OIDC provider did not start (run `npm ci` at the repository root?):\n"
                + stderr_path.read_text()[-2000:]
            )
        announced = json.loads(line)
        _wait_for_discovery(announced["issuer"], started + START_TIMEOUT_S)
        yield IdentityProvider(
            issuer=announced["issuer"],
            jwks_uri=announced["jwks_uri"],
            introspection_endpoint=announced["introspection_endpoint"],
            token_format=token_format,
            service_client_id=SERVICE_CLIENT_ID,
            service_client_secret=service_secret,
            introspection_client_id=INTROSPECTION_CLIENT_ID,
            introspection_client_secret=introspection_secret,
        )
    finally:
        _stop(process)
