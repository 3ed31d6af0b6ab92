"""Secret reveal: a password value, OTP seed or Password-kind trait, live from IT Glue, once.

The store never holds a secret (the sync drops them), so revealing one is a live call to IT
Glue with the server's own API key (``itglue.api_key``; the caller's token is never passed on).
:class:`SecretRevealer` checks, in this order, and records an audit event for every outcome:

1. the caller's token carries the reveal scope (``auth.scopes.reveal``, default
   ``itglue.secrets.reveal``);
2. the policy lets the caller reveal in the record's organization
   (:meth:`~itglue_mcp.security.rbac.Permissions.may_reveal`);
3. the caller is within ``audit.reveal_rate_limit``
   (:class:`~itglue_mcp.security.rate_limit.RevealRateLimiter`: a moving window per subject,
   in Redis when ``redis_url`` is set so every replica counts together, in memory otherwise);
4. the record IT Glue returns still belongs to that organization.

A refusal raises :class:`~itglue_mcp.security.errors.AccessDenied` or
:class:`~itglue_mcp.security.errors.RevealRateLimited` after a ``deny`` event; a reveal records
an ``allow`` event before the value is handed back, and if that record cannot be written the
value is dropped. Values travel as :class:`pydantic.SecretStr` (masked in ``repr``, logs and
tracebacks) and are never cached, stored, logged or put on a span; the caller unwraps them at
the last moment.

Example::

    async with open_revealer(settings, AuditTrail(sessions)) as revealer:   # None: no API key
        ...
    revealer = SecretRevealer(client, AuditTrail(sessions), RevealRateLimiter.from_settings(s),
                              reveal_scope=s.auth.scopes.reveal)
    secret = await revealer.reveal_password(permissions, password_id=42, organization_id=7,
                                            tool="get_password")
    secret.password.get_secret_value()
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from pydantic import SecretStr

from itglue_mcp.config import Settings
from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.itglue.models import FlexibleAsset, FlexibleAssetType, Password
from itglue_mcp.security.audit import AuditTrail, current_request_info
from itglue_mcp.security.errors import AccessDenied, RevealRateLimited
from itglue_mcp.security.rate_limit import RevealRateLimiter
from itglue_mcp.security.rbac.permissions import Permissions
from itglue_mcp.store.audit import AuditDecision

__all__ = [
    "RevealedPassword",
    "RevealedTrait",
    "SecretRevealer",
    "open_revealer",
]

# The OTP seed of a password entry: the attribute the simulator hides with the password value
# (itglue.simulator.redaction.PASSWORD_SECRET_ATTRIBUTES) and the store drops.
_OTP_ATTRIBUTE = "otp-secret"


@dataclass(frozen=True, slots=True)
class RevealedPassword:
    """A password entry's secrets as IT Glue returned them just now.

    Attributes:
        password_id, organization_id: the entry.
        name, username: the entry's name and login name (not secret).
        password: the value; ``None`` when the entry holds none.
        otp_secret: the one-time-password seed, when IT Glue returned one.
    """

    password_id: int
    organization_id: int
    name: str | None
    username: str | None
    password: SecretStr | None = field(repr=False)
    otp_secret: SecretStr | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class RevealedTrait:
    """One Password-kind trait of a flexible asset, as IT Glue returned it just now.

    Attributes:
        asset_id, organization_id: the flexible asset.
        name: the asset's name; ``trait``: the field's ``name-key``.
        value: the secret; ``None`` when the trait is empty.
    """

    asset_id: int
    organization_id: int
    name: str
    trait: str
    value: SecretStr | None = field(repr=False)


class SecretRevealer:
    """Checks, rate-limits, audits and performs reveals.

    Args:
        client: the IT Glue client holding the server's API key (needs Password Access).
        audit: where every decision is recorded.
        limiter: the per-subject reveal rate limit.
        reveal_scope: the OAuth scope a token must carry (``auth.scopes.reveal``).
    """

    def __init__(
        self,
        client: ItglueClient,
        audit: AuditTrail,
        limiter: RevealRateLimiter,
        *,
        reveal_scope: str,
    ) -> None:
        self._client = client
        self._audit = audit
        self._limiter = limiter
        self._scope = reveal_scope

    async def _deny(
        self,
        permissions: Permissions,
        tool: str,
        record: tuple[str, int, int],
        reason: str,
        error: AccessDenied | RevealRateLimited,
    ) -> AccessDenied | RevealRateLimited:
        record_type, record_id, organization_id = record
        await self._audit.record(
            permissions.caller,
            tool=tool,
            decision=AuditDecision.DENY,
            organization_id=organization_id,
            record_type=record_type,
            record_id=record_id,
            reason=reason,
            request=current_request_info(),
        )
        return error

    async def _check(
        self, permissions: Permissions, tool: str, record: tuple[str, int, int]
    ) -> None:
        """Scope, permission, rate limit — the first that fails is audited and raised."""
        organization_id = record[2]
        if self._scope not in permissions.caller.scopes:
            raise await self._deny(
                permissions,
                tool,
                record,
                f"missing scope {self._scope}",
                AccessDenied(f"{tool}: revealing a secret needs the OAuth scope {self._scope}"),
            )
        if not permissions.may_reveal(organization_id):
            raise await self._deny(
                permissions,
                tool,
                record,
                f"no reveal permission in organization {organization_id}",
                AccessDenied(
                    f"{tool}: your roles do not allow revealing secrets of organization "
                    f"{organization_id}"
                ),
            )
        try:
            await self._limiter.acquire(permissions.caller.subject)
        except (RevealRateLimited, AccessDenied) as refused:
            raise await self._deny(
                permissions, tool, record, f"rate limit: {self._limiter.limit}", refused
            ) from None

    async def _allow(
        self, permissions: Permissions, tool: str, record: tuple[str, int, int], what: str
    ) -> None:
        record_type, record_id, organization_id = record
        await self._audit.record(
            permissions.caller,
            tool=tool,
            decision=AuditDecision.ALLOW,
            organization_id=organization_id,
            record_type=record_type,
            record_id=record_id,
            reason=f"revealed {what}",
            request=current_request_info(),
        )

    async def _moved(
        self, permissions: Permissions, tool: str, record: tuple[str, int, int], live: int | None
    ) -> AccessDenied | RevealRateLimited:
        return await self._deny(
            permissions,
            tool,
            record,
            f"record now in organization {live}",
            AccessDenied(
                f"{tool}: the record no longer belongs to organization {record[2]} in IT Glue; "
                "sync and try again"
            ),
        )

    async def reveal_password(
        self, permissions: Permissions, *, password_id: int, organization_id: int, tool: str
    ) -> RevealedPassword:
        """Reveal a password entry's value (and OTP seed, when IT Glue returns one).

        ``GET /passwords/{id}?show_password=true`` (IT Glue API facts: the show route has
        ``show_password``; list answers never carry the value).

        Args:
            permissions: the caller's permissions (the caller is ``permissions.caller``).
            password_id: the entry's IT Glue id.
            organization_id: its organization as the store knows it (checked against IT Glue).
            tool: the MCP tool revealing, for the audit event and messages.

        Returns:
            The secrets, masked until unwrapped.

        Raises:
            AccessDenied: scope or permission missing, or the entry moved organization.
            RevealRateLimited: over ``audit.reveal_rate_limit``.
            ItglueError: IT Glue refused or failed (AuthenticationFailed when the server's key
                lacks Password Access).
            StoreError: the audit event could not be written (nothing is revealed).
        """
        record = ("passwords", password_id, organization_id)
        await self._check(permissions, tool, record)
        entry = await self._client.get(
            f"/passwords/{password_id}", Password, params={"show_password": "true"}
        )
        if entry.organization_id != organization_id:
            raise await self._moved(permissions, tool, record, entry.organization_id)
        otp = (entry.__pydantic_extra__ or {}).get(_OTP_ATTRIBUTE)
        otp_secret = SecretStr(otp) if isinstance(otp, str) and otp else None
        await self._allow(
            permissions, tool, record, "password and OTP seed" if otp_secret else "password"
        )
        return RevealedPassword(
            password_id=password_id,
            organization_id=organization_id,
            name=entry.name,
            username=entry.username,
            password=entry.password,
            otp_secret=otp_secret,
        )

    async def reveal_trait(
        self,
        permissions: Permissions,
        *,
        asset_id: int,
        organization_id: int,
        trait: str,
        tool: str,
    ) -> RevealedTrait:
        """Reveal one Password-kind trait of a flexible asset.

        The asset comes from ``GET /flexible_assets/{id}?show_password=true``; whether
        ``trait`` is a secret is read from its type's schema
        (``GET /flexible_asset_types/{type}?include=flexible_asset_fields``, a field of kind
        ``Password``; IT Glue API facts: flexible asset traits). Other traits are not secrets
        and are refused here: they are read like any other attribute.

        Args:
            permissions: the caller's permissions.
            asset_id: the flexible asset's IT Glue id.
            organization_id: its organization as the store knows it.
            trait: the field's ``name-key`` (e.g. ``dsrm-password``).
            tool: the MCP tool revealing.

        Raises:
            ValueError: ``trait`` is not a Password-kind field of the asset's type.
            AccessDenied, RevealRateLimited, ItglueError, StoreError: as
                :meth:`reveal_password`.
        """
        record = ("flexible-assets", asset_id, organization_id)
        await self._check(permissions, tool, record)
        asset = await self._client.get(
            f"/flexible_assets/{asset_id}", FlexibleAsset, params={"show_password": "true"}
        )
        if asset.organization_id != organization_id:
            raise await self._moved(permissions, tool, record, asset.organization_id)
        asset_type = await self._client.get(
            f"/flexible_asset_types/{asset.flexible_asset_type_id}",
            FlexibleAssetType,
            params={"include": "flexible_asset_fields"},
        )
        secret_keys = asset_type.secret_name_keys()
        if trait not in secret_keys:
            known = ", ".join(sorted(secret_keys)) or "none"
            raise ValueError(
                f"trait: {trait!r} is not a Password field of {asset_type.name}; "
                f"its Password fields: {known}"
            )
        value = asset.traits.get(trait)
        await self._allow(permissions, tool, record, f"trait {trait}")
        return RevealedTrait(
            asset_id=asset_id,
            organization_id=organization_id,
            name=asset.name,
            trait=trait,
            value=SecretStr(str(value)) if value not in (None, "") else None,
        )


@asynccontextmanager
async def open_revealer(
    settings: Settings, audit: AuditTrail
) -> AsyncIterator[SecretRevealer | None]:
    """A revealer on the server's own IT Glue client, closed on exit; the client does not
    wait for an open circuit breaker (``itglue.breaker_wait_s`` is 0 for it).

    Args:
        settings: ``itglue`` (the API key and endpoint), ``auth.scopes.reveal``,
            ``audit.reveal_rate_limit`` and ``redis_url``.
        audit: where reveal decisions are recorded.

    Yields:
        The revealer, or ``None`` when ``itglue.api_key`` is unset (reveal is then refused).
    """
    if settings.itglue.api_key is None or not settings.itglue.api_key.get_secret_value():
        yield None
        return
    limiter = RevealRateLimiter.from_settings(settings)
    # A person is waiting for the answer: while IT Glue is down, say so at once rather than
    # waiting for the circuit breaker's trial as a sync does.
    interactive = settings.itglue.model_copy(update={"breaker_wait_s": 0.0})
    try:
        async with ItglueClient(interactive) as client:
            yield SecretRevealer(client, audit, limiter, reveal_scope=settings.auth.scopes.reveal)
    finally:
        await limiter.aclose()
