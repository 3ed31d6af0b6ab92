"""Settings of the per-caller request limit on the MCP endpoint.

Nested into :class:`itglue_mcp.config.Settings` as ``rate_limit``
(``ITGLUE_MCP_RATE_LIMIT__…``): how many MCP requests (HTTP ``POST /mcp``) one authenticated
subject may send per minute, by default and per role. A caller holding several roles gets the
most generous of their limits; a role without an entry (or with 0) has the default. Counted
per subject, shared by the replicas through Redis when ``redis_url`` is set
(:class:`itglue_mcp.security.rate_limit.RequestRateLimiter`).

Example::

    ITGLUE_MCP_RATE_LIMIT__REQUESTS_PER_MINUTE=300
    ITGLUE_MCP_RATE_LIMIT__ROLE_REQUESTS_PER_MINUTE='{"technician": 600, "client-readonly": 60}'

    limits = RateLimitSettings(role_requests_per_minute={"technician": 600})
    assert limits.per_minute({"technician", "auditor"}) == 600
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import BaseModel, Field

__all__ = ["DEFAULT_REQUESTS_PER_MINUTE", "RateLimitSettings"]

DEFAULT_REQUESTS_PER_MINUTE = 300
"""MCP requests one subject may send per minute by default: five a second, far above what an
assistant answering one person sends, low enough to stop a runaway loop or a leaked token."""


class RateLimitSettings(BaseModel):
    """The per-subject limit on MCP requests (HTTP 429 with ``Retry-After`` when over)."""

    enabled: Annotated[
        bool,
        Field(
            description=(
                "Limit MCP requests (POST /mcp) per authenticated subject; over the limit the "
                "server answers HTTP 429 with Retry-After. false: no request limit (secret "
                "reveals keep their own limit, audit.reveal_rate_limit)."
            )
        ),
    ] = True
    requests_per_minute: Annotated[
        int,
        Field(
            ge=0,
            description=(
                "MCP requests one subject may send per minute (sliding window), for a caller "
                f"whose roles have no entry in role_requests_per_minute; 0 = the default "
                f"({DEFAULT_REQUESTS_PER_MINUTE}). Shared by all replicas when redis_url is set."
            ),
        ),
    ] = DEFAULT_REQUESTS_PER_MINUTE
    role_requests_per_minute: Annotated[
        dict[str, Annotated[int, Field(ge=0)]],
        Field(
            description=(
                "Requests per minute by role (JSON object, role name → count), e.g. "
                '{"technician": 600, "client-readonly": 60}; a role is one of the token\'s '
                "role claims (<role>@<organization> counts as <role>) or bound by "
                "rbac.bindings. A caller with several roles gets the largest of their limits; "
                "0 or no entry = requests_per_minute."
            )
        ),
    ] = {}

    @property
    def default_per_minute(self) -> int:
        """``requests_per_minute``, or :data:`DEFAULT_REQUESTS_PER_MINUTE` when it is 0."""
        return self.requests_per_minute or DEFAULT_REQUESTS_PER_MINUTE

    def role_per_minute(self, role: str) -> int:
        """The requests per minute of ``role`` (its entry, else the default)."""
        return self.role_requests_per_minute.get(role) or self.default_per_minute

    def per_minute(self, roles: Iterable[str]) -> int:
        """The requests per minute of a caller holding ``roles``: the most generous one.

        Args:
            roles: role names (no organization suffix); empty = the default.

        Returns:
            The largest :meth:`role_per_minute` of ``roles``, or :attr:`default_per_minute`
            when there are none.
        """
        return max((self.role_per_minute(role) for role in roles), default=self.default_per_minute)

    def governing_role(self, roles: Iterable[str]) -> str | None:
        """The role whose entry sets :meth:`per_minute` for ``roles``, ``None`` for the default.

        A bounded metric label: only names configured in ``role_requests_per_minute``.
        """
        limit = self.per_minute(roles)
        configured = sorted(
            role for role in roles if self.role_requests_per_minute.get(role) == limit
        )
        return configured[0] if configured else None
