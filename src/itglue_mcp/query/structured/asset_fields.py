"""Flexible asset fields asked of one asset: "the retention of the nightly backup", "the
circuit ID of the Lakeshore fibre line", "how many licensed mailboxes does @Acme have".

:func:`asset_field_answer` takes the fields of the store's flexible asset types a question
names (:func:`~itglue_mcp.query.attributes.asked_attributes`) and finds the assets meant:
those of the organization whose name or type's name holds at least half of the question's
other words, or — a question of one organization saying nothing but the field — every asset
of the organization holding it (unless the field is named like a kind of record:
"Location", "Domain Controllers"). Facts are the trait values as IT Glue holds them (each
record a Tag links, ``true``/``false``, numbers and dates as written); a Textbox field is
quoted as an untrusted excerpt. Password-kind traits are never read.

An asset found without the field's value is ``no_data`` naming it; assets named only in other
organizations, ``no_data`` naming where (within what the caller may read).

Example::

    answer = await asset_field_answer(asked, context, found.traits)
    answer.facts[0].label, answer.facts[0].value  # ('Retention Days', '14')
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from itglue_mcp.catalog.citations import source_of
from itglue_mcp.catalog.flexible_assets import (
    AssetWithTraits,
    assets_of_types,
    flexible_asset_source,
)
from itglue_mcp.catalog.unit import reading
from itglue_mcp.query.answer import Answer, Excerpt, Fact
from itglue_mcp.query.attributes import TraitMatch, best_traits, restated, without_spans
from itglue_mcp.query.handlers import AskedQuestion, EngineContext
from itglue_mcp.query.lexicon import ASSET_TYPE_SYNONYMS, configuration_kind
from itglue_mcp.query.structured.common import (
    KIND_ONE,
    KIND_SEVERAL,
    MAX_LISTED,
    answered,
    best_matching,
    held_words,
    no_data,
    scope_name,
    subject_words,
    words_confidence,
)
from itglue_mcp.query.suggestions import elsewhere_hint

__all__ = ["asset_field_answer"]

_HTML_TAG = re.compile(r"<[^>]+>")
_RECORD_WORDS = re.compile(
    r"\b(?:locations?|sites?|contacts?|passwords?|domains?|documents?|configurations?|"
    r"devices?)\b",
    re.IGNORECASE,
)
_TEXT_KINDS = frozenset({"textbox"})


def _trait_values(value: Any) -> list[str]:
    """A trait's value as IT Glue holds it, one text per value: each record a Tag links,
    ``true``/``false``, a number or date as written."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [str(v["name"]).strip() for v in value.get("values") or [] if v.get("name")]
    if isinstance(value, list):
        return [text for item in value for text in _trait_values(item)]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    text = str(value).strip()
    return [text] if text else []


def _asset_text(asset: AssetWithTraits) -> str:
    """What names an asset: its name, its type's name, its plural and the other words for
    that type ("internet" for an ISP Circuit), and the names of its checked Checkbox fields (a
    "Wildcard" certificate)."""
    type_name = asset.flexible_asset_type_name or ""
    type_words = re.findall(r"[\w-]+", type_name.lower())
    also = [synonym for word in type_words for synonym in ASSET_TYPE_SYNONYMS.get(word, ())]
    also += [f"{word}s" for word in type_words if not word.endswith("s")]  # "the backups"
    return "\n".join([asset.name or "", type_name, " ".join(also), " ".join(_checked(asset))])


def _checked(asset: AssetWithTraits) -> list[str]:
    """The names (as keys: "wildcard") of the asset's Checkbox fields that are checked."""
    return [key.replace("-", " ") for key, value in asset.traits.items() if value is True]


async def _assets(
    context: EngineContext, matches: Sequence[TraitMatch], scope: Collection[int] | None
) -> list[AssetWithTraits]:
    async with reading(context.sessions) as session:
        assets = await assets_of_types(
            session, {match.schema.id for match in matches}, organization_ids=scope
        )
    return [asset for asset in assets if not asset.archived] or assets


def _trait_facts(
    asset: AssetWithTraits, matches: Sequence[TraitMatch], confidence: float
) -> tuple[list[Fact], list[Excerpt]]:
    source = flexible_asset_source(asset)
    facts: list[Fact] = []
    excerpts: list[Excerpt] = []
    for match in matches:
        if match.schema.id != asset.flexible_asset_type_id:
            continue
        for value in _trait_values(asset.traits.get(match.field.name_key)):
            if (match.field.kind or "").lower() in _TEXT_KINDS:
                text = re.sub(r"\s+", " ", _HTML_TAG.sub(" ", value)).strip()
                if text:
                    excerpts.append(Excerpt(field=match.field.name, text=text, source=source))
            else:
                facts.append(
                    Fact(label=match.field.name, value=value, source=source, confidence=confidence)
                )
    return facts, excerpts


def _named_by(
    assets: Sequence[AssetWithTraits], words: Sequence[str]
) -> tuple[list[AssetWithTraits], list[str]]:
    """The assets whose name or type's name holds the most of ``words``, at least half of
    them ("protection" alone does not make FortiGuard Threat Protection the Sophos
    Xstream Protection licence), and when some word names nothing, one held by the asset's
    own name; ``([], [])`` when none does."""
    kept, held = best_matching(assets, words, _asset_text)
    if not held or 2 * len(held) < len(words):
        return [], []
    if len(held) < len(words):
        # Some words name nothing: the asset's own name must hold one of the others, or the
        # question names another asset of the type ("the Hyper Backup" is not the QNAP job).
        kept = [asset for asset in kept if held_words(held, asset.name or "")]
        if not kept:
            return [], []
    return kept, held


def _asset_words(asked: AskedQuestion, matches: Sequence[TraitMatch]) -> list[str]:
    """The question's words that may name the asset: all but those naming ``matches``
    (none when those are all it says: "ISP circuit ID")."""
    rest = without_spans(asked.text, [s for m in matches for s in m.spans])
    return subject_words(restated(asked, rest)) if rest else []


async def _elsewhere(
    asked: AskedQuestion, context: EngineContext, matches: Sequence[TraitMatch], words: list[str]
) -> Answer | None:
    """``no_data`` naming the assets of other organizations the words name, if any."""
    if asked.organization is None or not words:
        return None
    here = asked.organization.id
    others = [
        a for a in await _assets(context, matches, asked.readable) if a.organization_id != here
    ]
    kept, held = _named_by(others, words)
    if not held:
        return None
    subject = " ".join(held)
    cited = [source_of("flexible-assets", asset) for asset in kept[:MAX_LISTED]]
    return no_data(
        asked,
        f"No flexible asset of {scope_name(asked)} matching {subject!r} has a "
        f"{matches[0].field.name} field.",
        [elsewhere_hint(subject, cited)],
    )


def _names_records(match: TraitMatch) -> bool:
    """The field's name is also a kind of record ("Location", "Domain Controllers")."""
    name = match.field.name
    return configuration_kind(name) is not None or bool(_RECORD_WORDS.search(name))


async def _every_asset(
    asked: AskedQuestion,
    context: EngineContext,
    matches: Sequence[TraitMatch],
    assets: Sequence[AssetWithTraits],
) -> Answer | None:
    """The field of every asset of the organization whose type holds it; ``no_data``
    naming the organizations that have such assets when this one has none."""
    matches = best_traits(matches, asked.text)
    if not matches:
        return None
    types = {match.schema.id for match in matches}
    holders = [asset for asset in assets if asset.flexible_asset_type_id in types]
    if holders:
        confidence = KIND_ONE if len(holders) == 1 else KIND_SEVERAL
        return _traits_answer(asked, matches, holders, confidence)
    assert asked.organization is not None  # only asked of one organization
    here = asked.organization.id
    others = [
        a for a in await _assets(context, matches, asked.readable) if a.organization_id != here
    ]
    if not others:
        return None
    field_name = matches[0].field.name
    cited = [source_of("flexible-assets", asset) for asset in others[:MAX_LISTED]]
    return no_data(
        asked,
        f"No flexible asset of {scope_name(asked)} has a {field_name} field.",
        [elsewhere_hint(field_name, cited)],
    )


async def asset_field_answer(
    asked: AskedQuestion, context: EngineContext, matches: Sequence[TraitMatch]
) -> Answer | None:
    """The field of the flexible asset(s) the question names by their name or type's name.

    Two readings: the assets named once every matched field's words are set aside; then,
    fields naming those assets themselves dropped (:func:`best_traits`), the assets named by
    the words left besides the remaining fields'. A question of one organization saying
    nothing but the field ("how many licensed mailboxes does @Acme have") means every asset
    of the organization holding it, unless the field's name is also a kind of record
    ("Location", "Domain Controllers": "what locations does @Acme have" lists locations).
    """
    assets = await _assets(context, matches, asked.organization_ids)
    words = _asset_words(asked, matches)
    if not words and asked.organization is not None:
        return await _every_asset(
            asked, context, [m for m in matches if not _names_records(m)], assets
        )
    kept, held = _named_by(assets, words)
    if not held:
        # The question must say which asset (its name) or which kind (its type's name):
        # "the backup schedule", not "what is the schedule of the Acme NAS".
        return await _elsewhere(asked, context, matches, words)
    types = {asset.flexible_asset_type_id for asset in kept}
    matches = best_traits(
        [match for match in matches if match.schema.id in types],
        asked.text,
        " ".join(f"{asset.name or ''} {' '.join(_checked(asset))}" for asset in kept),
    )
    if not matches:
        return None
    words = _asset_words(asked, matches)
    types = {match.schema.id for match in matches}
    kept, held = _named_by([a for a in assets if a.flexible_asset_type_id in types], words)
    if not held:
        return None
    return _traits_answer(asked, matches, kept, words_confidence(words, _asset_text(kept[0])))


def _traits_answer(
    asked: AskedQuestion,
    matches: Sequence[TraitMatch],
    assets: Sequence[AssetWithTraits],
    confidence: float,
) -> Answer:
    """The fields ``matches`` of ``assets`` as facts (free text as excerpts), or ``no_data``
    naming the assets when none holds a value."""
    shown = assets[:MAX_LISTED]
    facts: list[Fact] = []
    excerpts: list[Excerpt] = []
    for asset in shown:
        asset_facts, asset_excerpts = _trait_facts(asset, matches, confidence)
        facts += asset_facts
        excerpts += asset_excerpts
    field_names = " / ".join(dict.fromkeys(match.field.name for match in matches))
    named = ", ".join(asset.name or f"#{asset.id}" for asset in shown)
    if not facts and not excerpts:
        return no_data(
            asked,
            f"{named} has no {field_names} recorded in IT Glue.",
            [f"{named} is a {shown[0].flexible_asset_type_name or 'flexible asset'}."],
        )
    return answered(
        asked,
        facts=facts,
        excerpts=excerpts,
        leading=[flexible_asset_source(asset) for asset in shown],
        message=f"{field_names} of {named} in {scope_name(asked)}.",
    )
