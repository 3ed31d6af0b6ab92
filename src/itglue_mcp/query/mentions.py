"""Organizations named in the words of a question: "the DC at Northwind Traders", "Acme's NAS".

Technicians rarely write ``@org``; they name the organization in passing. :func:`take_mention`
finds such words with the one organization matcher
(:class:`~itglue_mcp.catalog.organization_mentions.MentionIndex`), reading a word
as a name only when the question's own vocabulary does not explain it better
(:data:`MENTION_VOCABULARY`):

- **weak** words never name an organization alone: the stop words and the configuration and
  expiration kinds of :mod:`~itglue_mcp.query.lexicon` ("firewall", "DC", "NAS", "SSL"), and
  :data:`IT_WORDS` — technical acronyms, vendors and products ("HP", "AC", "Sophos",
  "Microsoft", "Cloud").
- **common** words — ordinary English, taken from the WordPiece vocabulary of the packaged
  embedding model (about 20,000 whole words: "golden", "heritage", "capital"; invented names
  such as "Northwind" or "BrightPath" are not in it) — name an organization alone only when
  written with a capital.

How a word mention combines with an explicit organization (the ``organization`` argument or
an ``@`` mention, which win): words that name the same organization (or are ambiguous between
it and others) are taken out of the question; words that name another organization stay in
the question as ordinary words and do not scope it — they are as likely a device or product
name ("the Acme NAS" at another customer) as a contradiction, and an explicit choice is the
caller's. Only organizations the caller may read are matched, so a name it may not read reads
exactly as a name that does not exist: as ordinary words, or, when written as a name where
questions name one and close to readable organizations' names ("NAS serial at Harborview
Dental" beside Harbor Dental Group), as an unknown organization — unless the words are a
record's name (:func:`names_a_record`: a location "Main Office", a device "Front Desk PC"),
which the engine checks in the store.

Example::

    taken = take_mention("what's the IP of the DC at Northwind Traders", snapshot.mentions)
    taken.mention.ref, taken.text   # ('Northwind Traders', "what's the IP of the DC")
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.organization_matching import name_words
from itglue_mcp.catalog.organization_mentions import (
    MentionIndex,
    MentionVocabulary,
    OrganizationMention,
)
from itglue_mcp.catalog.search import search
from itglue_mcp.config.index import packaged_model_path
from itglue_mcp.query.lexicon import STOP_WORDS, configuration_kind, expiration_kind
from itglue_mcp.query.scope import parse_scope

__all__ = [
    "IT_WORDS",
    "MENTION_VOCABULARY",
    "TakenMention",
    "is_common_word",
    "names_a_record",
    "take_mention",
]

IT_WORDS = frozenset({
    # Technical acronyms a question uses as words ("the HP printer", "AC power", "the AD").
    "ac", "acl", "ad", "api", "av", "bios", "ca", "cctv", "cpu", "crm", "db", "dfs", "dhcp",
    "dkim", "dmarc", "dns", "edr", "erp", "ftp", "gpo", "hdd", "hp", "hpe", "hr", "http",
    "https", "id", "idrac", "iis", "ike", "ilo", "ip", "ipmi", "ipsec", "isp", "it", "kvm",
    "lan", "lte", "m365", "mac", "mfa", "msp", "mx", "nat", "nic", "noc", "ntp", "o365",
    "os", "otp", "ou", "pbx", "pdu", "pin", "pos", "psk", "raid", "ram", "rdp", "saas",
    "san", "sftp", "sip", "sla", "smb", "smtp", "snmp", "soc", "spf", "ssd", "ssh", "ssid",
    "sso", "ssl", "tcp", "tls", "udp", "url", "usb", "vlan", "voip", "vpn", "wan", "wifi",
    # Vendors and products technicians name ("the Sophos VPN", "Microsoft 365 admin").
    "acronis", "adobe", "amazon", "android", "apc", "apple", "aruba", "aws", "azure",
    "barracuda", "bitdefender", "brother", "canon", "cisco", "cloudflare", "crowdstrike",
    "cyberpower", "datto", "dell", "duo", "eaton", "entra", "epson", "exchange", "fortinet",
    "gmail", "godaddy", "google", "intune", "ios", "juniper", "keeper", "kyocera",
    "lastpass", "lenovo", "lexmark", "linux", "macos", "malwarebytes", "meraki", "microsoft",
    "mimecast", "netgear", "okta", "onedrive", "outlook", "proofpoint", "quickbooks", "ricoh",
    "ringcentral", "sentinelone", "sharepoint", "sophos", "teams", "ubiquiti", "ubuntu",
    "unifi", "veeam", "vmware", "webroot", "windows", "xerox", "zoom",
    # Words of the things a question asks about ("the Cloud backup", "Network diagram").
    "account", "admin", "backup", "cloud", "console", "dashboard", "email", "guest",
    "internet", "mail", "network", "office", "password", "phone", "portal", "wireless",
})  # fmt: skip
"""Acronyms, vendors, products and IT nouns that name no organization on their own.

Configuration and expiration kinds are not repeated here: :mod:`~itglue_mcp.query.lexicon`
recognises them with their synonyms ("FortiGate", "Synology", "DCs")."""

_WORD = re.compile(r"\w")
_NAMED_CANDIDATES = 20  # full-text hits whose names are compared with the words
_QUOTE_PAIRS = frozenset({("'", "'"), ('"', '"'), ("\u2018", "\u2019"), ("\u201c", "\u201d")})


@lru_cache(maxsize=65536)
def _is_weak(word: str) -> bool:
    """A folded word the question uses as IT or question vocabulary."""
    return (
        word in STOP_WORDS
        or word in IT_WORDS
        or configuration_kind(word) is not None
        or expiration_kind(word) is not None
    )


@cache
def _english_words() -> frozenset[str] | None:
    """The whole words of the packaged model's WordPiece vocabulary, or ``None`` without it."""
    try:
        lines = (Path(packaged_model_path()) / "vocab.txt").read_text("utf-8").splitlines()
    except OSError:
        return None
    return frozenset(line for line in lines if line.isalpha() and line.islower())


def is_common_word(word: str) -> bool:
    """Whether a folded word is ordinary English (in the packaged model's vocabulary).

    Without the vocabulary every word counts as ordinary, so one word alone names an
    organization only when written with a capital (the cautious reading).
    """
    words = _english_words()
    return words is None or word in words


MENTION_VOCABULARY = MentionVocabulary(weak=_is_weak, common=is_common_word)
"""The vocabulary questions are read with (see the module docstring)."""


@dataclass(frozen=True, slots=True)
class TakenMention:
    """A question after looking for an organization named in its words.

    Attributes:
        text: the question without the mention when it was taken (a locative word that only
            introduced it — "at", "for" — goes with it), else unchanged.
        mention: the words that name an organization, when taken; their ``ref`` resolves
            like an ``@`` mention.
    """

    text: str
    mention: OrganizationMention | None


def take_mention(
    text: str,
    organizations: MentionIndex,
    *,
    readable: Collection[int] | None = None,
    explicit: int | None = None,
) -> TakenMention:
    """Find the organization ``text`` names in words and take it out of the text.

    Args:
        text: the question, an ``@`` mention already removed.
        organizations: the organization directory's names
            (:attr:`~itglue_mcp.catalog.organizations.DirectorySnapshot.mentions`).
        readable: the organizations the caller may read (``None``: every one); no other
            is found.
        explicit: the id of the organization the argument or ``@`` mention chose, if any.

    Returns:
        The text without the mention, and the mention; ``text`` unchanged and no mention when
        no words name a readable organization, when they name another organization than
        ``explicit``, or when the question would be left with no words.
    """
    mention = organizations.find(text, MENTION_VOCABULARY, readable)
    if mention is None:
        return TakenMention(text, None)
    if explicit is not None:
        match = mention.match
        meant = (
            [match.organization]
            if match.organization is not None
            else [c.organization for c in match.candidates]
            if match.status == "ambiguous"
            else []  # an unknown organization's suggestions are not what the words name
        )
        if explicit not in {organization.id for organization in meant}:
            return TakenMention(text, None)
    # Remove it as parse_scope removes an @ mention, with the word that introduced it, and
    # with the quotes around it, if any ("the 'Acme' NAS").
    start, end = mention.start, mention.end
    if start > 0 and end < len(text) and (text[start - 1], text[end]) in _QUOTE_PAIRS:
        start, end = start - 1, end + 1
    quoted = mention.ref.replace('"', "")
    try:
        rest = parse_scope(f'{text[:start]}@"{quoted}"{text[end:]}').text
    except ValueError:
        # The added quotes took a question at the length limit over it.
        return TakenMention(text, None)
    if not _WORD.search(rest):
        return TakenMention(text, None)
    return TakenMention(rest, mention)


async def names_a_record(
    session: AsyncSession, words: str, readable: Collection[int] | None
) -> bool:
    """Whether ``words`` are (consecutive words of) the name of a record of the ``readable``
    organizations (``None``: any): a location "Main Office", a device "Front Desk PC", a
    contact "Nora Lee". Words in the place of an organization's name that the question could
    mean as such a record are not read as an unknown organization.

    Raises:
        StoreError: the store failed.
    """
    wanted = name_words(words)
    if not wanted:
        return False
    hits = await search(session, words, organization_ids=readable, limit=_NAMED_CANDIDATES)
    return any(
        hit.record_type != "organizations" and _has_run(name_words(hit.name), wanted)
        for hit in hits
    )


def _has_run(name: list[str], words: list[str]) -> bool:
    size = len(words)
    return any(name[start : start + size] == words for start in range(len(name) - size + 1))
