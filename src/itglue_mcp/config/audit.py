"""Settings of the audit log and of secret reveal.

Nested into :class:`itglue_mcp.config.Settings` as ``audit`` (``ITGLUE_MCP_AUDIT__…``):
how long audit events are kept (``itglue-mcp audit purge`` deletes older ones) and how many
secrets one user may reveal in a moving window.

Example::

    settings = AuditSettings(retention_days=365, reveal_rate_limit="10/hour")
    assert settings.reveal_limit().amount == 10
"""

from __future__ import annotations

from typing import Annotated

from limits import RateLimitItem, parse
from pydantic import BaseModel, BeforeValidator, Field, field_validator

__all__ = ["DEFAULT_RETENTION_DAYS", "DEFAULT_REVEAL_RATE_LIMIT", "AuditSettings"]

DEFAULT_RETENTION_DAYS = 400
"""Days audit events are kept by default: a year and a month, so a yearly access review can
still see the whole of the year it covers."""

DEFAULT_REVEAL_RATE_LIMIT = "5/minute"
"""Reveals one user may make by default (``limits`` notation)."""


def _none_if_keep(value: object) -> object:
    # An environment variable cannot hold null: "", "none", "null" and "forever" stand for it.
    if isinstance(value, str) and value.strip().lower() in ("", "none", "null", "forever"):
        return None
    return value


class AuditSettings(BaseModel):
    """Audit-log retention and the per-user limit on secret reveals."""

    retention_days: Annotated[
        Annotated[int, Field(ge=1)] | None,
        BeforeValidator(_none_if_keep),
        Field(
            description=(
                "Days an audit event is kept; `itglue-mcp audit purge` deletes older ones "
                "(the only deletion of audit events). null (or 'forever' in the environment): "
                "keep every event."
            ),
        ),
    ] = DEFAULT_RETENTION_DAYS
    reveal_rate_limit: Annotated[
        str,
        Field(
            description=(
                "Most secret reveals per user, in the `limits` notation '<count>/<period>' "
                "or '<count> per <n> <period>' (e.g. '5/minute', '20 per 1 hour'), counted "
                "over a moving window, shared by all replicas when redis_url is set."
            ),
        ),
    ] = DEFAULT_REVEAL_RATE_LIMIT

    @field_validator("reveal_rate_limit")
    @classmethod
    def _parseable(cls, value: str) -> str:
        try:
            item = parse(value)
        except ValueError:
            item = None
        if item is None or item.amount < 1:
            raise ValueError(
                f"audit.reveal_rate_limit: {value!r} is not a rate such as '5/minute' or "
                "'20 per 1 hour'"
            )
        return value

    def reveal_limit(self) -> RateLimitItem:
        """The reveal rate limit parsed (already validated, so this does not raise)."""
        return parse(self.reveal_rate_limit)
