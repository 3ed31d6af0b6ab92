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
"for NW") is found by :func:`find_organization_mention`, whose stricter rules decide which
words of free text are a name at all; the words it finds are then resolved by these tiers,
exactly as if they had been written after ``@``.

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
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
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
    "MAX_SUGGESTIONS",
    "SUGGEST_MIN",
    "TYPO_MIN",
    "TYPO_MIN_LETTERS",
    "MatchStatus",
    "MentionIndex",
    "MentionKind",
    "MentionVocabulary",
    "OrgCandidate",
    "OrganizationMatch",
    "OrganizationMention",
    "ScoredCandidate",
    "candidate_from_view",
    "candidates_from_views",
    "find_organization_mention",
    "match_organizations",
    "matched_organization",
    "name_key",
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

# Legal forms and corporate filler: dropped for the "same name but for LLP" comparison, and a
# reference made only of these words is too vague for word matching.
_LEGAL_FORMS = frozenset({
    "co", "company", "corp", "corporation", "inc", "incorporated", "llc", "llp", "ltd",
    "limited", "plc", "pllc", "pc", "gmbh", "sa", "the"
})  # fmt: skip
_GENERIC_WORDS = _LEGAL_FORMS | frozenset({
    "group", "partners", "services", "solutions", "associates", "holdings", "enterprises",
    "industries"
})  # fmt: skip
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


def _words(text: str) -> list[str]:
    """Folded words of ``text``: no accents, lower case, ``&``/``+``/"and" dropped."""
    return list(_folded(text))


@lru_cache(maxsize=65536)
def _folded(text: str) -> tuple[str, ...]:
    # Cached: every reference is compared with every organization's name.
    decomposed = unicodedata.normalize("NFKD", _AND.sub(" and ", text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return tuple(word for word in _NON_WORD.split(plain) if word and word != "and")


def name_key(text: str) -> str:
    """The folded form two names are equal in (tier 2): ``"Kessler & Boyd"`` → ``"kesslerboyd"``."""
    return "".join(_folded(text))


def _core_key(words: Sequence[str]) -> str:
    return "".join(word for word in words if word not in _LEGAL_FORMS)


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
    ref_words = _words(ref)
    key = "".join(ref_words)
    if not key:
        return _fuzzy(ref, organizations)
    exact = [
        org
        for org in organizations
        if key in {name_key(org.name), name_key(org.short_name or "")} - {""}
    ]
    if exact:
        return _decide(exact, "exact")
    specific = any(word not in _GENERIC_WORDS for word in ref_words)
    if specific:
        core = _core_key(ref_words)
        partial = [
            org
            for org in organizations
            if _word_run_match(ref_words, _words(org.name))
            or (core and _core_key(_words(org.name)) == core)
        ]
        if partial:
            return _decide(partial, "unique")
    match = _fuzzy(ref, organizations)
    if not specific and match.organization is not None:
        # "group" scores high against every "… Group": suggest, never pick one.
        return OrganizationMatch(None, match.candidates, "unknown")
    return match


def _decide(found: list[OrgCandidate], status: MatchStatus) -> OrganizationMatch:
    scored = [ScoredCandidate(org, 100.0) for org in sorted(found, key=lambda o: (o.name, o.id))]
    if len(found) == 1:
        return OrganizationMatch(found[0], scored, status)
    return OrganizationMatch(None, scored, "ambiguous")


def _fuzzy(ref: str, organizations: Sequence[OrgCandidate]) -> OrganizationMatch:
    query = " ".join(_words(ref)) or ref.casefold()
    best: dict[int, float] = {}
    names = {i: " ".join(_words(org.name)) for i, org in enumerate(organizations) if org.name}
    shorts = {
        i: " ".join(_words(org.short_name)) for i, org in enumerate(organizations) if org.short_name
    }
    # A misspelt leading part of a name ("nortwind" for Northwind Traders), which WRatio
    # scores low against the whole name: compared with as many of the name's words.
    size = len(query.split())
    leading = {
        i: " ".join(core[:size])
        for i, org in enumerate(organizations)
        if len(core := _core_words(org.name)) > size
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


# --- organizations named in the words of a question -------------------------------------------

TYPO_MIN = 80.0
"""Lowest rapidfuzz ``ratio`` at which a question's word is read as a misspelt name word
("Nortwind" / "northwind" 94, "Rosewod" / "rosewood" 93; one wrong letter of five is 80)."""
TYPO_MIN_LETTERS = 5
"""Shortest word read as a misspelling: shorter words are one letter away from too many."""

MentionKind = Literal["name", "short_name", "words", "typo"]
"""How a question's words name an organization: its whole name (legal form and corporate
filler aside), its short name, the leading words of its name, or those words misspelt."""

# Ranking of mention kinds when several spans of one question look like names.
_KIND_RANK: dict[MentionKind, int] = {"name": 3, "short_name": 2, "words": 1, "typo": 0}
_MAX_MENTION_WORDS = 8
_MAX_MEMOISED = 10_000  # misspelling look-ups kept per directory (one per distinct word)
# A token: word characters (apostrophes inside: "O'Brien", "Acme's"), or a compound of them
# joined by . - @ / : \ (a host name, domain, e-mail, path, IP), or a lone & or +.
_TOKEN = re.compile(r"[\w'\u2019]+(?:[.\-@/:\\][\w'\u2019]+)*|[&+]")
_COMPOUND = re.compile(r"[.\-@/:\\_]")
_POSSESSIVE_END = re.compile(r"(?:['\u2019]s|(?<=s)['\u2019])$", re.IGNORECASE)
_QUOTES = "'\u2019"
_CONNECTORS = frozenset({"&", "+", "and"})
# "... at <organization>", "... for <organization>?": words in the place of a scope read as a
# name even in lower case ("admin user for meridian").
_SCOPE_WORDS = frozenset({"at", "for", "from"})
_CLAUSE_END = re.compile(r"\s*(?:[?!.,;:]|$)")


@dataclass(frozen=True, slots=True)
class MentionVocabulary:
    """What a word of a question is besides, possibly, part of an organization's name.

    Attributes:
        weak: whether a folded word is the question's own vocabulary (IT and product words,
            technical acronyms, question words): such a word alone never names an
            organization ("firewall", "Sophos", "NAS", "HP").
        common: whether a folded word is ordinary English ("golden", "heritage"): alone it
            names an organization only when written with a capital letter.
    """

    weak: Callable[[str], bool]
    common: Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class OrganizationMention:
    """Words of a question that name an organization.

    Attributes:
        start: offset of the first character of the mention in the text.
        end: offset just past it, a possessive ("Acme's", "Traders'") included.
        ref: the naming words as written, possessive excluded: the reference to resolve.
        kind: how the words name an organization (:data:`MentionKind`).
        match: :func:`match_organizations` of ``ref``: resolved or ambiguous; unknown only
            when the words are a name's plus a legal form or filler word it does not have.
    """

    start: int
    end: int
    ref: str
    kind: MentionKind
    match: OrganizationMatch


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int  # past the possessive, if any
    text: str  # as written, possessive and surrounding quotes removed
    possessive: bool
    plain: bool  # a word (or & / +), not a host name, address or path


@dataclass(frozen=True, slots=True)
class _Span:
    first: int  # token indexes, inclusive
    last: int
    kind: MentionKind
    organization_ids: frozenset[int]
    words: int


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for found in _TOKEN.finditer(text):
        raw, start = found.group(), found.start()
        stripped = raw.lstrip(_QUOTES)
        start += len(raw) - len(stripped)
        possessive = _POSSESSIVE_END.search(stripped)
        word = stripped[: possessive.start()] if possessive else stripped.rstrip(_QUOTES)
        if not word:
            continue
        plain = not _COMPOUND.search(word)
        end = found.end() if possessive else start + len(word)  # a closing quote stays
        tokens.append(_Token(start, end, word, possessive is not None, plain))
    return tokens


@lru_cache(maxsize=65536)
def _core_words(name: str) -> tuple[str, ...]:
    """Folded words of a name without legal forms and trailing corporate filler ("Harborview
    Dental Group" → harborview, dental); the filler stays when it is the whole name."""
    words = [word for word in _words(name) if word not in _LEGAL_FORMS]
    while len(words) > 1 and words[-1] in _GENERIC_WORDS:
        words.pop()
    return tuple(words)


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper()


def find_organization_mention(
    text: str, organizations: Sequence[OrgCandidate], vocabulary: MentionVocabulary
) -> OrganizationMention | None:
    """The words of ``text`` that best name one of ``organizations``, if any do.

    :meth:`MentionIndex.find` over an index built for this call; a caller that looks often
    keeps a :class:`MentionIndex` (the organization directory holds one per generation).
    """
    return MentionIndex(organizations).find(text, vocabulary)


class MentionIndex:
    """Organization names arranged for finding them in the words of questions.

    Built once per organization directory (time and memory linear in the organizations);
    :meth:`find` then costs a few dictionary look-ups per word of the question.

    Args:
        organizations: every organization a question may name (callers narrow each search
            to the ones they may read).
    """

    def __init__(self, organizations: Sequence[OrgCandidate]) -> None:
        self._organizations = tuple(organizations)
        self._cores = {org.id: _core_words(org.name) for org in organizations if org.name}
        # With legal form and filler, for a misspelt one ("Acme Corpoation").
        self._full = {
            org.id: tuple(word for word in _words(org.name) if word != "the")
            for org in organizations
            if org.name
        }
        self._names: dict[str, set[int]] = {}
        self._leading: dict[str, set[int]] = {}
        self._first_words: dict[str, set[int]] = {}
        self._shorts: dict[str, set[int]] = {}
        for org_id, core in self._cores.items():
            self._names.setdefault("".join(core), set()).add(org_id)
            for size in range(1, len(core)):
                self._leading.setdefault("".join(core[:size]), set()).add(org_id)
            self._first_words.setdefault(core[0], set()).add(org_id)
        for org in organizations:
            if org.short_name and (key := name_key(org.short_name)):
                self._shorts.setdefault(key, set()).add(org.id)
        self._first_word_list = list(self._first_words)
        self._close: dict[str, tuple[str, ...]] = {}
        self._known_words = {word for core in self._cores.values() for word in core}
        # A word that follows the first word of several names is the directory's filler
        # ("Dental" of "Harborview Dental", "Smile Dental"): alone it names none of them.
        later = Counter(word for core in self._cores.values() for word in set(core[1:]))
        self._filler = {word for word, count in later.items() if count > 1}

    def _close_first_words(self, word: str) -> tuple[str, ...]:
        """The first words of names within :data:`TYPO_MIN` of ``word`` (memoised: a
        question repeats words, and the directory's words are fixed)."""
        close = self._close.get(word)
        if close is None:
            if len(self._close) >= _MAX_MEMOISED:
                self._close.clear()
            found = process.extract(
                word, self._first_word_list, scorer=fuzz.ratio, score_cutoff=TYPO_MIN, limit=None
            )
            close = self._close[word] = tuple(first for first, _, _ in found)
        return close

    def find(
        self,
        text: str,
        vocabulary: MentionVocabulary,
        readable: Collection[int] | None = None,
    ) -> OrganizationMention | None:
        """The words of ``text`` that best name one of the ``readable`` organizations.

            Free text is full of words that are not names, so only these count (general rules,
            the vocabulary deciding what is ordinary):

        Free text is full of words that are not names, so only these count (general rules, the
        vocabulary deciding what is ordinary):

        - **name** — consecutive words that are an organization's whole name, legal form and
          trailing corporate filler ("Inc", "LLP", "Group", "Corporation") dropped on both sides
          and spacing ignored ("Northwind Traders", "Kessler & Boyd", "Bright Path Technology").
          Words that are all the question's vocabulary never are ("Network Services").
        - **words** — the leading words of a name ("Northwind", "Golden Valley", "Acme"): one
          word alone only when it is neither weak nor filler (nor a word that follows the first
          word of several names: "Dental" of "Harborview Dental" and "Smile Dental"), and, when
          ordinary English, written as a name: with a capital, or after "at", "for" or "from"
          at the end of a clause ("Rosewood's NAS" and "the NAS at rosewood" count, "rosewood
          NAS" does not; "northwind" always does). Any other single word of a name
          ("Technology", "Capital", "Pharmacy") never does.
        - **short_name** — one word equal to a short name: one of up to four letters only when
          written in capitals ("NW", not "nw"), and never a weak word ("HP", "AC", "NAS").
        - **typo** — the leading words of a name with words of at least
          :data:`TYPO_MIN_LETTERS` letters misspelt (rapidfuzz ``ratio`` ≥ :data:`TYPO_MIN`);
          a weak or ordinary word, or a word of another name, is never read as a misspelling.

        A word joined to others by ``-``, ``.``, ``@``, ``/`` or ``:`` ("ACME-DC01",
        "acmecorp.com") is never part of a mention. A possessive ("Acme's") belongs to it.
        Of several candidate spans the strongest wins (name, short name, words, typo; then more
        words; then the earliest), and its words are resolved by :func:`match_organizations`,
        which must name an organization the span could mean (resolved or ambiguous). Words that
        are a name plus a legal form or filler word that it lacks ("Acme Holdings" when only Acme
        Corporation exists) are a mention too, of an unknown organization.

            Args:
                text: the question (an ``@`` scope already taken out).
                vocabulary: which words are the question's own.
                readable: the organizations the caller may read (``None``: every one); no
                    other is ever named, matched or suggested.

            Returns:
                The mention, or ``None`` when no words name a readable organization.
        """
        candidates = [org for org in self._organizations if readable is None or org.id in readable]
        if not candidates:
            return None
        tokens = _tokens(text)
        spans = self._spans(text, tokens, vocabulary, readable)
        spans.sort(key=lambda s: (-_KIND_RANK[s.kind], -s.words, s.first))
        for span in spans:
            first, last = tokens[span.first], tokens[span.last]
            ref = text[first.start : last.start + len(last.text)]
            match = match_organizations(ref, candidates)
            meant = (
                {match.organization.id}
                if match.organization is not None
                else {c.organization.id for c in match.candidates}
                if match.status == "ambiguous"
                else set()
            )
            if meant & span.organization_ids:
                return OrganizationMention(first.start, last.end, ref, span.kind, match)
            if match.status == "unknown" and _words(ref) != list(_core_words(ref)):
                # A name's words plus a legal form it does not have ("Acme Holdings" beside
                # Acme Corporation) name an organization that is not there: unknown, not Acme.
                return OrganizationMention(first.start, last.end, ref, span.kind, match)
        return None

    def _spans(
        self,
        text: str,
        tokens: list[_Token],
        vocabulary: MentionVocabulary,
        readable: Collection[int] | None,
    ) -> list[_Span]:
        """For each token that may start a mention, the longest span naming readable ones."""
        spans = []
        for first in range(len(tokens)):
            if not tokens[first].plain or tokens[first].text.casefold() in _CONNECTORS:
                continue
            last = first
            while (
                not tokens[last].possessive
                and last + 1 < len(tokens)
                and last + 1 - first < _MAX_MENTION_WORDS
                and tokens[last + 1].plain
                and not text[tokens[last].end : tokens[last + 1].start].strip()
            ):
                last += 1
            after_scope_word = (
                first > 0
                and tokens[first - 1].text.casefold() in _SCOPE_WORDS
                and not text[tokens[first - 1].end : tokens[first].start].strip()
            )
            for end in range(last, first - 1, -1):
                if tokens[end].text.casefold() in _CONNECTORS:
                    continue
                introduced = after_scope_word and bool(_CLAUSE_END.match(text, tokens[end].end))
                chosen = tokens[first : end + 1]
                span = self._span(first, chosen, introduced, vocabulary, readable)
                if span is not None:
                    spans.append(span)
                    break
        return spans

    def _span(
        self,
        first: int,
        chosen: list[_Token],
        introduced: bool,
        vocabulary: MentionVocabulary,
        readable: Collection[int] | None,
    ) -> _Span | None:
        """What readable organizations ``chosen`` (consecutive plain tokens) may name, how;
        ``introduced``: the words follow "at", "for" or "from" and end a clause."""
        last = first + len(chosen) - 1
        words = _core_words(" ".join(token.text for token in chosen))
        if not words or _words(chosen[0].text)[:1] != [words[0]]:
            # The span starts with a name word, not a legal form or "the" ("the Acme NAS").
            return None

        def found(kind: MentionKind, ids: Iterable[int]) -> _Span | None:
            allowed = frozenset(i for i in ids if readable is None or i in readable)
            return _Span(first, last, kind, allowed, len(words)) if allowed else None

        key = "".join(words)
        token = chosen[0].text
        shorts = self._shorts.get(key, ())
        if (
            len(chosen) == 1
            and _short_name_counts(token, key, introduced, vocabulary)
            and (span := found("short_name", shorts))
        ):
            return span
        if len(words) == 1:
            # One word, perhaps with a legal form ("acme inc"): the one-word rules.
            written_as_name = introduced or _is_capitalised(token)
            if key in self._filler or not _word_counts(key, written_as_name, vocabulary):
                return None
        elif all(vocabulary.weak(word) for word in words):
            return None  # only the question's own words ("the network switch")
        return (
            found("name", self._names.get(key, ()))
            or found("words", self._leading.get(key, ()))
            or found("typo", self._misspelt(words, vocabulary))
        )

    def _misspelt(self, words: Sequence[str], vocabulary: MentionVocabulary) -> set[int]:
        """The organizations whose leading words ``words`` are, some of them misspelt (the
        legal form too: "Acme Corpoation")."""
        firsts = (
            self._close_first_words(words[0])
            if _may_be_misspelt(words[0], self._known_words, vocabulary)
            else (words[0],)
        )
        return {
            org_id
            for first in firsts
            for org_id in self._first_words.get(first, ())
            if any(
                _misspells(words, name, self._known_words, vocabulary)
                for name in (self._cores[org_id], self._full[org_id])
            )
        }


def _may_be_misspelt(word: str, known_words: set[str], vocabulary: MentionVocabulary) -> bool:
    """Only a long, unusual word is read as a misspelling: not weak, not ordinary English,
    not a word of some organization's name as it is."""
    return (
        len(word) >= TYPO_MIN_LETTERS
        and word not in known_words
        and not vocabulary.weak(word)
        and not vocabulary.common(word)
    )


def _short_name_counts(
    token: str, key: str, introduced: bool, vocabulary: MentionVocabulary
) -> bool:
    """A word equal to a short name names it: never a weak one ("HP", "NAS"); one of up to
    four letters only in capitals ("NW", "BP"), being too easily an abbreviation otherwise."""
    if vocabulary.weak(key) or key in _GENERIC_WORDS or key.isdigit():
        return False
    if len(key) <= 4:
        return len(key) >= 2 and token.isupper()
    return _word_counts(key, introduced or _is_capitalised(token), vocabulary)


def _word_counts(key: str, written_as_name: bool, vocabulary: MentionVocabulary) -> bool:
    """One word alone names something only when it is neither the question's vocabulary nor
    corporate filler, and, when it is ordinary English, written as a name (a capital, or in
    the place of a scope)."""
    if vocabulary.weak(key) or key in _GENERIC_WORDS or key.isdigit() or len(key) < 2:
        return False
    return written_as_name or not vocabulary.common(key)


def _misspells(
    words: Sequence[str],
    core: Sequence[str],
    known_words: set[str],
    vocabulary: MentionVocabulary,
) -> bool:
    """``words`` are the leading words of ``core`` with at least one misspelt: each is equal,
    or a long, unusual word (not weak, not ordinary English, no name's word) close to it."""
    if len(words) > len(core):
        return False
    typos = 0
    for word, name_word in zip(words, core, strict=False):
        if word == name_word:
            continue
        if (
            not _may_be_misspelt(word, known_words, vocabulary)
            or fuzz.ratio(word, name_word) < TYPO_MIN
        ):
            return False
        typos += 1
    return typos > 0
