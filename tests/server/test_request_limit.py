"""The per-caller request limit over real HTTP: 429 with ``Retry-After``, per subject, per
role, shared by replicas through the real Redis of ``ITGLUE_MCP_TEST_REDIS_URL``, metered.

The servers run with uvicorn on loopback in mode ``oidc`` (tokens of a local issuer, so each
test names its own subjects and roles) over an empty migrated store, with a small limit
(3 requests a minute, 5 for role ``technician``). Subjects are unique per test, so counts
left in Redis by an earlier run never matter. Each request is an MCP ``initialize``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from prometheus_client import REGISTRY
from redis.exceptions import RedisError

from itglue_mcp.config import Settings
from itglue_mcp.config.rate_limit import RateLimitSettings
from itglue_mcp.server.request_limit import RATE_LIMITED
from tests.mcp_http import INITIALIZE, MCP_HEADERS, free_port
from tests.security.jwks import LocalIssuer, oidc_settings, serve_mcp

LIMITS = RateLimitSettings(requests_per_minute=3, role_requests_per_minute={"technician": 5})


@dataclass(frozen=True)
class Replica:
    """One served app: its base URL and the audience its tokens carry."""

    url: str
    audience: str


@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get("ITGLUE_MCP_TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except RedisError as error:
        pytest.fail(f"Redis at {url} does not answer ({error}); set ITGLUE_MCP_TEST_REDIS_URL")
    return url


@pytest.fixture(scope="module")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer.serve() as running:
        yield running


def _serve(
    stack: ExitStack, issuer: LocalIssuer, store: Path, redis_url: str | None, **limits: object
) -> Replica:
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    base = oidc_settings(issuer, public_url=public_url)
    settings = Settings(
        public_url=public_url,
        auth=base.auth,
        redis_url=redis_url,
        rate_limit=LIMITS.model_copy(update=limits),
    )
    url = stack.enter_context(serve_mcp(settings, store, port=port))
    return Replica(url=url, audience=f"{public_url}/mcp")


@pytest.fixture(scope="module")
def replicas(
    issuer: LocalIssuer,
    redis_url: str,
    sqlite_template_file: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Replica, Replica]]:
    """Two app instances counting in the same Redis (two replicas of one deployment)."""
    store = tmp_path_factory.mktemp("request-limit") / "itglue.db"
    shutil.copyfile(sqlite_template_file, store)
    with ExitStack() as stack:
        yield (
            _serve(stack, issuer, store, redis_url),
            _serve(stack, issuer, store, redis_url),
        )


def _post(
    replica: Replica, issuer: LocalIssuer, subject: str, roles: list[str] | None = None
) -> httpx.Response:
    token = issuer.mint(aud=replica.audience, sub=subject, roles=roles or [])
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {token}"}
    return httpx.post(f"{replica.url}/mcp", json=INITIALIZE, headers=headers, timeout=30)


def _subject(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:12]}"


def _refusals(role: str) -> float:
    return (
        REGISTRY.get_sample_value("itglue_mcp_rate_limited_requests_total", {"role": role}) or 0.0
    )


def _assert_limited(response: httpx.Response, per_minute: int) -> None:
    assert response.status_code == 429, response.text
    retry_after = int(response.headers["retry-after"])  # delay-seconds, RFC 9110 §10.2.3
    assert 1 <= retry_after <= 60
    body = response.json()
    assert body["jsonrpc"] == "2.0"
    assert body["id"] is None
    assert body["error"]["code"] == RATE_LIMITED
    assert body["error"]["data"] == {"retry_after_s": retry_after, "limit_per_minute": per_minute}


def test_a_caller_over_its_limit_gets_429_with_retry_after_and_others_are_unaffected(
    replicas: tuple[Replica, Replica], issuer: LocalIssuer
) -> None:
    replica = replicas[0]
    alice, bob = _subject("alice"), _subject("bob")
    for _ in range(3):
        assert _post(replica, issuer, alice).status_code == 200
    _assert_limited(_post(replica, issuer, alice), per_minute=3)
    for _ in range(3):
        assert _post(replica, issuer, bob).status_code == 200
    _assert_limited(_post(replica, issuer, alice), per_minute=3)


def test_two_replicas_sharing_redis_share_the_count(
    replicas: tuple[Replica, Replica], issuer: LocalIssuer
) -> None:
    first, second = replicas
    carol = _subject("carol")
    assert _post(first, issuer, carol).status_code == 200
    assert _post(second, issuer, carol).status_code == 200
    assert _post(first, issuer, carol).status_code == 200
    _assert_limited(_post(second, issuer, carol), per_minute=3)
    _assert_limited(_post(first, issuer, carol), per_minute=3)


def test_a_role_with_a_higher_limit_gets_more_and_the_most_generous_role_applies(
    replicas: tuple[Replica, Replica], issuer: LocalIssuer
) -> None:
    replica = replicas[0]
    dave = _subject("dave")
    roles = ["client-readonly@42", "technician@42"]  # 3 (default) and 5: the larger wins
    for _ in range(5):
        assert _post(replica, issuer, dave, roles).status_code == 200
    _assert_limited(_post(replica, issuer, dave, roles), per_minute=5)


def test_the_metric_counts_refusals_by_the_role_whose_limit_applied(
    replicas: tuple[Replica, Replica], issuer: LocalIssuer
) -> None:
    replica = replicas[1]
    default_before, technician_before = _refusals("default"), _refusals("technician")
    erin, frank = _subject("erin"), _subject("frank")
    for _ in range(3):
        _post(replica, issuer, erin)
    for _ in range(2):
        _assert_limited(_post(replica, issuer, erin), per_minute=3)
    for _ in range(5):
        _post(replica, issuer, frank, ["technician"])
    _assert_limited(_post(replica, issuer, frank, ["technician"]), per_minute=5)
    assert _refusals("default") == default_before + 2
    assert _refusals("technician") == technician_before + 1


def test_requests_pass_when_redis_fails_fail_open(
    issuer: LocalIssuer, sqlite_template_file: Path, tmp_path: Path
) -> None:
    store = tmp_path / "itglue.db"
    shutil.copyfile(sqlite_template_file, store)
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with ExitStack() as stack:
        replica = _serve(stack, issuer, store, closed)
        grace = _subject("grace")
        for _ in range(5):
            assert _post(replica, issuer, grace).status_code == 200


def test_a_disabled_limit_lets_every_request_through(
    issuer: LocalIssuer, sqlite_template_file: Path, tmp_path: Path
) -> None:
    store = tmp_path / "itglue.db"
    shutil.copyfile(sqlite_template_file, store)
    with ExitStack() as stack:
        replica = _serve(stack, issuer, store, None, enabled=False)
        heidi = _subject("heidi")
        for _ in range(5):
            assert _post(replica, issuer, heidi).status_code == 200
