"""Who is calling: the :class:`Caller` built from a verified access token's claims.

Identity providers put the same facts under different claims. ``auth.claims.preset`` picks a
layout; each field can be overridden by name (``auth.claims.roles`` …). A claim name is looked up
as a top-level key first, then as a dotted path. The presets:

- ``generic`` — subject ``sub``; client id ``client_id``, else ``azp``; groups ``groups``; roles
  ``roles``; no tenant. RFC 9068 JWT access tokens and most standards-minded providers.
- ``entra`` (Microsoft Entra ID, v2 access tokens) — subject ``oid`` (the user's object id, the
  same for every application of the tenant; ``sub`` is pairwise per application and only the
  fallback); client id ``azp`` (v2), else ``appid`` (v1); groups ``groups`` (object ids, when
  the app registration emits group claims); roles ``roles`` (app roles assigned to the user or,
  in client-credentials tokens, to the calling application); tenant ``tid``. Scopes are in
  ``scp`` and read by fastmcp.
- ``okta`` (Okta custom authorization server) — subject ``sub``; client id ``cid``; groups
  ``groups`` (a groups claim added to the authorization server); roles ``roles`` if a custom
  claim provides them; no tenant (one Okta org per tenant). Scopes in ``scp`` (a list).
- ``auth0`` — subject ``sub`` (``<client id>@clients`` for client credentials); client id
  ``azp``; groups and roles from namespaced custom claims ``<namespace>groups`` and
  ``<namespace>roles`` (Auth0 drops non-namespaced custom claims; namespace
  ``auth.claims.namespace``, default ``https://itglue-mcp/``, set by an Auth0 Action);
  tenant ``org_id`` (Auth0 Organizations).
- ``keycloak`` — subject ``sub``; client id ``azp``; roles ``realm_access.roles`` (realm roles);
  groups ``groups`` (the "Group Membership" mapper; full paths like ``/msp/technicians`` are
  kept as written); no tenant (a realm is an issuer).
- ``google`` (Google Workspace) — subject ``email`` when ``email_verified`` is true (Google's
  ``sub`` is an opaque number nobody writes policies with), else ``sub``; client id ``azp``;
  no groups or roles in Google tokens (bind people by email or use group bindings of the RBAC
  settings); tenant ``hd`` (the Workspace domain, absent for consumer accounts).

In mode ``static`` the roles are ``auth.static_roles``; in mode ``none`` (and stdio) the caller
is :func:`local_caller`: subject ``local``, roles ``auth.static_roles`` (default ``msp-admin``),
every scope.

Example::

    caller = caller_from_token(get_access_token(), settings.auth)
    if settings.auth.scopes.reveal in caller.scopes: ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mcp.server.auth.provider import AccessToken

from itglue_mcp.config.auth import AuthMode, AuthSettings, ClaimMapping, ClaimsPreset
from itglue_mcp.security.errors import AccessDenied

__all__ = ["LOCAL_SUBJECT", "Caller", "ClaimLayout", "caller_from_token", "claim", "local_caller"]

LOCAL_SUBJECT = "local"
"""The subject of the caller in mode ``none`` and over stdio."""


@dataclass(frozen=True, slots=True)
class Caller:
    """The person or service calling a tool, as the verified token describes it.

    Attributes:
        subject: token ``sub`` (or the preset's subject claim); ``"local"`` in mode none / stdio.
        client_id: the OAuth client the token was issued to, when known.
        groups: group names from the identity provider's group claim.
        roles: role names from the role claim (``auth.static_roles`` in modes none and static).
        tenant: the caller's tenant, e.g. Entra ``tid``, Google ``hd``; ``None`` when absent.
        scopes: the token's OAuth scopes.
    """

    subject: str
    client_id: str | None
    groups: frozenset[str]
    roles: frozenset[str]
    tenant: str | None
    scopes: frozenset[str]


@dataclass(frozen=True, slots=True)
class ClaimLayout:
    """Claim names of one preset; each tuple is tried in order, the first present wins."""

    subject: tuple[str, ...] = ("sub",)
    client_id: tuple[str, ...] = ("client_id", "azp")
    groups: tuple[str, ...] = ("groups",)
    roles: tuple[str, ...] = ("roles",)
    tenant: tuple[str, ...] = ()
    verified_email_subject: bool = False
    """Use ``email`` as the subject only when ``email_verified`` is true (Google)."""


def _layout(mapping: ClaimMapping) -> ClaimLayout:
    """The preset's claim names with the explicit overrides of ``mapping`` applied."""
    namespace = mapping.namespace
    presets = {
        ClaimsPreset.GENERIC: ClaimLayout(),
        ClaimsPreset.ENTRA: ClaimLayout(
            subject=("oid", "sub"), client_id=("azp", "appid"), tenant=("tid",)
        ),
        ClaimsPreset.OKTA: ClaimLayout(client_id=("cid", "client_id")),
        ClaimsPreset.AUTH0: ClaimLayout(
            client_id=("azp", "client_id"),
            groups=(f"{namespace}groups",),
            roles=(f"{namespace}roles",),
            tenant=("org_id",),
        ),
        ClaimsPreset.KEYCLOAK: ClaimLayout(
            client_id=("azp", "client_id"), roles=("realm_access.roles",)
        ),
        ClaimsPreset.GOOGLE: ClaimLayout(
            subject=("email", "sub"),
            client_id=("azp",),
            groups=(),
            roles=(),
            tenant=("hd",),
            verified_email_subject=True,
        ),
    }
    layout = presets[mapping.preset]
    return ClaimLayout(
        subject=(mapping.subject,) if mapping.subject else layout.subject,
        client_id=layout.client_id,
        groups=(mapping.groups,) if mapping.groups else layout.groups,
        roles=(mapping.roles,) if mapping.roles else layout.roles,
        tenant=(mapping.tenant,) if mapping.tenant else layout.tenant,
        verified_email_subject=layout.verified_email_subject and not mapping.subject,
    )


def claim(claims: Mapping[str, Any], name: str) -> Any:
    """The value of claim ``name``: a top-level key, else a dotted path into nested objects.

    Returns:
        The value, or ``None`` when absent.
    """
    if name in claims:
        return claims[name]
    value: Any = claims
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _first_text(claims: Mapping[str, Any], names: Iterable[str]) -> str | None:
    for name in names:
        value = claim(claims, name)
        if isinstance(value, str) and value:
            return value
    return None


def _names(claims: Mapping[str, Any], names: Iterable[str]) -> frozenset[str]:
    """Strings of a list claim, or of a space-separated string claim; other values ignored."""
    found: set[str] = set()
    for name in names:
        value = claim(claims, name)
        if isinstance(value, str):
            found.update(value.split())
        elif isinstance(value, list):
            found.update(item for item in value if isinstance(item, str) and item)
    return frozenset(found)


def local_caller(auth: AuthSettings) -> Caller:
    """The caller of mode ``none`` and of stdio: the person at this machine.

    Returns:
        Subject ``"local"``, no client id, groups or tenant, roles ``auth.static_roles``
        (default ``{"msp-admin"}``) and all three scopes of ``auth.scopes``.
    """
    return Caller(
        subject=LOCAL_SUBJECT,
        client_id=None,
        groups=frozenset(),
        roles=frozenset(auth.static_roles),
        tenant=None,
        scopes=frozenset(auth.scopes.names()),
    )


def caller_from_token(token: AccessToken | None, auth: AuthSettings) -> Caller:
    """The :class:`Caller` a verified access token stands for.

    Args:
        token: the token fastmcp verified (``get_access_token()``); ``None`` in mode none and
            over stdio. Its ``claims`` (present on fastmcp's ``AccessToken``) are mapped with
            ``auth.claims``; its ``scopes`` are taken as verified.
        auth: the authentication settings (mode, claim mapping, static roles).

    Returns:
        :func:`local_caller` for ``None``; in mode ``static`` the static subject with
        ``auth.static_roles``; otherwise the mapped claims (the preset's subject claim, else
        ``sub``).

    Raises:
        AccessDenied: the token names no subject (RFC 9068 §2.2 makes ``sub`` required). The
            verifiers refuse such tokens first (401 ``invalid_token``); a caller is never
            named after its ``client_id``, which a client may choose to equal a user's name.
    """
    if token is None:
        return local_caller(auth)
    scopes = frozenset(token.scopes)
    claims: Mapping[str, Any] = getattr(token, "claims", None) or {}
    if auth.mode is AuthMode.STATIC:
        return Caller(
            subject=_first_text(claims, ("sub",)) or auth.static_subject,
            client_id=token.client_id,
            groups=frozenset(),
            roles=frozenset(auth.static_roles),
            tenant=None,
            scopes=scopes,
        )
    layout = _layout(auth.claims)
    subject_names = layout.subject
    if layout.verified_email_subject and claim(claims, "email_verified") is not True:
        subject_names = tuple(name for name in subject_names if name != "email")
    client_id = _first_text(claims, layout.client_id) or token.client_id or None
    subject = _first_text(claims, subject_names) or token.subject
    if not subject:
        raise AccessDenied(
            "auth: the access token names no subject (sub is required, RFC 9068 §2.2); refused"
        )
    return Caller(
        subject=subject,
        client_id=client_id,
        groups=_names(claims, layout.groups),
        roles=_names(claims, layout.roles),
        tenant=_first_text(claims, layout.tenant),
        scopes=scopes,
    )
