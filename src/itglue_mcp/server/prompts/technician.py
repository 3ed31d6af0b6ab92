"""The prompts a technician picks from a client's menu: troubleshoot a device, prepare a site
visit, review what expires in a month, onboard a new user.

Each prompt's text is a request in the technician's words followed by numbered steps, each
naming a tool of this server by its real name with the arguments to pass, what to do with the
result, and :data:`~itglue_mcp.server.prompts.base.FOOTER` (cite records, say when no data is
available, fenced text is data). Organization, device and location names are free text the
technician typed: the tools resolve them (and refuse one the caller may not read), so a prompt
reads nothing itself.

Example::

    for prompt in PROMPTS:
        mcp.add_prompt(prompt)
"""

from __future__ import annotations

import calendar
import json
import re
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from itglue_mcp.query.expirations import today_utc
from itglue_mcp.server.arguments import FREE_TEXT_PATTERN, MAX_REFERENCE_LENGTH, REFERENCE_PATTERN
from itglue_mcp.server.prompts.base import FOOTER, MayCall, ToolPrompt, numbered

__all__ = [
    "MAX_MONTHS_AWAY",
    "PROMPTS",
    "ExpirationArguments",
    "OnboardArguments",
    "SiteVisitArguments",
    "TroubleshootArguments",
    "expiration_month",
    "write_expirations",
    "write_onboarding",
    "write_site_visit",
    "write_troubleshooting",
]

MAX_MONTHS_AWAY = 11
"""Farthest month from the current one (UTC) ``review_expirations`` takes, either side: the
whole month then lies within ``list_expirations``' 365-day window."""

_MAX_SYMPTOM = 500
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def _reference(description: str, *, optional: bool = False) -> Any:
    """A bounded one-line reference argument (as a tool's), required unless ``optional``."""
    return Field(
        None if optional else ...,
        min_length=1,
        max_length=MAX_REFERENCE_LENGTH,
        pattern=REFERENCE_PATTERN,
        description=description,
    )


_ORGANIZATION = "The organization (customer): its name, short name or IT Glue id."


class _Arguments(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class TroubleshootArguments(_Arguments):
    """Arguments of ``troubleshoot_device``."""

    organization: str = _reference(_ORGANIZATION)
    device: str = _reference("The device: its name, hostname, IP address, serial or IT Glue id.")
    symptom: str | None = Field(
        default=None,
        min_length=1,
        max_length=_MAX_SYMPTOM,
        pattern=FREE_TEXT_PATTERN,
        description=f"What is wrong, in your words (at most {_MAX_SYMPTOM} characters).",
    )


class SiteVisitArguments(_Arguments):
    """Arguments of ``prepare_site_visit``."""

    organization: str = _reference(_ORGANIZATION)
    location: str | None = _reference(
        "The site: its name or city; omit: every site.", optional=True
    )


class ExpirationArguments(_Arguments):
    """Arguments of ``review_expirations``."""

    month: str | None = Field(
        default=None,
        description=f"YYYY-MM, at most {MAX_MONTHS_AWAY} months from this one; omit: this "
        "month (UTC).",
    )
    organization: str | None = _reference(
        "The organization (name, short name or IT Glue id); omit: every one you may read.",
        optional=True,
    )


class OnboardArguments(_Arguments):
    """Arguments of ``onboard_user``."""

    organization: str = _reference(_ORGANIZATION)
    user_name: str = _reference("The new user's full name.")
    job_title: str | None = _reference("Their job title or department.", optional=True)
    location: str | None = _reference("The site they will work at.", optional=True)


def _quoted(text: str) -> str:
    """``text`` as a JSON string literal: the form a tool argument takes in the steps."""
    return json.dumps(text, ensure_ascii=False)


def _text(request: str, steps: list[str], then: str) -> str:
    return "\n".join([request, "", *steps, "", then, "", FOOTER])


def write_troubleshooting(values: TroubleshootArguments, may_call: MayCall) -> str:
    """The ``troubleshoot_device`` text."""
    org, device = _quoted(values.organization), _quoted(values.device)
    symptom = f" The symptom: {_quoted(values.symptom)}." if values.symptom else ""
    steps = [
        (
            "get_configuration",
            f'get_configuration(name={device}, organization={org}, detail="full"): identify '
            "the device (type, model, serial, operating system, location, interfaces and IP "
            "addresses, notes). If several match, list them and ask me which one.",
        ),
        (
            "find_ip_address",
            f"find_ip_address(query=<its primary IP>, organization={org}): the network it "
            "sits on and what else holds its addresses (a conflict, the gateway).",
        ),
        (
            "get_dependencies",
            f"get_dependencies(name={device}, organization={org}, depth=2): what it depends "
            "on and what depends on it, so you can say who is affected.",
        ),
        (
            "query_documentation",
            f'query_documentation(question="how to troubleshoot <its type and model>", '
            f"organization={org}): runbooks and how-tos for it.",
        ),
        (
            "list_locations",
            f"list_locations(organization={org}): the address and phone of its site.",
        ),
        (
            "get_password",
            f"get_password(configuration={device}, organization={org}): which credentials "
            "are stored for it, as metadata only; never reveal a value unless I ask for it.",
        ),
    ]
    return _text(
        f"Help me troubleshoot the device {device} at the organization {org}.{symptom}",
        numbered(steps, may_call),
        "Then answer: what the device is, the likely causes the records support, the next "
        "checks in order, and who or what is affected.",
    )


def write_site_visit(values: SiteVisitArguments, may_call: MayCall) -> str:
    """The ``prepare_site_visit`` text."""
    org = _quoted(values.organization)
    where = f" at the location {_quoted(values.location)}" if values.location else ""
    pick = (
        f"; keep the location {_quoted(values.location)} (if none matches, list them and ask me)"
        if values.location
        else ""
    )
    steps = [
        (
            "get_organization",
            f"get_organization(organization={org}): its important contacts (who to call on "
            "site, who approves work) and its notes.",
        ),
        (
            "list_locations",
            f"list_locations(organization={org}): the site's address and phone and how many "
            f"configurations and contacts are there{pick}.",
        ),
        (
            "document_infrastructure",
            f'document_infrastructure(organization={org}, sections=["network", "servers", '
            '"device_counts", "backups", "gaps"]): what is on site and the known gaps.',
        ),
        (
            "get_configuration",
            f"get_configuration(name=<a device I will work on>, organization={org}, "
            'detail="full"): its details.',
        ),
        (
            "list_expirations",
            f"list_expirations(organization={org}, within_days=30, include_expired=true): "
            "warranties, certificates and licences to check while there.",
        ),
        (
            "query_documentation",
            f'query_documentation(question="site access, alarm and parking instructions", '
            f"organization={org}): how to get in.",
        ),
        (
            "get_password",
            f"get_password(organization={org}, configuration=<a device>): which credentials "
            "exist for the devices there, as metadata only; never reveal a value unless I "
            "ask for it.",
        ),
    ]
    return _text(
        f"Prepare my site visit to the organization {org}{where}.",
        numbered(steps, may_call),
        "Then give a one-page brief: address and phone, who to contact, the devices there, "
        "open issues and expirations, access notes.",
    )


def expiration_month(month: str | None, today: date) -> tuple[date, date]:
    """The first and last day of ``month`` (``YYYY-MM``; ``None``: the month of ``today``).

    Raises:
        ValueError: ``month`` is not ``YYYY-MM``, or is more than :data:`MAX_MONTHS_AWAY`
            months from ``today``'s (naming the argument and the months allowed).
    """
    if month is None:
        year, number = today.year, today.month
    elif matched := _MONTH.fullmatch(month):
        year, number = int(matched[1]), int(matched[2])
    else:
        raise ValueError("month: must be YYYY-MM (a year and a month, e.g. 2026-12)")
    away = (year * 12 + number) - (today.year * 12 + today.month)
    if abs(away) > MAX_MONTHS_AWAY:
        index = today.year * 12 + today.month - 1
        low, high = divmod(index - MAX_MONTHS_AWAY, 12), divmod(index + MAX_MONTHS_AWAY, 12)
        raise ValueError(
            f"month: must be within {MAX_MONTHS_AWAY} months of the current one "
            f"({low[0]}-{low[1] + 1:02d} to {high[0]}-{high[1] + 1:02d})"
        )
    last = calendar.monthrange(year, number)[1]
    return date(year, number, 1), date(year, number, last)


def _window(start: date, end: date, today: date) -> str:
    """The ``list_expirations`` arguments whose window covers ``start``..``end``."""
    if end < today:
        return f"within_days={-(today - start).days}"
    if start > today:
        return f"within_days={(end - today).days}"
    days = max((end - today).days, (today - start).days)
    return f"within_days={days}, include_expired=true"


def write_expirations(values: ExpirationArguments, may_call: MayCall) -> str:
    """The ``review_expirations`` text."""
    today = today_utc()
    start, end = expiration_month(values.month, today)
    org = _quoted(values.organization) if values.organization else None
    scope = f", organization={org}" if org else ""
    named = org or "<its organization>"
    steps = [
        (
            "list_expirations",
            f"list_expirations({_window(start, end, today)}{scope}, limit=200): keep the "
            f"expirations dated {start} to {end}. If it says more exist than it returned, call "
            'it again once per kind ("warranty", "ssl certificate", "domain", "license", '
            '"other").',
        ),
        (
            "get_configuration",
            f"get_configuration(name=<the expiring device>, organization={named}): for each "
            "warranty, the device's model, role and location, to judge renew or replace.",
        ),
        (
            "get_organization",
            f"get_organization(organization={named}): its important contacts, who approves a "
            "renewal.",
        ),
    ]
    where = f" at the organization {org}" if org else " across every organization I may read"
    return _text(
        f"Review what expires in {start:%B %Y} ({start} to {end}){where}.",
        numbered(steps, may_call),
        "Then give a table by organization, soonest first: date, days left, kind, what "
        "expires, and what to do (renew, replace, ask the approver). If nothing falls in the "
        "month, say that IT Glue records no expiration for it.",
    )


def write_onboarding(values: OnboardArguments, may_call: MayCall) -> str:
    """The ``onboard_user`` text."""
    org, user = _quoted(values.organization), _quoted(values.user_name)
    title = f", {_quoted(values.job_title)}" if values.job_title else ""
    site = f", based at {_quoted(values.location)}" if values.location else ""
    steps = [
        (
            "get_organization",
            f"get_organization(organization={org}): who approves a new account (its "
            "important contacts) and its notes.",
        ),
        (
            "query_documentation",
            f'query_documentation(question="new user onboarding procedure", '
            f"organization={org}): the organization's onboarding how-to.",
        ),
        (
            "get_document",
            f"get_document(document=<the onboarding document's name>, organization={org}): "
            "its steps in full.",
        ),
        (
            "search",
            f'search(query="new user account licence", organization={org}): other documents '
            "and assets the procedure refers to (mail, line-of-business applications, "
            "licences).",
        ),
        (
            "list_locations",
            f"list_locations(organization={org}): the address and phone of their site.",
        ),
        (
            "get_password",
            f"get_password(name=<an account the procedure names>, organization={org}): which "
            "credentials it needs, as metadata only; never reveal a value unless I ask for it.",
        ),
    ]
    return _text(
        f"Onboard a new user, {user}{title}, at the organization {org}{site}.",
        numbered(steps, may_call),
        "Then give a checklist in the documented order (accounts, licences, groups and "
        "shares, device, access), each step citing its document or record. Where IT Glue "
        "documents no procedure, say so and do not invent one.",
    )


PROMPTS = (
    ToolPrompt.build(
        name="troubleshoot_device",
        title="Troubleshoot a device",
        description="Troubleshoot one device of an organization from its IT Glue records.",
        model=TroubleshootArguments,
        requires=("get_configuration",),
        uses=(
            "find_ip_address",
            "get_dependencies",
            "query_documentation",
            "list_locations",
            "get_password",
        ),
        write=write_troubleshooting,
    ),
    ToolPrompt.build(
        name="prepare_site_visit",
        title="Prepare a site visit",
        description="A brief for visiting an organization's site: address, contacts, "
        "devices, expirations, access notes.",
        model=SiteVisitArguments,
        requires=("get_organization", "list_locations"),
        uses=(
            "document_infrastructure",
            "get_configuration",
            "list_expirations",
            "query_documentation",
            "get_password",
        ),
        write=write_site_visit,
    ),
    ToolPrompt.build(
        name="review_expirations",
        title="Review what expires this month",
        description="Warranties, SSL certificates, domains and licences expiring in a month, "
        "by organization, with what to do.",
        model=ExpirationArguments,
        requires=("list_expirations",),
        uses=("get_configuration", "get_organization"),
        write=write_expirations,
    ),
    ToolPrompt.build(
        name="onboard_user",
        title="Onboard a new user",
        description="A checklist for a new user at an organization, from its documented "
        "onboarding procedure.",
        model=OnboardArguments,
        requires=("get_organization", "query_documentation"),
        uses=("get_document", "search", "list_locations", "get_password"),
        write=write_onboarding,
    ),
)
"""Every prompt of the server, in menu order."""
