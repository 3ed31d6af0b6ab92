"""Password questions: which entry, for what, with which login name — never the value.

:func:`credential` finds the password entries a question asks about, in this order:

1. **a device** — named by hostname (:func:`~.configurations.named_configurations`) or kind
   (:func:`~.configurations.of_kind`): the passwords belonging to it, the ones whose metadata
   holds most of the question's other words first ("admin" picks "ACME-FW01 - Admin GUI" over
   its VPN pre-shared key). Confidence: the device's (exact name 0.95, part of a name 0.7, the
   one / one of several of a kind 0.9 / 0.8), 0.5 when a word of the question is in neither
   the device nor its passwords.
2. **words** — the question's distinctive words ("Meraki dashboard", "Veeam console") must
   all be in an entry's name, username, URL, category or the name of what it belongs to (two
   thirds of them from three words on); generic ones ("admin", "account", "service") only rank.
   Confidence ``0.5 + 0.45 x`` the share of all the words the entry holds.

Facts are metadata only: the entry's name, username, login URL, category and what it belongs
to (:func:`~itglue_mcp.query.credentials.password_facts`); never a value, never the entry's
notes (people write secrets there). Every answer says the value is withheld
(:data:`~itglue_mcp.query.credentials.VALUE_WITHHELD`). Nothing matching in the organization
but something elsewhere gives ``no_data`` naming where; nothing anywhere ``no_data`` too (the
question is clearly about a password). A question with no distinctive word ("the admin
password") gives ``None``.

Example::

    answer = await credential(asked, context)   # "admin password for the firewall at @Acme"
    [(fact.label, fact.value) for fact in answer.facts][:2]
    # [('username', 'admin'), ('password entry', 'ACME-FW01 - Admin GUI')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from itglue_mcp.catalog.citations import source_of
from itglue_mcp.catalog.passwords import (
    PasswordView,
    find_passwords,
    get_passwords,
    password_source,
)
from itglue_mcp.catalog.unit import reading
from itglue_mcp.query.answer import Answer, Fact
from itglue_mcp.query.credentials import VALUE_WITHHELD, password_facts
from itglue_mcp.query.handlers import AskedQuestion, EngineContext
from itglue_mcp.query.structured.common import (
    KIND_ONE,
    KIND_SEVERAL,
    MAX_LISTED,
    UNMATCHED_QUALIFIER,
    answered,
    best_matching,
    holds_enough,
    keyword_candidates,
    listing,
    no_data,
    scope_name,
    subject_words,
    words_confidence,
)
from itglue_mcp.query.structured.configurations import (
    kind_missing,
    name_missing,
    named_configurations,
    of_kind,
)
from itglue_mcp.query.suggestions import elsewhere_hint

__all__ = ["CREDENTIAL_WORDS", "GENERIC_WORDS", "credential"]

CREDENTIAL_WORDS = frozenset({
    "access", "code", "codes", "credential", "credentials", "creds", "key", "keys", "log",
    "login", "logins", "logon", "logons", "passcode", "passcodes", "passphrase", "passphrases",
    "passwd", "password", "passwords", "pin", "please", "pwd", "run", "runs", "secret",
    "secrets", "sign", "signin", "use", "used", "uses", "user", "username", "usernames"
})  # fmt: skip
"""Words asking for a credential: they do not say which one ("the account Veeam runs as")."""

GENERIC_WORDS = frozenset({
    "account", "accounts", "admin", "administrator", "default", "local", "main", "primary",
    "root", "service"
})  # fmt: skip
"""Words that rank entries ("admin") but never pick one on their own."""


def _metadata(view: PasswordView) -> str:
    parts = (
        view.name,
        view.username,
        view.url,
        view.password_category_name,
        view.linked.name if view.linked else None,
    )
    return "\n".join(part for part in parts if part)


def _facts(views: Sequence[PasswordView], confidence: float) -> list[Fact]:
    """Each entry's username and URL first (what "the Clio login" asks for: the entry's name
    is the subject, not the answer), then its name, category and what it belongs to."""
    facts = []
    for view in views:
        entry = password_facts(view, confidence=confidence)
        if view.name:
            name = Fact(
                label="password entry",
                value=view.name,
                source=password_source(view),
                confidence=confidence,
            )
            asked_for = [fact for fact in entry if fact.label in ("username", "login URL")]
            entry = [*asked_for, name, *[fact for fact in entry if fact not in asked_for]]
        facts.extend(entry)
    return facts


def _answer(
    asked: AskedQuestion, views: Sequence[PasswordView], confidence: float, facts: list[Fact]
) -> Answer:
    entries = "entry" if len(views) == 1 else "entries"
    named = listing([source_of("passwords", view) for view in views])
    return answered(
        asked,
        facts=facts,
        leading=[password_source(view) for view in views[:MAX_LISTED]],
        message=f"Password {entries} in {scope_name(asked)}: {named}. {VALUE_WITHHELD}",
    )


async def _of_device(asked: AskedQuestion, context: EngineContext) -> Answer | None:
    """Passwords of the device the question names or describes (``None``: no such device,
    or it has no password)."""
    entities = asked.intent.entities
    async with reading(context.sessions) as session:
        if entities.hostname:
            views, confidence = await named_configurations(
                session,
                entities.hostname,
                organization_ids=asked.organization_ids,
                limit=MAX_LISTED,
            )
            words = subject_words(
                asked,
                drop={*CREDENTIAL_WORDS, entities.hostname.lower()},
                kind=entities.configuration_kind,
            )
            unmatched = set(words)
        elif entities.configuration_kind:
            match = await of_kind(
                session, asked, entities.configuration_kind, drop=CREDENTIAL_WORDS
            )
            views = match.views  # "the QNAP" is a qualifier: not the organization's Synology
            words, unmatched = match.qualifiers, set(match.unmatched)
            confidence = KIND_ONE if len(views) == 1 else KIND_SEVERAL
        else:
            return None
        if not views:
            return None
        passwords = await find_passwords(
            session,
            organization_ids=asked.organization_ids,
            configuration_ids=[view.id for view in views],
            limit=MAX_LISTED * 5,
        )
    if not passwords:
        return None
    kept, held = best_matching(passwords, words, _metadata)
    if unmatched - set(held):
        # A word of the question is in neither the device nor its passwords.
        confidence = min(confidence, UNMATCHED_QUALIFIER)
    kept = kept[:MAX_LISTED]
    return _answer(asked, kept, confidence, _facts(kept, confidence))


async def _by_words(
    asked: AskedQuestion, context: EngineContext, words: list[str], distinctive: list[str]
) -> tuple[list[PasswordView], float]:
    candidates = await keyword_candidates(
        context, words, record_type="passwords", organization_ids=asked.organization_ids
    )
    ids = [record.record_id for record in candidates]
    async with reading(context.sessions) as session:
        found = await get_passwords(session, ids, organization_ids=asked.organization_ids)
    order = {record_id: rank for rank, record_id in enumerate(ids)}
    holding = [view for view in found if holds_enough(distinctive, _metadata(view))]
    kept, _ = best_matching(sorted(holding, key=lambda view: order[view.id]), words, _metadata)
    if not kept:
        return [], 0.0
    return kept[:MAX_LISTED], words_confidence(words, _metadata(kept[0]))


async def credential(asked: AskedQuestion, context: EngineContext) -> Answer | None:
    """Password entries (metadata only) for a device or a service the question names.

    Reads configurations (by hostname or kind) and their passwords, else passwords by the
    question's words. Returns ``None`` when the question has no distinctive word.
    """
    entities = asked.intent.entities
    device = await _of_device(asked, context)
    if device is not None:
        return device
    words = subject_words(asked, drop=CREDENTIAL_WORDS)
    distinctive = [word for word in words if word not in GENERIC_WORDS]
    if not distinctive:
        if entities.hostname:
            return await name_missing(context, asked, entities.hostname)
        if entities.configuration_kind:
            return await kind_missing(context, asked, entities.configuration_kind)
        return None
    views, confidence = await _by_words(asked, context, words, distinctive)
    if views:
        return _answer(asked, views, confidence, _facts(views, confidence))
    subject = " ".join(distinctive)
    suggestions: list[str | None] = []
    if entities.hostname:
        missing = await name_missing(context, asked, entities.hostname)
        if missing is not None:
            return missing
    if asked.organization is not None:
        # Every organization the caller may read, not every organization.
        unscoped = replace(asked, organization=None)
        others, _ = await _by_words(unscoped, context, words, distinctive)
        here = asked.organization.id
        elsewhere = [
            source_of("passwords", view) for view in others if view.organization_id != here
        ]
        suggestions.append(elsewhere_hint(subject, elsewhere))
    return no_data(
        asked,
        f"No password entry of {scope_name(asked)} mentions {subject!r}.",
        suggestions,
    )
