"""Secret reveal against the simulator over HTTP: checks, audit events, rate limit, no leaks.

The audit trail writes to a fresh store of each dialect; the rate limit runs in process memory
and in the real Redis of ``ITGLUE_MCP_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``).
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import structlog
from limits import parse
from limits.aio.storage import MemoryStorage
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import Settings
from itglue_mcp.config.audit import AuditSettings
from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.itglue.errors import AuthenticationFailed
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from itglue_mcp.security.audit import AuditTrail
from itglue_mcp.security.errors import AccessDenied, RevealRateLimited
from itglue_mcp.security.identity import Caller
from itglue_mcp.security.rate_limit import RevealRateLimiter
from itglue_mcp.security.rbac import Permissions
from itglue_mcp.security.reveal import SecretRevealer, open_revealer
from itglue_mcp.store.audit import AuditDecision, AuditEvent, list_audit_events
from itglue_mcp.store.models import metadata
from tests.tenant import API_KEY, Simulated, Switchable

Sessions = async_sessionmaker[AsyncSession]

REVEAL_SCOPE = "itglue.secrets.reveal"
TOOL = "get_password"
REDIS_URL = os.environ.get("ITGLUE_MCP_TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"


def caller(subject: str | None = None, *, scopes: frozenset[str] | None = None) -> Caller:
    """A technician-like caller with a unique subject (rate limits are per subject)."""
    return Caller(
        subject=subject or f"alice-{uuid.uuid4().hex[:8]}@msp.example",
        client_id="claude",
        groups=frozenset({"msp-technicians"}),
        roles=frozenset({"technician"}),
        tenant=None,
        scopes=frozenset({"itglue.read", REVEAL_SCOPE}) if scopes is None else scopes,
    )


def allowed(who: Caller, revealable: frozenset[int] | None = None) -> Permissions:
    return Permissions(caller=who, readable=None, revealable=revealable, tools=frozenset({TOOL}))


def a_password(dataset: Dataset) -> dict[str, Any]:
    """A password record of the simulator holding a value."""
    return next(p for p in dataset.ordered("passwords") if p["attributes"].get("password"))


def organization_of(record: dict[str, Any]) -> int:
    return int(record["attributes"]["organization-id"])


async def events(sessions: Sessions) -> list[AuditEvent]:
    async with sessions() as session:
        return await list_audit_events(session)


async def everything_stored(sessions: Sessions) -> str:
    """Every value of every table of the store, as text (to look for a secret in)."""
    parts = []
    async with sessions() as session:
        for table in metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            parts.extend(repr(tuple(row)) for row in rows)
    return "\n".join(parts)


@pytest_asyncio.fixture
async def itglue(simulator: Simulated) -> AsyncIterator[ItglueClient]:
    async with ItglueClient(simulator.settings()) as client:
        yield client


def make_revealer(
    client: ItglueClient, sessions: Sessions, limiter: RevealRateLimiter | None = None
) -> SecretRevealer:
    limiter = limiter or RevealRateLimiter(parse("10/minute"), MemoryStorage())
    return SecretRevealer(client, AuditTrail(sessions), limiter, reveal_scope=REVEAL_SCOPE)


@pytest_asyncio.fixture
async def redis_limiters() -> AsyncIterator[list[RevealRateLimiter]]:
    """Limiters a test opens on Redis (append them), closed after the test."""
    opened: list[RevealRateLimiter] = []
    yield opened
    for limiter in opened:
        await limiter.aclose()


async def test_reveal_returns_the_live_value_once_and_records_an_allow_event(
    simulator: Simulated,
    itglue: ItglueClient,
    session_factory: Sessions,
    caplog: pytest.LogCaptureFixture,
) -> None:
    record = a_password(simulator.dataset)
    value = record["attributes"]["password"]
    organization = organization_of(record)
    who = caller()
    revealer = make_revealer(itglue, session_factory)

    caplog.set_level(logging.DEBUG)
    with structlog.testing.capture_logs() as logged:
        revealed = await revealer.reveal_password(
            allowed(who, frozenset({organization})),
            password_id=int(record["id"]),
            organization_id=organization,
            tool=TOOL,
        )

    assert revealed.password is not None and revealed.password.get_secret_value() == value
    assert revealed.name == record["attributes"]["name"]
    assert revealed.otp_secret is None
    [event] = await events(session_factory)
    assert event.decision is AuditDecision.ALLOW
    assert (event.subject, event.client_id, event.tool) == (who.subject, "claude", TOOL)
    assert (event.organization_id, event.record_type, event.record_id) == (
        organization,
        "passwords",
        int(record["id"]),
    )
    assert event.reason == "revealed password"
    # Outside an HTTP request there is nothing to correlate with.
    assert (event.request_id, event.trace_id, event.source_ip) == (None, None, None)
    assert any(entry["event"] == "audit.event" for entry in logged), "logging was captured"
    assert value not in repr(revealed) and value not in str(revealed)
    assert value not in repr(logged) and value not in caplog.text
    assert value not in repr(event)
    assert value not in await everything_stored(session_factory)


async def test_without_the_scope_nothing_is_fetched_and_the_denial_is_audited(
    simulator: Simulated, itglue: ItglueClient, session_factory: Sessions
) -> None:
    record = a_password(simulator.dataset)
    organization = organization_of(record)
    who = caller(scopes=frozenset({"itglue.read"}))
    revealer = make_revealer(itglue, session_factory)
    before = simulator.app.requests

    with pytest.raises(AccessDenied, match=r"get_password: .*scope itglue\.secrets\.reveal"):
        await revealer.reveal_password(
            allowed(who, None),
            password_id=int(record["id"]),
            organization_id=organization,
            tool=TOOL,
        )

    assert simulator.app.requests == before, "IT Glue was not asked"
    [event] = await events(session_factory)
    assert event.decision is AuditDecision.DENY
    assert event.reason == "missing scope itglue.secrets.reveal"
    assert (event.subject, event.organization_id, event.record_id) == (
        who.subject,
        organization,
        int(record["id"]),
    )


async def test_without_the_permission_in_that_organization_the_denial_is_audited(
    simulator: Simulated, itglue: ItglueClient, session_factory: Sessions
) -> None:
    record = a_password(simulator.dataset)
    organization = organization_of(record)
    value = record["attributes"]["password"]
    revealer = make_revealer(itglue, session_factory)
    before = simulator.app.requests

    with pytest.raises(AccessDenied, match=f"organization {organization}") as refused:
        await revealer.reveal_password(
            allowed(caller(), frozenset({organization + 1})),
            password_id=int(record["id"]),
            organization_id=organization,
            tool=TOOL,
        )

    assert simulator.app.requests == before
    assert value not in str(refused.value)
    [event] = await events(session_factory)
    assert event.decision is AuditDecision.DENY
    assert event.reason == f"no reveal permission in organization {organization}"


async def test_a_record_that_moved_organization_is_not_revealed(
    simulator: Simulated, itglue: ItglueClient, session_factory: Sessions
) -> None:
    record = a_password(simulator.dataset)
    organization = organization_of(record)
    moved = {**record["attributes"], "organization-id": organization + 1000}
    simulator.dataset.put("passwords", {**record, "attributes": moved}, touch=False)
    revealer = make_revealer(itglue, session_factory)

    with pytest.raises(AccessDenied, match="no longer belongs to organization") as refused:
        await revealer.reveal_password(
            allowed(caller(), frozenset({organization})),
            password_id=int(record["id"]),
            organization_id=organization,
            tool=TOOL,
        )

    assert record["attributes"]["password"] not in str(refused.value)
    [event] = await events(session_factory)
    assert event.decision is AuditDecision.DENY
    assert event.reason == f"record now in organization {organization + 1000}"


async def test_an_otp_seed_is_revealed_with_the_password(
    simulator: Simulated, itglue: ItglueClient, session_factory: Sessions
) -> None:
    record = a_password(simulator.dataset)
    seed = "JBSWY3DPEHPK3PXP" + uuid.uuid4().hex[:8].upper()
    with_otp = {**record["attributes"], "otp-enabled": True, "otp-secret": seed}
    simulator.dataset.put("passwords", {**record, "attributes": with_otp}, touch=False)
    revealer = make_revealer(itglue, session_factory)

    revealed = await revealer.reveal_password(
        allowed(caller()),
        password_id=int(record["id"]),
        organization_id=organization_of(record),
        tool=TOOL,
    )

    assert revealed.otp_secret is not None and revealed.otp_secret.get_secret_value() == seed
    assert seed not in repr(revealed)
    [event] = await events(session_factory)
    assert event.reason == "revealed password and OTP seed"
    assert seed not in await everything_stored(session_factory)


def a_secret_trait(dataset: Dataset) -> tuple[dict[str, Any], str, str]:
    """A flexible asset, the name-key of one of its Password-kind traits, and its value."""
    for asset in dataset.ordered("flexible-assets"):
        asset_type = dataset.get(
            "flexible-asset-types", str(asset["attributes"]["flexible-asset-type-id"])
        )
        assert asset_type is not None
        for field in dataset.related(asset_type, "flexible-asset-fields"):
            key = field["attributes"]["name-key"]
            value = asset["attributes"]["traits"].get(key)
            if field["attributes"]["kind"] == "Password" and isinstance(value, str) and value:
                return asset, key, value
    raise AssertionError("the dataset has a flexible asset with a Password trait")


async def test_a_password_trait_of_a_flexible_asset_follows_the_same_rule(
    simulator: Simulated, itglue: ItglueClient, session_factory: Sessions
) -> None:
    asset, key, value = a_secret_trait(simulator.dataset)
    organization = organization_of(asset)
    revealer = make_revealer(itglue, session_factory)
    who = caller()

    revealed = await revealer.reveal_trait(
        allowed(who, frozenset({organization})),
        asset_id=int(asset["id"]),
        organization_id=organization,
        trait=key,
        tool="reveal_flexible_asset_secret",
    )
    with pytest.raises(ValueError, match=rf"'name' is not a Password field .*{key}"):
        await revealer.reveal_trait(
            allowed(who),
            asset_id=int(asset["id"]),
            organization_id=organization,
            trait="name",
            tool="reveal_flexible_asset_secret",
        )
    with pytest.raises(AccessDenied):
        await revealer.reveal_trait(
            allowed(caller(scopes=frozenset())),
            asset_id=int(asset["id"]),
            organization_id=organization,
            trait=key,
            tool="reveal_flexible_asset_secret",
        )

    assert revealed.value is not None and revealed.value.get_secret_value() == value
    assert value not in repr(revealed)
    allow, deny = [e for e in await events(session_factory) if e.record_type == "flexible-assets"]
    assert (allow.decision, allow.reason, allow.record_id) == (
        AuditDecision.ALLOW,
        f"revealed trait {key}",
        int(asset["id"]),
    )
    assert deny.decision is AuditDecision.DENY
    assert value not in await everything_stored(session_factory)


@pytest.mark.parametrize("storage", ["memory", "redis"])
async def test_reveals_are_rate_limited_per_user(
    simulator: Simulated,
    itglue: ItglueClient,
    session_factory: Sessions,
    redis_limiters: list[RevealRateLimiter],
    storage: str,
) -> None:
    record = a_password(simulator.dataset)
    organization = organization_of(record)
    rate = parse("2/minute")
    if storage == "redis":
        # Two replicas, each with its own connection: they count together in Redis.
        redis_limiters += [RevealRateLimiter.on_redis(rate, REDIS_URL) for _ in range(2)]
        limiters = redis_limiters
    else:
        shared = MemoryStorage()
        limiters = [RevealRateLimiter(rate, shared), RevealRateLimiter(rate, shared)]
    first, second = (make_revealer(itglue, session_factory, limiter) for limiter in limiters)
    who, other = caller(), caller()
    arguments = {"password_id": int(record["id"]), "organization_id": organization, "tool": TOOL}

    await first.reveal_password(allowed(who), **arguments)
    await second.reveal_password(allowed(who), **arguments)
    with pytest.raises(RevealRateLimited, match=r"at most 2 per 1 minute") as limited:
        await first.reveal_password(allowed(who), **arguments)
    await second.reveal_password(allowed(other), **arguments)

    assert 0 < limited.value.retry_after_s <= 60
    decisions = [(e.subject, e.decision, e.reason) for e in await events(session_factory)]
    assert decisions == [
        (who.subject, AuditDecision.ALLOW, "revealed password"),
        (who.subject, AuditDecision.ALLOW, "revealed password"),
        (who.subject, AuditDecision.DENY, "rate limit: 2 per 1 minute"),
        (other.subject, AuditDecision.ALLOW, "revealed password"),
    ]


async def test_an_unreachable_rate_limit_store_refuses_the_reveal(
    simulator: Simulated,
    itglue: ItglueClient,
    session_factory: Sessions,
    redis_limiters: list[RevealRateLimiter],
) -> None:
    record = a_password(simulator.dataset)
    redis_limiters.append(RevealRateLimiter.on_redis(parse("5/minute"), "redis://127.0.0.1:1/0"))
    revealer = make_revealer(itglue, session_factory, redis_limiters[0])

    with pytest.raises(AccessDenied, match="rate limit cannot be checked"):
        await revealer.reveal_password(
            allowed(caller()),
            password_id=int(record["id"]),
            organization_id=organization_of(record),
            tool=TOOL,
        )

    [event] = await events(session_factory)
    assert event.decision is AuditDecision.DENY


async def test_a_key_without_password_access_is_named_in_the_error(
    dataset_dir: Path, session_factory: Sessions
) -> None:
    dataset = Dataset.load(dataset_dir)
    record = a_password(dataset)
    app = create_app(dataset, SimulatorConfig(api_keys={API_KEY: False}))
    with serve_in_thread(app) as url:
        async with ItglueClient(Simulated(dataset, url, Switchable(app)).settings()) as client:
            revealer = make_revealer(client, session_factory)
            with pytest.raises(AuthenticationFailed, match="Password Access") as refused:
                await revealer.reveal_password(
                    allowed(caller()),
                    password_id=int(record["id"]),
                    organization_id=organization_of(record),
                    tool=TOOL,
                )
    assert record["attributes"]["password"] not in str(refused.value)


async def test_the_revealer_is_built_from_the_settings(
    simulator: Simulated, session_factory: Sessions
) -> None:
    record = a_password(simulator.dataset)
    trail = AuditTrail(session_factory)
    settings = Settings(
        itglue=simulator.settings(),
        redis_url=SecretStr(REDIS_URL),
        audit=AuditSettings(reveal_rate_limit="1/minute"),
    )
    keyless = Settings(itglue=simulator.settings(api_key=None))
    arguments = {
        "password_id": int(record["id"]),
        "organization_id": organization_of(record),
        "tool": TOOL,
    }
    who = caller()

    async with open_revealer(keyless, trail) as missing:
        assert missing is None
    async with open_revealer(settings, trail) as revealer:
        assert revealer is not None
        revealed = await revealer.reveal_password(allowed(who), **arguments)
        with pytest.raises(RevealRateLimited):
            await revealer.reveal_password(allowed(who), **arguments)
    # Counted in Redis: another process with the same settings sees the same window.
    async with open_revealer(settings, trail) as replica:
        assert replica is not None
        with pytest.raises(RevealRateLimited):
            await replica.reveal_password(allowed(who), **arguments)

    assert revealed.password is not None
    assert revealed.password.get_secret_value() == record["attributes"]["password"]
