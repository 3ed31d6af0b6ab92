"""Does a record's text say what the question says? Word coverage and literal identifiers.

Two checks the answer engine makes on the text of every candidate record, independent of how
the record was found (full-text, vector or graph):

- **coverage** — the share of the question's content words found in the text. Words are
  compared case-folded and with separators dropped, so "wifi" finds "Wi-Fi" and "acme-fw01"
  finds "ACME-FW01"; a word also matches a longer word it begins ("reset" → "resetting"), its
  singular ("keys" → "key") and, from four letters on, a word up to two letters shorter that
  begins it ("printed" → "print").
- **qualifiers** — whether a record carries the words that say *which* thing the question
  means (:func:`missing_qualifiers`), such as the make named through a kind's synonym
  (:func:`kind_brand_words`: "the FortiGate" is a firewall, and a FortiGate).
- **mentions** — whether a literal identifier from the question (IP address, MAC address,
  serial number, hostname) occurs in the text as a whole token: ``10.10.10.1`` is not found in
  ``10.10.10.15``, a MAC is found in any of its usual notations.

Example::

    coverage(("reset", "sophos", "vpn"), "Sophos VPN — reset a user's VPN access")  # 1.0
    mentions("10.10.10.1", "WAN 10.10.10.15")  # False
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from itglue_mcp.query.entities import keywords
from itglue_mcp.query.lexicon import CONFIGURATION_KINDS

__all__ = [
    "coverage",
    "kind_brand_words",
    "matched_words",
    "mentions",
    "missing_qualifiers",
    "word_forms",
]

# Runs of letters/digits joined by separators people put inside names and addresses.
_COMPOUND = re.compile(r"[0-9a-z]+(?:[-_.:/'\u2019][0-9a-z]+)*")
_PART = re.compile(r"[0-9a-z]+")
_SEPARATORS = re.compile(r"[^0-9a-z]+")
_PLURAL_ENDINGS = frozenset({"s", "es"})
_MAC = re.compile(r"^[0-9A-F]{2}(?::[0-9A-F]{2}){5}$")


def _fold(text: str) -> str:
    return text.casefold()


def word_forms(text: str) -> frozenset[str]:
    """Every word of ``text`` folded: each part ("wi", "fi") and each compound joined ("wifi")."""
    folded = _fold(text)
    forms = set(_PART.findall(folded))
    forms.update(_SEPARATORS.sub("", compound) for compound in _COMPOUND.findall(folded))
    return frozenset(forms)


def _word_matches(word: str, forms: frozenset[str]) -> bool:
    if word in forms:
        return True
    for form in forms:
        if len(word) >= 3 and form.startswith(word):
            return True
        if word.startswith(form) and (
            (len(form) >= 3 and word[len(form) :] in _PLURAL_ENDINGS)
            or (len(form) >= 4 and len(word) - len(form) <= 2)
        ):
            return True
    return False


def matched_words(words: Iterable[str], text: str) -> list[str]:
    """The ``words`` (question content words) that ``text`` contains, in their order."""
    forms = word_forms(text)
    matched = []
    for word in words:
        key = _SEPARATORS.sub("", _fold(word))
        if key and _word_matches(key, forms):
            matched.append(word)
    return matched


def missing_qualifiers(qualifiers: Iterable[str], text: str) -> list[str]:
    """The ``qualifiers`` (the question's words that say *which* thing: "milling",
    "fortigate", "reception") that ``text`` — one record's own fields — does not carry.

    The one rule every structured answer applies before answering with a record: a record
    missing any of them is another thing than the one asked about (a SonicWall for a
    FortiGate question), however close it is. Variation allowed is :func:`matched_words`'
    (case, separators, plurals, prefixes).
    """
    words = list(qualifiers)
    held = set(matched_words(words, text))
    return [word for word in words if word not in held]


# Words of the kind synonyms that name the role of a device, not its make: "firewall", "NAS
# box", "ESXi host" keep only "esxi". Every word of a canonical kind name is one of them.
_ROLE_WORDS = frozenset(
    {word for kind in CONFIGURATION_KINDS for word in keywords(kind)}
    | {
        "access", "active", "ad", "ap", "aps", "app", "application", "attached", "backup",
        "backups", "battery", "box", "boxes", "cluster", "clusters", "copier", "copiers",
        "core", "database", "db", "dc", "dcs", "desktop", "desktops", "device", "devices",
        "directory", "edge", "fi", "fw", "fws", "host", "hosts", "mfd", "mfds", "mfp", "mfps",
        "network", "node", "nodes", "notebook", "notebooks", "pc", "pcs", "plotter",
        "plotters", "poe", "points", "power", "share", "shares", "storage", "suppl", "supplies",
        "supply", "uninterruptible", "unit", "units", "utm", "utms", "virtualisation",
        "virtualization", "vm", "vms", "wi", "wifi", "wireless",
    }
)  # fmt: skip


def kind_brand_words(text: str, kind: str | None) -> list[str]:
    """The words of ``text`` naming a make or product through a synonym of ``kind``
    ("FortiGate", "Synology", "ESXi", "Palo Alto"), lower-cased, in order.

    They say *which* device of the kind is meant, so unlike the kind's role words they
    qualify the record: a SonicWall is a firewall but not a FortiGate.
    """
    if kind is None or kind not in CONFIGURATION_KINDS:
        return []
    found: list[str] = []
    for match in _kind_synonyms(kind).finditer(text):
        found += [w for w in keywords(match.group()) if not _role_word(w) and w not in found]
    return found


def _role_word(word: str) -> bool:
    singular = (
        word,
        word[:-1] if word.endswith("s") else "",
        word[:-2] if word.endswith("es") else "",
    )
    return any(form in _ROLE_WORDS for form in singular if form)


def _kind_synonyms(kind: str) -> re.Pattern[str]:
    """The synonyms of ``kind`` as whole words, as the lexicon matches them."""
    synonyms = "|".join(CONFIGURATION_KINDS[kind])
    return re.compile(rf"(?<![\w-])(?:{synonyms})(?![\w-])", re.IGNORECASE)


def coverage(words: Sequence[str], text: str) -> float:
    """Share (0-1) of ``words`` found in ``text``; 0.0 when there are no words."""
    if not words:
        return 0.0
    return len(matched_words(words, text)) / len(words)


def _identifier_pattern(value: str) -> re.Pattern[str]:
    if _MAC.match(value):
        # Any of AA:BB:…, AA-BB-…, AABB.CCDD.EEFF or bare hex: a separator is optional
        # between every pair of digits.
        pairs = value.split(":")
        body = r"[:.\-]?".join(pairs)
        return re.compile(rf"(?<![0-9a-f]){body}(?![0-9a-f])", re.IGNORECASE)
    # A dot followed by a word character continues the token (10.10.10.1 in 10.10.10.15 or
    # in 10.10.10.1.5); a dot ending a sentence does not.
    return re.compile(rf"(?<![\w.\-]){re.escape(value)}(?![\w\-]|\.\w)", re.IGNORECASE)


def mentions(value: str, text: str) -> bool:
    """Whether the literal ``value`` (IP, MAC as ``AA:BB:…``, serial, hostname) is in ``text``."""
    value = value.strip()
    return bool(value) and _identifier_pattern(value).search(text) is not None
