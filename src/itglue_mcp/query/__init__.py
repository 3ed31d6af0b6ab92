"""Query engine: organization scoping and intent detection over a technician's question.

Parsing is pure (no I/O, no LLM) so it can be tested table-driven and reused by every tool::

    scoped = parse_scope("what's the firewall IP at @Acme")
    organization = resolve_organization(scoped.organization_ref, candidates_from_views(views))
    intent = detect_intent(scoped.text)  # IntentKind.DEVICE_IP, configuration_kind 'firewall'
"""

from __future__ import annotations

from itglue_mcp.query.errors import (
    AmbiguousOrganization,
    OrganizationNotFound,
    OrganizationResolutionError,
)
from itglue_mcp.query.intent import Entities, Intent, IntentKind, detect_intent
from itglue_mcp.query.organizations import (
    OrganizationMatch,
    OrgCandidate,
    ScoredCandidate,
    candidate_from_view,
    candidates_from_views,
    match_organizations,
    resolve_organization,
)
from itglue_mcp.query.scope import MAX_QUESTION_LENGTH, ScopedQuestion, parse_scope

__all__ = [
    "MAX_QUESTION_LENGTH",
    "AmbiguousOrganization",
    "Entities",
    "Intent",
    "IntentKind",
    "OrgCandidate",
    "OrganizationMatch",
    "OrganizationNotFound",
    "OrganizationResolutionError",
    "ScopedQuestion",
    "ScoredCandidate",
    "candidate_from_view",
    "candidates_from_views",
    "detect_intent",
    "match_organizations",
    "parse_scope",
    "resolve_organization",
]
