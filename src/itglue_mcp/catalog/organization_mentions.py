"""Organizations named in the words of a question: "the DC at Northwind Traders", "Acme's NAS".

Free text is full of words that are not names, so :class:`MentionIndex` decides which words of
a question name an organization at all (a whole name, its leading words, a short name, a
misspelling; see :meth:`MentionIndex.find`), with a :class:`MentionVocabulary` saying which
words are the question's own; the words it finds are then resolved by
:func:`~itglue_mcp.catalog.organization_matching.match_organizations`, exactly as if they had
been written after ``@``.

Words in the place where questions name an organization ("at X", "for X", "X's …") that are
written as a name and come close to organization names without naming one ("Harborview
Dental" beside Harbor Dental Group and Harbour Dental Labs) are a mention of an **unknown**
organization: the question names one, so it must not be answered from the others.

Example::

    index = MentionIndex(candidates)
    mention = index.find("what's the IP of the DC at Northwind Traders", vocabulary)
    mention.ref, mention.kind, mention.match.organization.name
    # ('Northwind Traders', 'name', 'Northwind Traders')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from itglue_mcp.catalog.organization_matching import (
    GENERIC_WORDS,
    OrganizationMatch,
    OrgCandidate,
    core_words,
    match_organizations,
    name_key,
    name_words,
)

__all__ = [
    "TYPO_MIN",
    "TYPO_MIN_LETTERS",
    "UNKNOWN_CLOSE",
    "MentionIndex",
    "MentionKind",
    "MentionVocabulary",
    "OrganizationMention",
    "find_organization_mention",
]

TYPO_MIN = 80.0
"""Lowest rapidfuzz ``ratio`` at which a question's word is read as a misspelt name word
("Nortwind" / "northwind" 94, "Rosewod" / "rosewood" 93; one wrong letter of five is 80)."""
TYPO_MIN_LETTERS = 5
"""Shortest word read as a misspelling: shorter words are one letter away from too many."""

UNKNOWN_CLOSE = 70.0
"""Lowest :func:`match_organizations` score at which words written as a name in the place of
one, naming no organization, count as an unknown organization's name close to a known one
("Harborview Dental": Harbour Dental Labs 84, Harbor Dental Group 72). Below it the words are
read as something else the question is about, and left in it."""

MentionKind = Literal["name", "short_name", "words", "typo", "unknown"]
"""How a question's words name an organization: its whole name (legal form and corporate
filler aside), its short name, the leading words of its name, those words misspelt, or, for
``unknown``, words written as a name in the place of one that come close to names but name
none of them."""

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
            when the words are a name's plus a legal form or filler word it does not have,
            or for kind ``unknown`` (then its candidates are the close organizations).
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
        self._cores = {org.id: core_words(org.name) for org in organizations if org.name}
        # With legal form and filler, for a misspelt one ("Acme Corpoation").
        self._full = {
            org.id: tuple(word for word in name_words(org.name) if word != "the")
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

        Without such a span, **unknown** (:meth:`_unknown`): capitalised words in the place
        where questions name an organization — after "at", "for" or "from", or ending in a
        possessive — none of them weak or holding a digit, that come within
        :data:`UNKNOWN_CLOSE` of readable organizations' names sharing a word with each
        ("NAS serial at Harborview Dental" beside Harbor Dental Group): a mention of an
        unknown organization, those organizations its suggestions. Whether the words are a
        record's name instead ("at Front Desk") is the caller's to check, in the store.

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
            if match.status == "unknown" and name_words(ref) != list(core_words(ref)):
                # A name's words plus a legal form it does not have ("Acme Holdings" beside
                # Acme Corporation) name an organization that is not there: unknown, not Acme.
                return OrganizationMention(first.start, last.end, ref, span.kind, match)
        return self._unknown(text, tokens, vocabulary, candidates)

    def _unknown(
        self,
        text: str,
        tokens: list[_Token],
        vocabulary: MentionVocabulary,
        candidates: Sequence[OrgCandidate],
    ) -> OrganizationMention | None:
        """The first words in the place of a name, written as one, that come within
        :data:`UNKNOWN_CLOSE` of some organizations' names and share a word with each, the
        same or nearly (which become the suggestions): a fuzzy score alone finds "Nora"
        close to "Meridian Freight Corporation"."""
        for first, last in _name_places(text, tokens, vocabulary):
            chosen = tokens[first : last + 1]
            if not _written_as_a_name(chosen, vocabulary):
                continue
            ref = text[chosen[0].start : chosen[-1].start + len(chosen[-1].text)]
            match = match_organizations(ref, candidates)
            words = core_words(ref)
            close = [
                candidate
                for candidate in match.candidates
                if candidate.score >= UNKNOWN_CLOSE
                and _shares_a_word(words, core_words(candidate.organization.name))
            ]
            if close:
                unknown = OrganizationMatch(None, close, "unknown")
                return OrganizationMention(chosen[0].start, chosen[-1].end, ref, "unknown", unknown)
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
        words = core_words(" ".join(token.text for token in chosen))
        if not words or name_words(chosen[0].text)[:1] != [words[0]]:
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


def _name_places(
    text: str, tokens: Sequence[_Token], vocabulary: MentionVocabulary
) -> list[tuple[int, int]]:
    """Runs of tokens (first, last index) in the place where questions name an organization:
    the capitalised words after "at", "for" or "from" (up to a possessive), and those ending
    in a possessive ("where is Harborview Dental's NAS": back to the first weak word)."""

    def joined(left: int, right: int) -> bool:
        return not text[tokens[left].end : tokens[right].start].strip()

    def name_like(token: _Token) -> bool:
        return token.plain and (_is_capitalised(token.text) or token.text in _CONNECTORS)

    places = []
    for index, token in enumerate(tokens):
        if (
            token.text.casefold() in _SCOPE_WORDS
            and not token.possessive
            and index + 1 < len(tokens)
            and joined(index, index + 1)
        ):
            last = index + 1
            while (
                not tokens[last].possessive
                and last + 1 < len(tokens)
                and name_like(tokens[last + 1])
                and joined(last, last + 1)
            ):
                last += 1
            places.append((index + 1, last))
        if token.possessive:
            first = index
            while (
                first > 0
                and name_like(tokens[first - 1])
                and not vocabulary.weak(tokens[first - 1].text.casefold())
                and joined(first - 1, first)
            ):
                first -= 1
            places.append((first, index))
    return places


def _written_as_a_name(chosen: Sequence[_Token], vocabulary: MentionVocabulary) -> bool:
    """Capitalised words, none of them the question's vocabulary (IT, product and question
    words), nor a number, beginning and ending with a word: an organization's name as written,
    not a device ("Windows Server") or a sentence's first word ("What's")."""
    if not chosen or any(t.text in _CONNECTORS for t in (chosen[0], chosen[-1])):
        return False
    if not all(
        token.plain and _is_capitalised(token.text)
        for token in chosen
        if token.text not in _CONNECTORS
    ):
        return False
    words = [word for token in chosen for word in name_words(token.text)]
    return bool(core_words(" ".join(words))) and not any(
        any(ch.isdigit() for ch in word) or (word not in GENERIC_WORDS and vocabulary.weak(word))
        for word in words
    )


def _shares_a_word(words: Sequence[str], name: Sequence[str]) -> bool:
    """A word of at least four letters is in both, nearly: equal, one the start of the other
    ("harborview", "harbor") or misspelt (``ratio`` ≥ :data:`TYPO_MIN`)."""
    return any(
        len(word) >= 4
        and len(other) >= 4
        and word not in GENERIC_WORDS
        and (
            word.startswith(other) or other.startswith(word) or fuzz.ratio(word, other) >= TYPO_MIN
        )
        for word in words
        for other in name
    )


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
    if vocabulary.weak(key) or key in GENERIC_WORDS or key.isdigit():
        return False
    if len(key) <= 4:
        return len(key) >= 2 and token.isupper()
    return _word_counts(key, introduced or _is_capitalised(token), vocabulary)


def _word_counts(key: str, written_as_name: bool, vocabulary: MentionVocabulary) -> bool:
    """One word alone names something only when it is neither the question's vocabulary nor
    corporate filler, and, when it is ordinary English, written as a name (a capital, or in
    the place of a scope)."""
    if vocabulary.weak(key) or key in GENERIC_WORDS or key.isdigit() or len(key) < 2:
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
