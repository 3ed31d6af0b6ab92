"""``audit`` settings: retention and the reveal rate limit, read from the environment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from itglue_mcp.config import Settings
from itglue_mcp.config.audit import DEFAULT_RETENTION_DAYS, AuditSettings


def test_defaults_keep_a_year_and_a_month_and_allow_five_reveals_a_minute() -> None:
    settings = AuditSettings()
    assert settings.retention_days == DEFAULT_RETENTION_DAYS == 400
    limit = settings.reveal_limit()
    assert (limit.amount, limit.multiples, limit.GRANULARITY.name) == (5, 1, "minute")


def test_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITGLUE_MCP_AUDIT__RETENTION_DAYS", "30")
    monkeypatch.setenv("ITGLUE_MCP_AUDIT__REVEAL_RATE_LIMIT", "20 per 1 hour")
    audit = Settings().audit
    assert audit.retention_days == 30
    assert str(audit.reveal_limit()) == "20 per 1 hour"


@pytest.mark.parametrize("keep", ["forever", "none", "null", ""])
def test_retention_can_be_switched_off(monkeypatch: pytest.MonkeyPatch, keep: str) -> None:
    assert AuditSettings(retention_days=None).retention_days is None
    monkeypatch.setenv("ITGLUE_MCP_AUDIT__RETENTION_DAYS", keep)
    assert Settings().audit.retention_days is None


@pytest.mark.parametrize("rate", ["abc", "5", "0/minute", "5/fortnight", ""])
def test_a_bad_rate_names_the_setting(rate: str) -> None:
    with pytest.raises(ValidationError, match=r"audit\.reveal_rate_limit: .* such as '5/minute'"):
        AuditSettings(reveal_rate_limit=rate)


@pytest.mark.parametrize("days", [0, -1])
def test_retention_must_be_positive(days: int) -> None:
    with pytest.raises(ValidationError, match="retention_days"):
        AuditSettings(retention_days=days)
