"""What a technician's question asks for, found with regular expressions and word lists (no LLM).

:func:`detect_intent` tests every intent's trigger, then picks the first that fired in the order
of :data:`PRECEDENCE` (the most specific reading of a question wins):

1. ``document`` — explicit how-to wording ("how do we …", "how to", "steps to", "procedure",
   "runbook", "SOP", "guide", "instructions", "documentation") or a question whether an action
   is safe or allowed ("is it safe to reboot X", "can we restart X"; not "can I get …").
   "How do I log in to X" is a ``credential`` question instead.
2. ``expiration`` — "expire", "expiring", "expiry", "renewal", "lapse", or "warranty".
3. ``relationship`` — "depends on", "related to", "what uses", "connected to", "dependencies".
4. ``credential`` — password, login, credentials, username, admin/service account, API key, PSK.
5. ``contact`` — contact, phone/mobile number, e-mail address, "who is the …".
6. ``mac_lookup``, 7. ``ip_lookup``, 8. ``serial_lookup`` — a literal MAC, IP or serial.
9. ``device_ip`` — asks for an IP ("IP", "IP address", "gateway") without giving one.
10. ``hostname_lookup`` — a hostname-like token.
11. ``configuration`` — a configuration kind ("the firewall", "domain controllers", "NAS box")
    or "devices"/"configurations"/"assets".
12. ``location`` — address, location, site, office, branch, "where is".
13. ``search`` — anything else.

So "password for the firewall at 10.0.0.1" is a ``credential`` question (its ``ip`` entity set)
and "how do we reset the Sophos VPN" a ``document`` one (target "Sophos VPN"). Entities are
extracted whatever the intent; ``target`` is read the way the chosen intent names its subject:
the phrase after "for/to/on/of" the trigger word, else the words right before it ("the Sophos
VPN password"), the object of a how-to verb, the device whose IP is asked, the literal value of
a lookup. A target phrase stops at a preposition, a verb of the question or punctuation.

Confidence is a heuristic in [0, 1]: a base per intent (0.95 for a literal MAC or IP, down to
0.7 for a hostname-like token and 0.3 for search) plus 0.05 when a target or identifying
entity was found, minus 0.1 for every other intent that also fired (at most 0.3), floored at
0.05; search scores 0.1 when the question has no content words at all.

Example::

    intent = detect_intent("what's the firewall IP")
    intent.kind, intent.entities.configuration_kind  # (IntentKind.DEVICE_IP, 'firewall')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from itglue_mcp.query import entities as extract
from itglue_mcp.query.lexicon import STOP_WORDS, configuration_kind, expiration_kind

__all__ = ["PRECEDENCE", "Entities", "Intent", "IntentKind", "detect_intent", "phrase_around"]


class IntentKind(StrEnum):
    """What a question asks for."""

    IP_LOOKUP = "ip_lookup"
    MAC_LOOKUP = "mac_lookup"
    SERIAL_LOOKUP = "serial_lookup"
    HOSTNAME_LOOKUP = "hostname_lookup"
    DEVICE_IP = "device_ip"
    CREDENTIAL = "credential"
    CONFIGURATION = "configuration"
    CONTACT = "contact"
    LOCATION = "location"
    DOCUMENT = "document"
    EXPIRATION = "expiration"
    RELATIONSHIP = "relationship"
    SEARCH = "search"


@dataclass(frozen=True, slots=True)
class Entities:
    """Values found in a question (``None`` or empty when absent).

    Attributes:
        ip: an IPv4/IPv6 address or network, as written.
        mac: a MAC address as ``AA:BB:CC:DD:EE:FF``.
        serial: a serial number or service tag, as written.
        hostname: a hostname-like token, as written.
        configuration_kind: canonical kind (``lexicon.CONFIGURATION_KINDS``).
        target: the thing the question is about ("DC01", "Sophos VPN", "main office").
        window_days: the time window stated, in days.
        expiration_kind: "warranty", "ssl certificate", "domain" or "license".
        keywords: content words, lower-cased, stop words removed.
    """

    ip: str | None = None
    mac: str | None = None
    serial: str | None = None
    hostname: str | None = None
    configuration_kind: str | None = None
    target: str | None = None
    window_days: int | None = None
    expiration_kind: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Intent:
    """A parsed question: its kind, its entities and how sure the parser is (0-1)."""

    kind: IntentKind
    entities: Entities
    confidence: float


PRECEDENCE: tuple[IntentKind, ...] = (
    IntentKind.DOCUMENT,
    IntentKind.EXPIRATION,
    IntentKind.RELATIONSHIP,
    IntentKind.CREDENTIAL,
    IntentKind.CONTACT,
    IntentKind.MAC_LOOKUP,
    IntentKind.IP_LOOKUP,
    IntentKind.SERIAL_LOOKUP,
    IntentKind.DEVICE_IP,
    IntentKind.HOSTNAME_LOOKUP,
    IntentKind.CONFIGURATION,
    IntentKind.LOCATION,
)
"""Intents in the order they win when several fire; ``search`` is the fallback after them."""


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_HOW_TO = _rx(
    r"\bhow\s+(?:(?:do|does|can|could|should|would|did)(?:\s+(?:i|we|you|one|they|someone|"
    r"users?))?|to)\s+(?P<verb>[\w-]+)(?:\s+(?:up|in|into|out|on|off|down|over|back))?"
)
# "is it safe to reboot X", "can we restart X during the day": a procedure's question too.
# Verbs that ask for a record rather than an action ("can I get the IP", "can we see the
# password") do not make one.
_SAFE_TO = _rx(
    r"\b(?:is\s+it\s+(?:safe|ok(?:ay)?|fine|alright|possible)\s+to\s+|"
    r"(?:can|could|should|may)\s+(?:i|we)\s+(?:safely\s+)?"
    r"(?!(?:get|see|find|have|know|look|access|use|check|view|grab|pull|read|ask|call|e-?mail|"
    r"contact|reach|log|login|sign|tell)\b))(?P<verb>[\w-]+)"
)
_HOW_TO_LOGIN = _rx(
    r"\b(?:how|where|is\s+it|can|could|should|may)\s+.*?\b"
    r"(?:log\s*(?:in|on|into|onto)|login|logon|sign\s*(?:in|on|into))\b"
)
_STEPS_TO = _rx(r"\b(?:steps?|process|procedure|instructions?)\s+(?:to|for\s+how\s+to)\s+[\w-]+")
_DOC_NOUN = _rx(
    r"\b(?:procedures?|runbooks?|run\s+books?|sops?|playbooks?|guides?|instructions|"
    r"how-?tos?|documentation|docs|documents?|kb\s+articles?|articles?|checklists?|"
    r"write-?ups?|walk\s*through|walk\s+me\s+through|troubleshoot(?:ing)?|steps)\b"
)
_EXPIRATION = _rx(
    r"\b(?:expir\w*|expiry|renewals?|renews?|due\s+for\s+renewal|lapse[sd]?|runs?\s+out|"
    r"warrant(?:y|ies))\b"
)
_EXPIRING_SUBJECT = _rx(
    r"\bwhen\s+(?:does|do|will|did|is|are)\s+(?P<t>.+?)\s+(?:expir|renew|lapse|run)"
)
_RELATIONSHIP = _rx(
    r"\b(?:(?:depends?|depending|relies|rely|runs?)\s+on|dependenc(?:y|ies)(?:\s+(?:of|for|on))?|"
    r"dependents(?:\s+of)?|related\s+(?:items?\s+)?(?:to|for|of)|relationships?\s+(?:of|for)|"
    r"(?:connected|linked|attached|plugged\s+into|tied)\s+to|"
    r"(?:what|which)(?:\s+[\w-]+){0,2}?\s+(?:uses?|relies\s+on|connects?\s+to|talks?\s+to)|"
    r"impact(?:ed)?\s+(?:of|by|if)|(?:would|will)\s+break(?:\s+if)?)\b"
)
_CREDENTIAL = _rx(
    r"\b(?:passwords?|passwd|pwd|passcodes?|passphrases?|pin(?:\s+codes?)?|credentials?|creds|"
    r"log\s?ins?|logons?|sign[- ]?ins?|user\s?names?|(?:local\s+)?admin(?:istrator)?\s+accounts?|"
    r"service\s+accounts?|root\s+accounts?|local\s+admin|api\s+keys?|secrets?|psk|"
    r"pre-?shared\s+keys?|wi-?fi\s+keys?|(?:bitlocker\s+)?recovery\s+keys?|bitlocker\s+keys?)\b"
)
_CONTACT = _rx(
    r"\b(?:contacts?|phone(?:\s+numbers?)?|mobile(?:\s+numbers?)?|cell(?:\s+(?:phone|number))?|"
    r"e-?mail\s+address(?:es)?|point\s+of\s+contact|poc|"
    r"who\s+(?:do|should|can)\s+(?:i|we)\s+(?:call|contact|e-?mail|ask|escalate\s+to)|"
    r"(?:who\s+is|who's|whos|who\s+are)\s+(?:the|our|their))\b"
)
_WHO_IS = _rx(r"\b(?:who\s+is|who's|whos|who\s+are)\s+(?:the|our|their)\b")
_LOCATION = _rx(
    r"\b(?:(?<!\bip\s)(?<!\bmac\s)(?<!\bemail\s)(?<!\be-mail\s)addresse?s?|locations?|sites?|"
    r"office(?!\s*365)s?|branch(?:es)?|headquarters|hq|premises|campus|warehouse|"
    r"where\s+is|where's|wheres|where\s+are)\b"
)
_IP_ASK = _rx(r"\b(?:ip(?:v[46])?s?|ip's|ip\s+address(?:es)?|(?:default\s+)?gateway)\b")
_DEVICE_WORDS = _rx(
    r"\b(?:devices?|configurations?|configs?|assets?|equipment|hardware|machines?)\b"
)

# Words that end a target phrase (prepositions, conjunctions, verbs of the question).
_BREAK_WORDS = frozenset({
    "at", "in", "on", "for", "from", "with", "when", "if", "after", "before", "via", "using",
    "during", "so", "because", "and", "or", "that", "which", "who", "to", "by", "is", "are",
    "was", "were", "does", "do", "did", "has", "have", "had", "will", "would", "should", "can",
    "could", "expire", "expires", "expiring", "expired", "be", "go", "goes", "went", "work",
    "works", "run", "runs", "please", "located"
})  # fmt: skip
_LEAD_WORDS = frozenset({
    "the", "a", "an", "our", "their", "my", "your", "this", "that", "to", "into", "on", "for",
    "of", "with", "does", "do", "is", "are"
})  # fmt: skip
_SPLIT = re.compile(r"\s+")
_TRAILING = re.compile(r"[?!.,;:)\]\"']+$")
_LEADING = re.compile(r"^[(\[\"']+")
_POSSESSIVE = re.compile(r"['\u2019]s$")


def _ends_clause(raw: str) -> bool:
    """A word written with closing punctuation ("VPN?", "DC01,") ends the phrase it is in."""
    return bool(_TRAILING.search(raw))


def _clean(word: str) -> str:
    return _POSSESSIVE.sub("", _LEADING.sub("", _TRAILING.sub("", word)))


def _phrase_after(text: str, end: int, limit: int = 6) -> str | None:
    """The noun phrase starting at ``end``: leading articles skipped, cut at a break word."""
    words: list[str] = []
    for raw in _SPLIT.split(text[end:].strip()):
        word = _clean(raw)
        lower = word.lower()
        if not words and lower in _LEAD_WORDS:
            continue
        if not word or lower in _BREAK_WORDS:
            break
        words.append(word)
        if _ends_clause(raw) or len(words) == limit:
            break
    return " ".join(words) or None


def _phrase_before(text: str, start: int, limit: int = 4) -> str | None:
    """The content words right before ``start`` ("the Sophos VPN password" → "Sophos VPN")."""
    words: list[str] = []
    for raw in reversed(_SPLIT.split(text[:start].strip())):
        word = _clean(raw)
        lower = word.lower()
        if not word or _ends_clause(raw) or lower in STOP_WORDS or lower in _BREAK_WORDS:
            break
        words.insert(0, word)
        if len(words) == limit:
            break
    return " ".join(words) or None


def _after_or_before(text: str, match: re.Match[str]) -> str | None:
    """The phrase after ``match`` when linked by for/to/on/of/into, else the one before it.

    "at" does not link: after a trigger it introduces a place ("the WAN IP at the main office").
    """
    return phrase_around(text, match.start(), match.end())


def phrase_around(text: str, start: int, end: int) -> str | None:
    """The thing the words ``text[start:end]`` are said of: the phrase after them when linked
    by for/to/on/of/into ("the serial number of ACME-FW01"), else the words right before them
    ("ACME-FW01's serial number", "the Sophos VPN password"), else the phrase after them.

    Returns:
        The phrase (possessive "'s" removed), or ``None`` when there is none.
    """
    linked = re.match(r"\s+(?:for|to|on|of|into)\b", text[end:], re.IGNORECASE)
    if linked:
        return _phrase_after(text, end + linked.end())
    return _phrase_before(text, start) or _phrase_after(text, end)


def _document_target(text: str) -> str | None:
    how = _HOW_TO.search(text) or _STEPS_TO.search(text) or _SAFE_TO.search(text)
    if how:
        verb = how.groupdict().get("verb")
        # "how does the backup work": the "verb" slot holds the subject's article.
        if verb and verb.lower() in _LEAD_WORDS:
            return _phrase_after(text, how.start("verb"))
        return _phrase_after(text, how.end())
    noun = _DOC_NOUN.search(text)
    return _after_or_before(text, noun) if noun else None


def _expiration_target(text: str) -> str | None:
    subject = _EXPIRING_SUBJECT.search(text)
    if subject:
        return _phrase_after(subject.group("t"), 0)
    match = _EXPIRATION.search(text)
    if match is None:
        return None
    linked = re.match(r"\s+(?:dates?\s+|status\s+)?(?:for|of|on)\b", text[match.end() :], re.I)
    return _phrase_after(text, match.end() + linked.end()) if linked else None


def _contact_target(text: str) -> str | None:
    who = _WHO_IS.search(text)
    if who:
        return _phrase_after(text, who.end())
    match = _CONTACT.search(text)
    return _after_or_before(text, match) if match else None


def _location_target(text: str) -> str | None:
    match = _LOCATION.search(text)
    if match is None:
        return None
    if match.group().lower().startswith("where"):
        return _phrase_after(text, match.end())
    linked = re.match(r"\s+(?:of|for)\b", text[match.end() :], re.IGNORECASE)
    if linked:
        return _phrase_after(text, match.end() + linked.end())
    # "site X" / "the main office": the location word belongs to the name.
    before = _phrase_before(text, match.start())
    return f"{before} {match.group()}" if before else _phrase_after(text, match.start())


def _first_target(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return _after_or_before(text, match) if match else None


def _target(kind: IntentKind, text: str, literals: Entities) -> str | None:
    """The thing ``text`` is about, read the way questions of ``kind`` name it."""
    match kind:
        case IntentKind.DOCUMENT:
            return _document_target(text)
        case IntentKind.EXPIRATION:
            return _expiration_target(text)
        case IntentKind.RELATIONSHIP:
            return _first_target(_RELATIONSHIP, text)
        case IntentKind.CREDENTIAL:
            return _first_target(_CREDENTIAL, text)
        case IntentKind.CONTACT:
            return _contact_target(text)
        case IntentKind.LOCATION:
            return _location_target(text)
        case IntentKind.DEVICE_IP:
            return literals.hostname or _first_target(_IP_ASK, text)
        case IntentKind.MAC_LOOKUP:
            return literals.mac
        case IntentKind.IP_LOOKUP:
            return literals.ip
        case IntentKind.SERIAL_LOOKUP:
            return literals.serial
        case IntentKind.HOSTNAME_LOOKUP | IntentKind.CONFIGURATION:
            return literals.hostname
        case _:
            return None


_BASE_CONFIDENCE = {
    IntentKind.MAC_LOOKUP: 0.95,
    IntentKind.IP_LOOKUP: 0.95,
    IntentKind.SERIAL_LOOKUP: 0.9,
    IntentKind.CREDENTIAL: 0.85,
    IntentKind.RELATIONSHIP: 0.85,
    IntentKind.EXPIRATION: 0.85,
    IntentKind.DEVICE_IP: 0.85,
    IntentKind.DOCUMENT: 0.8,
    IntentKind.CONTACT: 0.8,
    IntentKind.CONFIGURATION: 0.75,
    IntentKind.LOCATION: 0.7,
    IntentKind.HOSTNAME_LOOKUP: 0.7,
    IntentKind.SEARCH: 0.3,
}


def detect_intent(text: str) -> Intent:
    """Classify ``text`` (a question with any ``@organization`` scope already removed).

    Args:
        text: the question; may be empty (the result is then ``search`` with no entities).

    Returns:
        The intent, its entities and a confidence; see the module docstring for the rules.
    """
    ip, mac, serial = extract.find_ip(text), extract.find_mac(text), extract.find_serial(text)
    hostname = extract.find_hostname(
        text, exclude=frozenset(v for v in (ip, serial) if v is not None)
    )
    literals = Entities(
        ip=ip,
        mac=mac,
        serial=serial,
        hostname=hostname,
        configuration_kind=configuration_kind(text),
        window_days=extract.find_window_days(text),
        expiration_kind=expiration_kind(text),
        keywords=extract.keywords(text),
    )
    login_how_to = bool(_HOW_TO_LOGIN.search(text))
    fired = {
        IntentKind.DOCUMENT: not login_how_to
        and bool(
            _HOW_TO.search(text)
            or _STEPS_TO.search(text)
            or _SAFE_TO.search(text)
            or _DOC_NOUN.search(text)
        ),
        IntentKind.EXPIRATION: bool(_EXPIRATION.search(text)),
        IntentKind.RELATIONSHIP: bool(_RELATIONSHIP.search(text)),
        IntentKind.CREDENTIAL: login_how_to or bool(_CREDENTIAL.search(text)),
        IntentKind.CONTACT: bool(_CONTACT.search(text)),
        IntentKind.MAC_LOOKUP: mac is not None,
        IntentKind.IP_LOOKUP: ip is not None,
        IntentKind.SERIAL_LOOKUP: serial is not None,
        IntentKind.DEVICE_IP: ip is None and bool(_IP_ASK.search(text)),
        IntentKind.HOSTNAME_LOOKUP: hostname is not None,
        IntentKind.CONFIGURATION: literals.configuration_kind is not None
        or bool(_DEVICE_WORDS.search(text)),
        IntentKind.LOCATION: bool(_LOCATION.search(text)),
    }
    kind = next((k for k in PRECEDENCE if fired[k]), IntentKind.SEARCH)
    entities = replace(literals, target=_target(kind, text, literals))
    rivals = sum(1 for other in PRECEDENCE if fired[other] and other is not kind)
    return Intent(kind, entities, _confidence(kind, entities, rivals))


def _confidence(kind: IntentKind, entities: Entities, rivals: int) -> float:
    """Base for ``kind``, +0.05 if something was identified, -0.1 per rival (at most 3)."""
    if kind is IntentKind.SEARCH:
        return _BASE_CONFIDENCE[kind] if entities.keywords else 0.1
    identified = entities.target or entities.configuration_kind or entities.expiration_kind
    bonus = 0.05 if identified else 0.0
    score = _BASE_CONFIDENCE[kind] + bonus - 0.1 * min(rivals, 3)
    return round(min(1.0, max(0.05, score)), 2)
