"""Which one attribute a question asks for ("the serial number of ACME-FW01"), and of what.

The vocabulary has two sources:

- **a lexicon** of the fields IT Glue gives every record of a kind, with the words technicians
  use for them: a configuration's serial number, model, manufacturer, operating system,
  warranty, asset tag, hostname, location, status and MAC address
  (:data:`CONFIGURATION_ATTRIBUTES`); the role of a configuration interface (WAN, LAN,
  out-of-band management, management: :data:`INTERFACE_ROLES`); a contact's e-mail, phone
  and title, a password entry's username and login URL, a domain's registrar, a location's
  address and phone (:data:`RECORD_ATTRIBUTES`).
- **the data**: the field names of every flexible asset type the store holds
  (:func:`~itglue_mcp.catalog.flexible_assets.asset_type_schemas`, read once per data
  generation by :class:`SchemaCache`): a type "ISP Circuit" with a field "Circuit ID" makes
  "what is the circuit ID of …" an attribute question without a code change. Interface names
  (``wan1``, ``iDRAC``, ``X1``) are read with the configuration a question is about, by the
  handler (:mod:`itglue_mcp.query.structured.attributes`).

A field name matches a question when every one of its distinctive words is in the question,
compared by :func:`stem` ("expiry", "expires" and "expiration" share ``expir``); the words
"date", "days", "on", "number"… are optional ("Retention Days" needs "retention"). The most
specific field wins (more words matched); between a date field and another ("Issued On",
"Issuer"), a question saying "when" or "date" takes the date.

Example::

    found = asked_attributes("what is the serial number of ACME-FW01", schemas=[])
    found.configuration.name, found.configuration.field  # ('serial number', 'serial_number')
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.configurations import operating_system_names
from itglue_mcp.catalog.flexible_assets import AssetField, AssetTypeSchema, asset_type_schemas
from itglue_mcp.catalog.generation import data_generation
from itglue_mcp.catalog.unit import reading
from itglue_mcp.query.handlers import AskedQuestion
from itglue_mcp.query.intent import IntentKind, detect_intent
from itglue_mcp.query.lexicon import FIELD_CUES, configuration_kind

__all__ = [
    "CONFIGURATION_ATTRIBUTES",
    "INTERFACE_ROLES",
    "RECORD_ATTRIBUTES",
    "AskedAttributes",
    "FieldTerm",
    "InterfaceRole",
    "RecordFamily",
    "SchemaCache",
    "TraitMatch",
    "asked_attributes",
    "best_traits",
    "operating_system_words",
    "restated",
    "stem",
    "without_spans",
]

RecordFamily = Literal["contact", "password", "domain", "location"]
"""Records whose attributes the lexicon names: contacts, password entries, domains,
locations."""


@dataclass(frozen=True, slots=True)
class FieldTerm:
    """One attribute of the lexicon as a question names it.

    Attributes:
        name: how answers name it ("serial number").
        field: the record's field holding it (``ConfigurationView.serial_number``), or for a
            record family the fact labels holding it (a regular expression).
        span: where the question names it (start, end).
    """

    name: str
    field: str
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class InterfaceRole:
    """An interface role the question names ("WAN"), the words it used, and whether it wants
    the MAC address rather than the IP.

    Attributes:
        role: the canonical role (a key of :data:`INTERFACE_ROLES`).
        said: the words of the question naming it, lower-cased ("idrac", "untrust").
        mac: the question asks for a MAC address.
        span: where the question names it.
    """

    role: str
    said: str
    mac: bool
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class TraitMatch:
    """A field of a flexible asset type the question names.

    Attributes:
        schema: the type.
        field: the field.
        score: the field's distinctive words found in the question (higher is more specific).
        spans: where the question names it.
    """

    schema: AssetTypeSchema
    field: AssetField
    score: int
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class AskedAttributes:
    """Every reading of a question as asking for one attribute (each may be ``None``).

    A handler tries them against the thing the question names: a configuration's field or
    interface, a flexible asset's field, a contact's, password entry's or domain's field.
    """

    configuration: FieldTerm | None = None
    interface: InterfaceRole | None = None
    traits: tuple[TraitMatch, ...] = ()
    records: dict[RecordFamily, FieldTerm] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.configuration or self.interface or self.traits or self.records)


def _rx(*synonyms: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{'|'.join(synonyms)})(?![\w-])", re.IGNORECASE)


# "where do I log into the firewall" asks where its login page is, not where it stands.
_WHERE_LOGIN = r"\s+(?:do|can|should|would)\s+(?:i|we|you)\s+(?:log|sign)\s*(?:in|on)(?:to)?"

CONFIGURATION_ATTRIBUTES: dict[str, tuple[str, re.Pattern[str]]] = {
    "serial number": (
        "serial_number",
        _rx(r"serial(?:\s*(?:numbers?|nums?|nos?\.?|#))?", r"service\s*tags?", r"s/n"),
    ),
    "model": ("model_name", _rx(r"models?(?:\s+(?:names?|numbers?))?")),
    "manufacturer": (
        "manufacturer_name",
        _rx(
            r"manufacturers?",
            r"manufactured\s+by",
            r"makers?",
            r"makes?",
            r"made\s+by",
            r"brand",
            r"vendors?",
            r"oem",
        ),
    ),
    "operating system": (
        "operating_system_name",
        _rx(
            r"operating\s+systems?(?:\s+versions?)?",
            r"os(?:\s+versions?)?",
            r"firmware(?:\s+versions?)?",
            r"(?:software\s+)?versions?",
        ),
    ),
    "warranty expiry": (
        "warranty_expires_at",
        _rx(r"warrant(?:y|ies)(?:\s+(?:expiry|expiration|end(?:\s+date)?|date|status))?"),
    ),
    "asset tag": ("asset_tag", _rx(r"asset\s*tags?")),
    "hostname": ("hostname", _rx(r"host\s*names?")),
    "location": (
        "location_name",
        _rx(
            r"locations?",
            r"located",
            r"(?:which|what)\s+(?:site|office|building)",
            rf"where(?!{_WHERE_LOGIN})",
        ),
    ),
    "status": ("configuration_status_name", _rx(r"status")),
    "MAC address": ("mac_address", _rx(r"mac(?:\s+address(?:es)?)?")),
}
"""Configuration attribute → (``ConfigurationView`` field, how questions name it)."""

# Interface roles: (how a question names the role, how an interface's name or notes shows it).
_OUT_OF_BAND = (
    r"idrac",
    r"drac",
    r"ilo\d?",
    r"ipmi",
    r"bmc",
    r"xclarity(?:\s+controller)?",
    r"xcc",
    r"imm\d?",
    r"cimc",
    r"irmc",
)
INTERFACE_ROLES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "WAN": (
        _rx(
            r"wan",
            r"untrust(?:ed)?",
            r"external",
            r"public",
            r"outside",
            r"internet(?:[-\s]facing)?",
            r"isp",
        ),
        re.compile(
            r"(?<![a-z])(?:wan\d*|untrust(?:ed)?|external|public|outside|internet|isp|upstream)"
            r"(?![a-z])",
            re.IGNORECASE,
        ),
    ),
    "LAN": (
        _rx(r"lan", r"trust(?:ed)?", r"inside", r"internal"),
        re.compile(r"(?<![a-z])(?:lan\d*|trust(?:ed)?|inside|internal)(?![a-z])", re.I),
    ),
    "out-of-band management": (
        _rx(r"out[-\s]?of[-\s]?band", r"oob", r"lights[-\s]out", *_OUT_OF_BAND),
        re.compile(
            rf"(?<![a-z])(?:{'|'.join((*_OUT_OF_BAND, 'oob', 'out-of-band'))})(?![a-z])", re.I
        ),
    ),
    "management": (
        _rx(r"management", r"mgmt", r"mgt"),
        re.compile(
            rf"(?<![a-z])(?:management|mgmt|mgt|nmc|{'|'.join(_OUT_OF_BAND)})(?![a-z])", re.I
        ),
    ),
}
"""Interface role → (how a question names it, how an interface's name or notes shows it)."""

_ADDRESS_ASK = _rx(
    r"ip(?:v[46])?s?(?:\s+address(?:es)?)?", r"address(?:es)?", r"mac(?:\s+address(?:es)?)?"
)
_MAC_ASK = _rx(r"mac(?:\s+address(?:es)?)?")

_PHONE = _rx(
    r"(?:tele)?phones?(?:\s+numbers?)?",
    r"mobiles?(?:\s+numbers?)?",
    r"cell(?:\s*phone)?(?:\s+numbers?)?",
    r"direct\s+(?:line|dial)",
    r"extensions?",
)

RECORD_ATTRIBUTES: dict[RecordFamily, dict[str, tuple[str, re.Pattern[str]]]] = {
    "contact": {
        "e-mail address": (
            r"e-mail",
            _rx(r"e-?mails?(?:\s+address(?:es)?)?", r"mail\s+address(?:es)?"),
        ),
        "phone number": (r"phone", _PHONE),
        "title": (r"^title$", _rx(r"(?:job\s+)?titles?", r"job", r"role", r"position")),
    },
    "password": {
        "username": (
            r"^username$",
            _rx(
                r"user\s*names?",
                r"user\s*ids?",
                r"users?",
                r"log\s*in\s+names?",
                # "the account Veeam runs as"; not "the account manager", "the account number"
                r"(?:service\s+)?accounts?(?:\s+names?)?"
                r"(?!\s+(?:managers?|reps?|representatives?|numbers?|executives?|owners?))",
                r"run\s+as",
            ),
        ),
        "login URL": (
            r"url",
            _rx(
                r"urls?",
                r"links?",
                r"web\s*sites?",
                r"web\s+address(?:es)?",
                r"log\s*in\s+(?:page|address)",
                r"portal\s+address",
                rf"where{_WHERE_LOGIN}",
            ),
        ),
    },
    "domain": {
        "registrar": (
            r"registrar",
            _rx(r"registrars?", r"registered(?:\s+(?:with|at|through))?"),
        ),
    },
    "location": {
        "address": (
            r"address|city|region|postal|country",
            re.compile(
                r"(?<![\w-])(?<!ip\s)(?<!mac\s)(?<!mail\s)(?<!web\s)(?<!wan\s)(?<!lan\s)"
                r"(?:(?:street|postal|mailing|physical)\s+)?address(?:es)?(?![\w-])",
                re.IGNORECASE,
            ),
        ),
        "phone number": (r"^phone$", _PHONE),
    },
}
"""Record family → attribute → (fact labels holding it, how questions name it)."""

# Words of a field name that only qualify it ("Retention Days", "Renewal Date", "Expires On").
_OPTIONAL_FIELD_WORDS = frozenset({
    "a", "an", "and", "at", "by", "count", "date", "day", "days", "for", "id", "in", "no",
    "number", "of", "on", "the", "to", "until"
})  # fmt: skip
# Fields that are not one value to answer with: secrets, section headers, files, free notes.
_NOT_ANSWERED_KINDS = frozenset({"password", "header", "upload"})
_NOT_ANSWERED_NAMES = frozenset({"notes", "note"})
# Tag fields linking password entries: the credential handler answers with the entries.
_ANSWERED_ELSEWHERE_TAGS = frozenset({"passwords"})
# An operating system name's words: "pan-os", "sonicos", "7.0.1".
_OS_WORD = re.compile(r"[a-z0-9][a-z0-9.-]*[a-z0-9]|[a-z0-9]")
_EDITION_WORDS = frozenset({
    "and", "datacenter", "edition", "enterprise", "essentials", "home", "ltsc", "pro",
    "professional", "standard", "the", "with"
})  # fmt: skip
_WHEN = _rx(r"when", r"dates?", r"what\s+day")
_DATE_KINDS = frozenset({"date"})
_WORD = re.compile(r"[a-z0-9]+", re.IGNORECASE)
# Question words with the field words they mean, as stems ("kept for 30 days" → retention).
_STEM_SYNONYMS = {"retai": "reten", "kept": "reten", "ca": "issue", "renew": "renew"}


def stem(word: str) -> str:
    """A crude stem for comparing a question's words with a field's: lower case, a plural
    "s" dropped, the first five letters ("expiry", "expires", "expiration" → ``expir``)."""
    lowered = word.lower()
    if len(lowered) > 3 and lowered.endswith("s") and not lowered.endswith("ss"):
        lowered = lowered[:-1]
    return lowered[:5]


_CUES = {
    concept: re.compile(rf"(?<![\w-])(?:{'|'.join(cues)})(?![\w-])", re.IGNORECASE)
    for concept, cues in FIELD_CUES.items()
}


def _question_stems(text: str) -> dict[str, list[tuple[int, int]]]:
    """The stems of ``text``'s words with where they are, and the field concepts its words
    cue (:data:`~itglue_mcp.query.lexicon.FIELD_CUES`) with where the cue is."""
    stems: dict[str, list[tuple[int, int]]] = {}
    for match in _WORD.finditer(text):
        key = stem(match.group())
        stems.setdefault(key, []).append(match.span())
        synonym = _STEM_SYNONYMS.get(key)
        if synonym and synonym != key:
            stems.setdefault(synonym, []).append(match.span())
    for concept, cue in _CUES.items():
        for match in cue.finditer(text):
            if match.end() > match.start():
                stems.setdefault(concept, []).append(match.span())
    return stems


def _trait_matches(text: str, schemas: Sequence[AssetTypeSchema]) -> list[TraitMatch]:
    """The fields of ``schemas`` whose distinctive words are all in ``text``, most specific
    first (:func:`best_traits` picks among them once the asset is known)."""
    stems = _question_stems(text)
    found: list[TraitMatch] = []
    for schema in schemas:
        for asset_field in schema.fields:
            kind = (asset_field.kind or "").lower()
            if kind in _NOT_ANSWERED_KINDS or asset_field.name.lower() in _NOT_ANSWERED_NAMES:
                continue
            if (asset_field.tag_type or "").lower() in _ANSWERED_ELSEWHERE_TAGS:
                continue
            words = [stem(w) for w in _WORD.findall(asset_field.name)]
            required = [w for w in words if w not in _OPTIONAL_FIELD_WORDS] or words
            if not required or any(w not in stems for w in required):
                continue
            spans = tuple(span for w in words if w in stems for span in stems[w])
            # Specificity counts every word of the field's found ("Circuit ID" over a
            # "Provider" cued by "ISP" in "ISP circuit ID"), optional ones too.
            score = len({w for w in words if w in stems})
            found.append(TraitMatch(schema, asset_field, score, spans))
    return sorted(found, key=lambda match: -match.score)


def best_traits(matches: Sequence[TraitMatch], text: str, subject: str = "") -> list[TraitMatch]:
    """The fields a question asks for among ``matches``, the asset it is about being known.

    A field sharing a word with the asset's own name ("Backup Server" in "the
    retention of the nightly server backup", "Guest Network" in "ACME-Guest wireless
    network") describes the subject, not the attribute, and is dropped, and so is one named
    only by words of its type's name when another is named otherwise; then the most
    specific fields win; between a date field and another ("Issued On", "Issuer"), a
    question saying "when" or "date" takes the date.

    Args:
        matches: fields named by the question.
        text: the question.
        subject: the names of the assets it is about.
    """
    subject_stems = {stem(word) for word in _WORD.findall(subject)}

    def describes_subject(match: TraitMatch) -> bool:
        words = [stem(w) for w in _WORD.findall(match.field.name)]
        return any(w in subject_stems and w not in _OPTIONAL_FIELD_WORDS for w in words)

    def names_type_only(match: TraitMatch) -> bool:
        # "bandwidth of the ISP circuit": "ISP" and "circuit" name the type, not a field.
        said = {stem(w) for start, end in match.spans for w in _WORD.findall(text[start:end])}
        return said <= {stem(w) for w in _WORD.findall(match.schema.name or "")}

    kept = [match for match in matches if not describes_subject(match)]
    if not kept:
        return []
    kept = [match for match in kept if not names_type_only(match)] or kept
    best = max(match.score for match in kept)
    kept = [match for match in kept if match.score == best]
    dated = [m for m in kept if (m.field.kind or "").lower() in _DATE_KINDS]
    undated = [m for m in kept if (m.field.kind or "").lower() not in _DATE_KINDS]
    if dated and undated:
        kept = dated if _WHEN.search(text) else undated
    return kept


def _interface_role(text: str) -> InterfaceRole | None:
    """The interface role ``text`` names next to an address word ("WAN IP", "iDRAC address")."""
    if not _ADDRESS_ASK.search(text):
        return None
    for role, (asked, _shown) in INTERFACE_ROLES.items():
        match = asked.search(text)
        if match:
            mac = bool(_MAC_ASK.search(text))
            return InterfaceRole(role, match.group().lower(), mac, match.span())
    return None


def operating_system_words(names: Iterable[str]) -> frozenset[str]:
    """The words of stored operating system names that name an operating system ("sonicos",
    "pan-os", "windows", "macos" from "macOS Sonoma 14.6"): lower-cased, at least three
    letters, not a number or version ("7.0.1", "u3"), not a configuration kind ("ESXi" names
    a hypervisor, "Server" a server) and not an edition word ("Standard", "Pro")."""
    words = set()
    for name in names:
        for word in _OS_WORD.findall(name.lower()):
            if sum(c.isalpha() for c in word) < 3 or word in _EDITION_WORDS:
                continue
            if configuration_kind(word) is None:
                words.add(word)
    return frozenset(words)


def _operating_system_term(text: str, os_words: Collection[str]) -> FieldTerm | None:
    """The operating system asked by name: a stored operating system's word before "version"
    ("SonicOS version"), or asked for by "what"/"which" ("what macOS is…")."""
    if not os_words:
        return None
    named = "|".join(re.escape(word) for word in sorted(os_words, key=len, reverse=True))
    pattern = re.compile(
        rf"(?:(?<![\w-])(?:what|which)\s+(?P<asked>{named})(?![\w-]))"
        rf"|(?:(?<![\w-])(?P<versioned>{named})\s+versions?(?![\w-]))",
        re.IGNORECASE,
    )
    match = pattern.search(text)
    if match is None:
        return None
    group = "asked" if match.group("asked") else "versioned"
    end = match.end()
    version = re.match(r"\s+versions?(?![\w-])", text[end:], re.IGNORECASE)
    if version:  # "which Windows version": the attribute's words run on to "version"
        end += version.end()
    return FieldTerm("operating system", "operating_system_name", (match.start(group), end))


def asked_attributes(
    text: str, schemas: Sequence[AssetTypeSchema], os_words: Collection[str] = ()
) -> AskedAttributes:
    """Every attribute ``text`` may be asking for (the first naming of each in the lexicon,
    and the flexible asset fields of ``schemas`` it names).

    Args:
        text: the question without its organization scope.
        schemas: the flexible asset types the store holds (their fields are vocabulary).
        os_words: words of the store's operating system names
            (:func:`operating_system_words`): "what SonicOS version" asks the operating system.
    """
    configuration = _operating_system_term(text, os_words)
    for name, (column, pattern) in CONFIGURATION_ATTRIBUTES.items():
        match = pattern.search(text)
        if match and (configuration is None or match.start() < configuration.span[0]):
            configuration = FieldTerm(name, column, match.span())
    records: dict[RecordFamily, FieldTerm] = {}
    for family, attributes in RECORD_ATTRIBUTES.items():
        for name, (labels, pattern) in attributes.items():
            match = pattern.search(text)
            if match and family not in records:
                records[family] = FieldTerm(name, labels, match.span())
    return AskedAttributes(
        configuration=configuration,
        interface=_interface_role(text),
        traits=tuple(_trait_matches(text, schemas)),
        records=records,
    )


def without_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the ``spans`` blanked out, spaces tidied (what is left of a question
    once its attribute's words are taken out names the thing asked about)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return re.sub(r"\s+", " ", "".join(chars)).strip()


def restated(asked: AskedQuestion, text: str, kind: IntentKind | None = None) -> AskedQuestion:
    """``asked`` as if its text were ``text`` (the attribute's words left out), its intent
    read again (of ``kind`` when given); a blank ``text`` keeps the question's own."""
    intent = detect_intent(text)
    if kind is not None:
        intent = replace(intent, kind=kind)
    return replace(asked, text=text or asked.text, intent=intent)


class SchemaCache:
    """The flexible asset types and fields of each store, reread when its data generation
    moves (one single-row read per question otherwise)."""

    def __init__(self) -> None:
        self._cached: weakref.WeakKeyDictionary[
            async_sessionmaker[AsyncSession],
            tuple[int, tuple[AssetTypeSchema, ...], frozenset[str]],
        ] = weakref.WeakKeyDictionary()

    async def vocabulary(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> tuple[tuple[AssetTypeSchema, ...], frozenset[str]]:
        """The store's flexible asset types with their fields, and the words of its
        configurations' operating system names (:func:`operating_system_words`).

        Raises:
            StoreError: the store failed.
        """
        async with reading(sessions) as session:
            generation = await data_generation(session)
            cached = self._cached.get(sessions)
            if cached is not None and cached[0] == generation:
                return cached[1], cached[2]
            schemas = tuple(await asset_type_schemas(session))
            os_words = operating_system_words(await operating_system_names(session))
        self._cached[sessions] = (generation, schemas, os_words)
        return schemas, os_words
