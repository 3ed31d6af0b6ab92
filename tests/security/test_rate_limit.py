"""The request limiter's rules: the limit of a set of roles, the roles of a caller, counting
in memory with a ``Retry-After`` wait.

The Redis and HTTP paths are tested in ``tests/server/test_request_limit.py``.
"""

from __future__ import annotations

import pytest
from limits.aio.storage import MemoryStorage
from pydantic import ValidationError

from itglue_mcp.config import Settings
from itglue_mcp.config.rate_limit import DEFAULT_REQUESTS_PER_MINUTE, RateLimitSettings
from itglue_mcp.config.rbac import RbacSettings
from itglue_mcp.security.identity import Caller
from itglue_mcp.security.rate_limit import RequestRateLimiter, caller_roles, subject_key


def _caller(subject: str, *, roles: tuple[str, ...] = (), groups: tuple[str, ...] = ()) -> Caller:
    return Caller(
        subject=subject,
        client_id=None,
        groups=frozenset(groups),
        roles=frozenset(roles),
        tenant=None,
        scopes=frozenset({"itglue.read"}),
    )


def test_the_most_generous_role_applies_and_0_or_no_entry_is_the_default() -> None:
    limits = RateLimitSettings(
        requests_per_minute=100, role_requests_per_minute={"technician": 600, "client": 10}
    )
    assert limits.per_minute([]) == 100
    assert limits.per_minute(["client"]) == 10
    assert limits.per_minute(["client", "technician"]) == 600
    assert limits.per_minute(["client", "auditor"]) == 100  # auditor: no entry = default
    assert limits.governing_role(["client", "technician"]) == "technician"
    assert limits.governing_role(["client", "auditor"]) is None
    zeros = RateLimitSettings(requests_per_minute=0, role_requests_per_minute={"technician": 0})
    assert zeros.per_minute(["technician"]) == DEFAULT_REQUESTS_PER_MINUTE


def test_negative_limits_are_refused() -> None:
    with pytest.raises(ValidationError):
        RateLimitSettings(requests_per_minute=-1)
    with pytest.raises(ValidationError):
        RateLimitSettings(role_requests_per_minute={"technician": -5})


def test_environment_variables_set_the_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITGLUE_MCP_RATE_LIMIT__REQUESTS_PER_MINUTE", "30")
    monkeypatch.setenv("ITGLUE_MCP_RATE_LIMIT__ROLE_REQUESTS_PER_MINUTE", '{"technician": 90}')
    limits = Settings().rate_limit
    assert limits.per_minute(["technician"]) == 90
    assert limits.per_minute(["other"]) == 30


def test_a_callers_roles_come_from_role_claims_and_settings_bindings() -> None:
    rbac = RbacSettings(
        bindings={
            "MSP Technicians": ["technician"],
            "user:svc-1": ["auditor"],
            "role:lead": ["admin"],
        }
    )
    assert caller_roles(_caller("a", roles=("client-readonly@42",)), rbac) == {"client-readonly"}
    assert caller_roles(_caller("b", groups=("MSP Technicians",)), rbac) == {"technician"}
    assert caller_roles(_caller("svc-1"), rbac) == {"auditor"}
    assert caller_roles(_caller("c", roles=("lead",)), rbac) == {"lead", "admin"}
    assert caller_roles(_caller("d", groups=("Other",)), rbac) == frozenset()


async def test_the_limiter_counts_per_subject_and_says_how_long_to_wait() -> None:
    limiter = RequestRateLimiter(MemoryStorage())
    assert [await limiter.hit("alice", 2) for _ in range(2)] == [None, None]
    wait = await limiter.hit("alice", 2)
    assert wait is not None
    assert 0 < wait <= 60
    assert await limiter.hit("bob", 2) is None
    await limiter.aclose()


def test_subjects_are_hashed_before_they_are_stored() -> None:
    key = subject_key("alice@example.com")
    assert "alice" not in key
    assert len(key) == 32
