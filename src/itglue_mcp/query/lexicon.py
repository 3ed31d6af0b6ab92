"""Word lists the intent parser reads: configuration kinds, expiration kinds, stop words.

Canonical configuration kinds follow the configuration types an MSP keeps in IT Glue (the
simulator's ``CONFIGURATION_TYPES`` and the roles technicians name: domain controller, file
server…), with the synonyms and brand names technicians use for them.

Example::

    configuration_kind("reboot the Hyper-V hosts tonight")  # 'hypervisor'
    expiration_kind("warranties expiring soon")  # 'warranty'
"""

from __future__ import annotations

import re

__all__ = [
    "ASSET_TYPE_SYNONYMS",
    "CONFIGURATION_KINDS",
    "EXPIRATION_KINDS",
    "FIELD_CUES",
    "GENERIC_CONFIGURATION_KINDS",
    "LABEL_SYNONYMS",
    "STOP_WORDS",
    "configuration_kind",
    "expiration_kind",
]

CONFIGURATION_KINDS: dict[str, tuple[str, ...]] = {
    "firewall": (
        r"fire ?walls?",
        r"fws?",
        r"utms?",
        r"forti ?gates?",
        r"sonic ?walls?",
        r"watch ?guards?",
        r"pf ?sense",
        r"palo ?alto",
        r"meraki mx",
        r"sophos (?:xgs?|utm|firewall)",
    ),
    "switch": (r"(?:core |network |poe |access |edge )?switch(?:es)?",),
    "wireless access point": (
        r"wireless access points?",
        r"access points?",
        r"wi-?fi aps?",
        r"unifi aps?",
    ),
    "domain controller": (
        r"domain controllers?",
        r"dcs?",
        r"ad servers?",
        r"active directory servers?",
    ),
    "file server": (r"file ?servers?", r"file shares? servers?"),
    "sql server": (r"sql servers?", r"database servers?", r"db servers?"),
    "application server": (r"app(?:lication)? servers?",),
    "hypervisor": (
        r"hypervisors?(?: hosts?)?",
        r"hyper-?v(?: hosts?| servers?| clusters?)?",
        r"esxi(?: hosts?| servers?)?",
        r"vmware hosts?",
        r"vsphere hosts?",
        r"proxmox(?: hosts?| nodes?)?",
        r"vm hosts?",
        r"virtuali[sz]ation hosts?",
    ),
    "printer": (r"printers?", r"mf[pd]s?", r"copiers?", r"plotters?"),
    "nas": (
        r"nas(?: box(?:es)?| devices?| units?)?",
        r"synology",
        r"qnap",
        r"network attached storage",
    ),
    "ups": (r"ups(?:es)?", r"battery backups?", r"uninterruptible power suppl(?:y|ies)"),
    "router": (r"routers?",),
    "virtual machine": (r"virtual machines?", r"vms?"),
    "workstation": (r"workstations?", r"desktops?", r"pcs?"),
    "laptop": (r"laptops?", r"notebooks?"),
    "server": (r"servers?",),
}
"""Canonical configuration kind → synonyms (regular expressions, matched as whole words)."""

GENERIC_CONFIGURATION_KINDS = frozenset({"server"})
"""Kinds that yield to any more specific kind named in the same question."""

# "AP" and "WAP" collide with ordinary words in lower case ("ap" in "ap invoices"), so these
# two synonyms are kept apart from CONFIGURATION_KINDS and count only when written in capitals.
_CASE_SENSITIVE = {"wireless access point": re.compile(r"\bW?APs?\b")}

EXPIRATION_KINDS: dict[str, tuple[str, ...]] = {
    "warranty": (r"warrant(?:y|ies)",),
    "ssl certificate": (r"ssl", r"tls", r"certs?", r"certificates?"),
    # "domain" is also half of "domain controller", "domain admin"…: those are not domains.
    "domain": (
        r"domains?(?! controllers?| admins?| accounts?| join(?:ed)?| users?| passwords?| groups?)",
        r"domain names?",
    ),
    "license": (r"licen[cs]es?", r"licen[cs]ing", r"subscriptions?"),
}
"""Canonical expiration kind → synonyms (British and American spellings of licence alike)."""


FIELD_CUES: dict[str, tuple[str, ...]] = {
    "reten": (
        r"retain(?:ed)?",
        r"kept",
        r"keep",
        r"how\s+long",
        r"restore\s+points?",
        r"versions\s+kept",
    ),
    "seat": (
        r"(?:how\s+many|number\s+of|count\s+of)(?=(?:\s+[\w-]+){0,3}?\s+licen[cs]es?\b)",
        r"licen[cs]es?(?=\s+(?:do|does|are|have|has)\b)",
        r"(?<=how many )(?:[\w-]+\s+){0,2}?licen[cs]es?",
        r"(?<=number of )(?:[\w-]+\s+){0,2}?licen[cs]es?",
    ),
    "issue": (r"issued", r"signed\s+by", r"certificate\s+authority", r"\bca\b"),
    "resel": (r"buy", r"bought", r"purchased?", r"suppliers?", r"distributors?", r"resold"),
    "produ": (r"software", r"solutions?", r"tool", r"product", r"application", r"uses?", r"used"),
    "valid": (r"expir(?:y|es|ed|ation|ing|e)", r"runs?\s+out"),
    "provi": (r"isp", r"carrier", r"provider"),
    "sched": (r"(?<=when )(?:[\w-]+\s+){1,5}?runs?\b", r"what\s+time", r"how\s+often"),
}
"""Flexible asset field concepts (the stem of a field name's word, as
:func:`~itglue_mcp.query.attributes.stem` makes it) → other words questions ask them by
(regular expressions, matched as whole words): "how many restore points do we keep" asks a
"Retention" field, "who do we buy X from" a "Reseller", "how many X licences" the "Seats"."""

ASSET_TYPE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "isp": ("internet", "broadband", "uplink"),
    "circuit": ("internet", "line", "link"),
    "wi-fi": ("wifi", "wireless", "ssid"),
    "certificate": ("cert", "certs", "ssl", "tls"),
    "certificates": ("cert", "certs", "ssl", "tls"),
    "licence": ("license", "licenses", "licences", "licensing"),
    "license": ("licence", "licences", "licenses", "licensing"),
}
"""Words of flexible asset type names → other words technicians name such assets by ("the
internet" is the organization's ISP circuit)."""

LABEL_SYNONYMS: dict[str, str] = {"cell": "mobile", "cellphone": "mobile", "office": "work"}
"""Question words → the word IT Glue's contact labels use for them (phone and e-mail labels:
Work, Mobile, Home, Fax…)."""


def _compile(lexicon: dict[str, tuple[str, ...]]) -> list[tuple[str, re.Pattern[str]]]:
    return [
        (kind, re.compile(rf"(?<![\w-])(?:{'|'.join(synonyms)})(?![\w-])", re.IGNORECASE))
        for kind, synonyms in lexicon.items()
    ]


_CONFIGURATION_PATTERNS = _compile(CONFIGURATION_KINDS)
_EXPIRATION_PATTERNS = _compile(EXPIRATION_KINDS)

STOP_WORDS = frozenset({
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are",
    "as", "at", "be", "been", "before", "being", "below", "between", "both", "but", "by", "can",
    "could", "did", "do", "does", "doing", "done", "down", "during", "each", "else", "ever",
    "few", "for", "from", "further", "get", "gets", "give", "got", "had", "has", "have",
    "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "just", "know", "let", "lets", "like", "list", "look", "me", "might", "more",
    "most", "much", "must", "my", "need", "no", "nor", "not", "now", "of", "off", "on", "once",
    "only", "or", "other", "our", "ours", "out", "over", "own", "please", "pull", "same", "say",
    "see", "shall", "she", "should", "show", "so", "some", "still", "such", "tell", "than",
    "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those",
    "through", "to", "too", "under", "until", "up", "us", "very", "via", "want", "was", "we",
    "were", "what", "whats", "when", "where", "wheres", "which", "while", "who", "whom", "whos",
    "whose", "why", "will", "with", "would", "yes", "you", "your", "yours", "s", "find",
    "current", "currently", "exactly"
})  # fmt: skip
"""Words that carry no search value in a technician's question."""


def configuration_kind(text: str) -> str | None:
    """The canonical configuration kind ``text`` names, or ``None``.

    The first kind named wins, except that a generic kind ("server") yields to any specific
    one, and a longer synonym wins over one it contains ("SQL server" over "server").
    """
    found: list[tuple[bool, int, int, str]] = []
    for kind, pattern in _CONFIGURATION_PATTERNS:
        found.extend(
            (kind in GENERIC_CONFIGURATION_KINDS, m.start(), -len(m.group()), kind)
            for m in pattern.finditer(text)
        )
    for kind, pattern in _CASE_SENSITIVE.items():
        found.extend((False, m.start(), -len(m.group()), kind) for m in pattern.finditer(text))
    if not found:
        return None
    return min(found)[3]


def expiration_kind(text: str) -> str | None:
    """The canonical expiration kind ``text`` names first, or ``None``."""
    found = [
        (m.start(), kind) for kind, pattern in _EXPIRATION_PATTERNS for m in pattern.finditer(text)
    ]
    return min(found)[1] if found else None
