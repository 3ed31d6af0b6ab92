"""Resolve a technician's organization reference (``@acme``, ``"Northwind Traders"``, ``42``).

Matching runs in tiers and stops at the first tier that finds anything:

1. **id** — a reference made only of digits that equals an organization id.
2. **exact** — the reference equals a name or short name after :func:`name_key` folding: case,
   diacritics and punctuation are ignored, ``&`` and ``+`` read as "and", and the word "and" is
   dropped, so "Kessler & Boyd", "kessler and boyd" and "KESSLER-BOYD" are all the same name.
   Spacing is ignored too ("Bright Path" = "BrightPath").
3. **unique** — the reference's words occur as a run of a name's words, the last one possibly
   a prefix ("north", "northwind trad", "dental", "harborview"), or the reference equals a
   name once legal forms are dropped ("Kessler & Boyd" for "Kessler & Boyd LLP"). References made
   only of generic company words ("group", "inc") skip this tier and never resolve in tier 4.
4. **fuzzy** — rapidfuzz ``WRatio`` (suits short names against longer ones, tolerant of a typo
   or a missing word) over folded names, and plain ``ratio`` over short names (``WRatio``'s
   partial matching scores any two-letter short name about 60 against everything) and over
   as many leading words of each name as the reference has ("nortwind" against "northwind").

An organization named in the words of a question ("the DC at Northwind Traders", "Acme's NAS",
"for NW") is found by :mod:`~itglue_mcp.catalog.organization_mentions`, whose stricter
rules decide which words of free text are a name at all; the words it finds are then resolved
by these tiers, exactly as if they had been written after ``@``.

Several organizations in tiers 1-3 make the reference ambiguous. In tier 4 the best score must
reach :data:`FUZZY_ACCEPT` and lead the next organization by :data:`FUZZY_MARGIN`; if the
runner-up is closer than that the reference is ambiguous, and below :data:`FUZZY_ACCEPT` it is
unknown, with organizations scoring at least :data:`SUGGEST_MIN` offered as suggestions.

Example::

    candidates = candidates_from_views(await list_organizations(session, limit=1000))
    match = match_organizations("Nortwind Traders", candidates)
    match.status, match.organization.name  # ('fuzzy', 'Northwind Traders')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from itglue_mcp.catalog.errors import AmbiguousOrganization, OrganizationNotFound
from itglue_mcp.catalog.ids import parse_id
from itglue_mcp.store.queries import OrganizationView

__all__ = [
    "FUZZY_ACCEPT",
    "FUZZY_MARGIN",
    "GENERIC_WORDS",
    "LEGAL_FORMS",
    "MAX_SUGGESTIONS",
    "SUGGEST_MIN",
    "ExactNames",
    "MatchStatus",
    "OrgCandidate",
    "OrganizationMatch",
    "ScoredCandidate",
    "candidate_from_view",
    "candidates_from_views",
    "core_words",
    "match_organizations",
    "matched_organization",
    "name_key",
    "name_words",
    "resolve_organization",
]

FUZZY_ACCEPT = 80.0
"""Lowest fuzzy score (0-100) that resolves a reference on its own ("contso" → Contoso Ltd 82)."""
FUZZY_MARGIN = 10.0
"""How far the best fuzzy score must lead the next organization's to be taken without asking."""
SUGGEST_MIN = 60.0
"""Lowest fuzzy score worth suggesting when nothing resolves."""
MAX_SUGGESTIONS = 5

MatchStatus = Literal["exact", "unique", "fuzzy", "ambiguous", "unknown"]

LEGAL_FORMS = frozenset({
    "co", "company", "corp", "corporation", "inc", "incorporated", "llc", "llp", "ltd",
    "limited", "plc", "pllc", "pc", "gmbh", "sa", "the"
})  # fmt: skip
"""Legal forms (and "the"): dropped for the "same name but for LLP" comparison."""
GENERIC_WORDS = LEGAL_FORMS | frozenset({
    "group", "partners", "services", "solutions", "associates", "holdings", "enterprises",
    "industries"
})  # fmt: skip
"""Legal forms and corporate filler: a reference made only of these is too vague for word
matching, and a name's trailing filler is not part of its core words (:func:`core_words`)."""
_NON_WORD = re.compile(r"[^0-9a-z]+")
_AND = re.compile(r"[&+]")


@dataclass(frozen=True, slots=True)
class OrgCandidate:
    """An organization that a reference may name.

    Attributes:
        id: IT Glue organization id.
        name: organization name ("" when IT Glue has none; such an organization matches by id).
        short_name: IT Glue short name, if any.
    """

    id: int
    name: str
    short_name: str | None = None


@dataclass(frozen=True, slots=True)
class ScoredCandidate:
    """A candidate with how well it matched: 100 for id/exact/unique, else the fuzzy score."""

    organization: OrgCandidate
    score: float


@dataclass(frozen=True, slots=True)
class OrganizationMatch:
    """The outcome of matching a reference.

    Attributes:
        organization: the one organization meant, when ``status`` is exact, unique or fuzzy.
        candidates: for a resolved match, the winner first then close runners-up; for
            ambiguous, the organizations it could be; for unknown, the suggestions. Best first.
        status: which tier decided (see the module docstring).
    """

    organization: OrgCandidate | None
    candidates: list[ScoredCandidate] = field(default_factory=list)
    status: MatchStatus = "unknown"


def candidate_from_view(view: OrganizationView) -> OrgCandidate:
    """The matching-relevant part of a stored organization."""
    return OrgCandidate(id=view.id, name=view.name or "", short_name=view.short_name or None)


def candidates_from_views(views: Iterable[OrganizationView]) -> list[OrgCandidate]:
    """:func:`candidate_from_view` over ``views``, in order."""
    return [candidate_from_view(view) for view in views]


def name_words(text: str) -> list[str]:
    """Folded words of ``text``: no accents, lower case, ``&``/``+``/"and" dropped."""
    return list(_folded(text))


@lru_cache(maxsize=65536)
def _folded(text: str) -> tuple[str, ...]:
    # Cached: every reference is compared with every organization's name.
    decomposed = unicodedata.normalize("NFKD", _AND.sub(" and ", text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return tuple(word for word in _NON_WORD.split(plain) if word and word != "and")


@lru_cache(maxsize=65536)
def core_words(name: str) -> tuple[str, ...]:
    """Folded words of a name without legal forms and trailing corporate filler ("Harborview
    Dental Group" → harborview, dental); the filler stays when it is the whole name."""
    words = [word for word in name_words(name) if word not in LEGAL_FORMS]
    while len(words) > 1 and words[-1] in GENERIC_WORDS:
        words.pop()
    return tuple(words)


def name_key(text: str) -> str:
    """The folded form two names are equal in (tier 2): ``"Kessler & Boyd"`` → ``"kesslerboyd"``."""
    return "".join(_folded(text))


def _core_key(words: Sequence[str]) -> str:
    return "".join(word for word in words if word not in LEGAL_FORMS)


def _word_run_match(ref: Sequence[str], name: Sequence[str]) -> bool:
    """``ref`` occurs as consecutive words of ``name``, its last word possibly a prefix."""
    size = len(ref)
    for start in range(len(name) - size + 1):
        window = name[start : start + size]
        if list(window[:-1]) == list(ref[:-1]) and window[-1].startswith(ref[-1]):
            return True
    return False


def match_organizations(ref: str, organizations: Sequence[OrgCandidate]) -> OrganizationMatch:
    """Find the organization(s) ``ref`` names among ``organizations``.

    Args:
        ref: an id, name, short name, part of a name, or a misspelling of one.
        organizations: every organization the caller may see.

    Returns:
        The match; see the module docstring for the tiers and thresholds.

    Raises:
        ValueError: ``ref`` is blank (naming ``organization``).
    """
    ref = ref.strip()
    if not ref:
        raise ValueError("organization: must not be empty")
    if (organization_id := parse_id(ref)) is not None:
        by_id = [org for org in organizations if org.id == organization_id]
        if by_id:
            return _decide(by_id, "exact")
    ref_words = name_words(ref)
    key = "".join(ref_words)
    if not key:
        return _fuzzy(ref, organizations)
    exact = [org for org in organizations if key in _exact_keys(org)]
    if exact:
        return _decide(exact, "exact")
    specific = any(word not in GENERIC_WORDS for word in ref_words)
    if specific:
        core = _core_key(ref_words)
        partial = [
            org
            for org in organizations
            if _word_run_match(ref_words, name_words(org.name))
            or (core and _core_key(name_words(org.name)) == core)
        ]
        if partial:
            return _decide(partial, "unique")
    match = _fuzzy(ref, organizations)
    if not specific and match.organization is not None:
        # "group" scores high against every "… Group": suggest, never pick one.
        return OrganizationMatch(None, match.candidates, "unknown")
    return match


def _exact_keys(organization: OrgCandidate) -> set[str]:
    """The keys a reference equals to name ``organization`` in tier 2."""
    return {name_key(organization.name), name_key(organization.short_name or "")} - {""}


class ExactNames:
    """Tiers 1 and 2 as lookups: ``organizations`` keyed once by id and by folded name and
    short name, so that resolving the common reference (an id, a name, a short name) costs
    the same whatever the number of organizations.

    Args:
        organizations: every organization a reference may name (narrowed per call).
    """

    def __init__(self, organizations: Iterable[OrgCandidate]) -> None:
        self._by_id: dict[int, OrgCandidate] = {}
        self._by_key: dict[str, list[OrgCandidate]] = {}
        for organization in organizations:
            self._by_id[organization.id] = organization
            for key in _exact_keys(organization):
                self._by_key.setdefault(key, []).append(organization)

    def match(self, ref: str, readable: Collection[int] | None) -> OrganizationMatch | None:
        """What :func:`match_organizations` decides for ``ref`` among the ``readable``
        organizations (``None``: all) when tier 1 or 2 decides; ``None`` when neither finds
        one (tiers 3 and 4, and a blank ``ref``, are :func:`match_organizations`' to decide)."""
        ref = ref.strip()
        if (organization_id := parse_id(ref)) is not None:
            by_id = self._by_id.get(organization_id)
            if by_id is not None and (readable is None or organization_id in readable):
                return _decide([by_id], "exact")
        exact = [
            organization
            for organization in self._by_key.get(name_key(ref), ())
            if readable is None or organization.id in readable
        ]
        return _decide(exact, "exact") if exact else None


def _decide(found: list[OrgCandidate], status: MatchStatus) -> OrganizationMatch:
    scored = [ScoredCandidate(org, 100.0) for org in sorted(found, key=lambda o: (o.name, o.id))]
    if len(found) == 1:
        return OrganizationMatch(found[0], scored, status)
    return OrganizationMatch(None, scored, "ambiguous")


def _fuzzy(ref: str, organizations: Sequence[OrgCandidate]) -> OrganizationMatch:
    query = " ".join(name_words(ref)) or ref.casefold()
    best: dict[int, float] = {}
    names = {i: " ".join(name_words(org.name)) for i, org in enumerate(organizations) if org.name}
    shorts = {
        i: " ".join(name_words(org.short_name))
        for i, org in enumerate(organizations)
        if org.short_name
    }
    # A misspelt leading part of a name ("nortwind" for Northwind Traders), which WRatio
    # scores low against the whole name: compared with as many of the name's words.
    size = len(query.split())
    leading = {
        i: " ".join(core[:size])
        for i, org in enumerate(organizations)
        if len(core := core_words(org.name)) > size
    }
    for choices, scorer in ((names, fuzz.WRatio), (shorts, fuzz.ratio), (leading, fuzz.ratio)):
        for _, score, index in process.extract(
            query, choices, scorer=scorer, score_cutoff=SUGGEST_MIN, limit=None
        ):
            best[index] = max(best.get(index, 0.0), float(score))
    ranked = sorted(
        (ScoredCandidate(organizations[i], score) for i, score in best.items()),
        key=lambda c: (-c.score, c.organization.name, c.organization.id),
    )
    if not ranked or ranked[0].score < FUZZY_ACCEPT:
        return OrganizationMatch(None, ranked[:MAX_SUGGESTIONS], "unknown")
    close = [c for c in ranked if ranked[0].score - c.score < FUZZY_MARGIN]
    if len(close) > 1:
        return OrganizationMatch(None, close[:MAX_SUGGESTIONS], "ambiguous")
    return OrganizationMatch(ranked[0].organization, ranked[:MAX_SUGGESTIONS], "fuzzy")


def resolve_organization(ref: str, organizations: Sequence[OrgCandidate]) -> OrgCandidate:
    """The one organization ``ref`` names, or an error offering the close ones.

    Raises:
        ValueError: ``ref`` is blank (naming ``organization``).
        AmbiguousOrganization: several organizations match about equally well.
        OrganizationNotFound: none matches well enough; its suggestions may be empty.
    """
    return matched_organization(ref, match_organizations(ref, organizations))


def matched_organization(ref: str, match: OrganizationMatch) -> OrgCandidate:
    """The one organization of ``match`` (of ``ref``), or the error offering the close ones.

    Raises:
        AmbiguousOrganization: ``match`` is ambiguous.
        OrganizationNotFound: ``match`` is unknown; its suggestions may be empty.
    """
    if match.organization is not None:
        return match.organization
    suggestions = [c.organization for c in match.candidates]
    if match.status == "ambiguous":
        raise AmbiguousOrganization(ref, suggestions)
    raise OrganizationNotFound(ref, suggestions)
