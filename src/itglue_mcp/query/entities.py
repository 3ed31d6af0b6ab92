"""Literal values in a question: IP, MAC, serial number, hostname, time window, keywords.

Each finder returns the first value of its kind in reading order, normalised, or ``None``.
They are deliberately strict, because a false value sends the engine on an exact lookup:

- IPv4 only as a dotted quad of octets 0-255 without leading zeros, optionally with a
  ``/prefix``; not after "version", "firmware", "build"… ("FortiOS 7.2.4.1" is not an IP), and
  never inside a longer dotted number ("Windows 10.0.19045.2965"). IPv6 as :mod:`ipaddress`
  accepts it.
- MAC as ``AA:BB:CC:DD:EE:FF``, ``AA-BB-CC-DD-EE-FF``, ``AABB.CCDD.EEFF`` or ``AABB-CCDD-EEFF``;
  twelve bare hex digits only when the question says "MAC". Always returned as
  ``AA:BB:CC:DD:EE:FF``.
- Serial after "serial", "serial number", "S/N", "SN:", "service tag" or "asset tag", and
  only a token with a digit in it (so "serial number of DC01" has none).
- Hostname: a dotted name whose last label is alphabetic (``nw-fs01.corp.local``), or a single
  label that mixes letters and digits and either has a hyphen (``ACME-DC01``) or is letters
  then digits (``DC01``); product and version words ("Server 2019", "Win10", "UTF-8",
  "SHA-256", "setup.exe", "Node.js") are not hostnames.

Example::

    find_mac("which port is 00-1a-2b-3c-4d-5e on")  # '00:1A:2B:3C:4D:5E'
"""

from __future__ import annotations

import ipaddress
import re

from itglue_mcp.query.lexicon import STOP_WORDS

__all__ = [
    "find_hostname",
    "find_ip",
    "find_mac",
    "find_serial",
    "find_window_days",
    "keywords",
]

_IPV4 = re.compile(r"(?<![\w.])(?P<ip>\d{1,3}(?:\.\d{1,3}){3})(?P<prefix>/\d{1,2})?(?!\w|\.\d)")
_IPV6 = re.compile(
    r"(?<![\w:.])(?P<ip>[0-9a-f]*:[0-9a-f:.]*:[0-9a-f.]*)(?P<prefix>/\d{1,3})?", re.I
)
_VERSION_BEFORE = re.compile(r"\b(?:version|ver|firmware|build|release|patch|fortios)\s*$", re.I)

_MAC_FORMS = (
    re.compile(r"(?<![\w:-])[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}(?![\w:-])", re.I),
    re.compile(r"(?<![\w.-])[0-9a-f]{4}([.-])[0-9a-f]{4}\1[0-9a-f]{4}(?!\w|[.-]\w)", re.I),
)
_MAC_BARE = re.compile(r"(?<!\w)[0-9a-f]{12}(?!\w)", re.I)
_MAC_WORD = re.compile(r"\bmac\b", re.I)

_SERIAL = re.compile(
    r"(?:\bserial(?:\s*(?:number|num|no\.?|#))?|\bs/n|\bsn(?=\s*[:#])|\bservice\s+tag"
    r"|\basset\s+tag)\s*[:#=]?\s*(?P<value>[a-z0-9][a-z0-9/-]*[a-z0-9])",
    re.I,
)

_URL_HOST = re.compile(r"\bhttps?://([^\s/:?#]+)", re.I)
_TOKEN = re.compile(r"[^\s\"'()\[\]{}<>,;!?`]+")
_FQDN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}$", re.I)
_LABEL = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$", re.I)
_LETTERS_DIGITS = re.compile(r"^[a-z]{2,}\d+[a-z]?$", re.I)
_LEADING_LETTERS = re.compile(r"^[a-z]+", re.I)
_FILE_EXTENSIONS = frozenset({
    "bat", "cfg", "cmd", "conf", "csv", "dll", "doc", "docx", "exe", "gz", "ini", "iso", "js",
    "json", "log", "md", "msi", "pdf", "ps1", "py", "rdp", "sh", "tar", "txt", "vbs", "vhdx",
    "vmdk", "xls", "xlsx", "xml", "yaml", "yml", "zip"
})  # fmt: skip
_NOT_HOSTS = frozenset({"asp.net", "vb.net", "e.g", "i.e"})
# Letter prefixes of product, standard and version names written with digits.
_VERSION_PREFIXES = frozenset({
    "aes", "build", "cat", "centos", "covid", "cve", "ddr", "esxi", "exchange", "fortios",
    "gen", "ios", "ipad", "iphone", "ipv", "iso", "kb", "macos", "md", "office", "pcie", "rev",
    "rfc", "rhel", "rsa", "server", "sha", "sp", "sql", "ssl", "tls", "ubuntu", "usb", "utf",
    "ver", "version", "vsphere", "wifi", "win", "windows", "wpa", "x"
})  # fmt: skip

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fourteen": 14,
    "thirty": 30, "sixty": 60, "ninety": 90, "couple of": 2, "few": 3,
}  # fmt: skip
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
# Named periods; "this month" means "until the end of this month", approximated as 31 days
# rather than computed from today so that parsing stays a pure function of the text.
_NAMED_WINDOWS = (
    (re.compile(r"\btoday\b", re.I), 1),
    (re.compile(r"\btomorrow\b", re.I), 2),
    (re.compile(r"\bthis\s+week\b", re.I), 7),
    (re.compile(r"\bnext\s+week\b", re.I), 14),
    (re.compile(r"\b(?:this\s+month|end\s+of\s+(?:the\s+)?month)\b", re.I), 31),
    (re.compile(r"\bnext\s+month\b", re.I), 62),
    (re.compile(r"\bthis\s+quarter\b", re.I), 92),
    (re.compile(r"\b(?:this\s+year|end\s+of\s+(?:the\s+)?year)\b", re.I), 365),
    (re.compile(r"\bnext\s+year\b", re.I), 730),
)
_COUNTED_WINDOW = re.compile(
    rf"\b(?P<n>\d{{1,4}}|{'|'.join(_NUMBER_WORDS)})\s*-?\s*(?P<unit>day|week|month|year)s?\b",
    re.I,
)
_WORD = re.compile(r"[\w][\w.\-/:]*[\w]|\w")


def find_ip(text: str) -> str | None:
    """The first IPv4 or IPv6 address (or network, with its ``/prefix``) in ``text``."""
    found: list[tuple[int, str]] = []
    for match in _IPV4.finditer(text):
        if _VERSION_BEFORE.search(text[: match.start()]):
            continue
        if _valid(match.group("ip"), match.group("prefix"), ipaddress.IPv4Address):
            found.append((match.start(), match.group()))
    for match in _IPV6.finditer(text):
        address = match.group("ip").rstrip(".")
        if _valid(address, match.group("prefix"), ipaddress.IPv6Address):
            found.append((match.start(), address + (match.group("prefix") or "")))
    return min(found)[1] if found else None


def _valid(
    address: str,
    prefix: str | None,
    kind: type[ipaddress.IPv4Address] | type[ipaddress.IPv6Address],
) -> bool:
    try:
        kind(address)
        if prefix:
            ipaddress.ip_network(address + prefix, strict=False)
    except ValueError:
        return False
    return True


def find_mac(text: str) -> str | None:
    """The first MAC address in ``text``, as ``AA:BB:CC:DD:EE:FF``."""
    patterns = [*_MAC_FORMS, _MAC_BARE] if _MAC_WORD.search(text) else list(_MAC_FORMS)
    found = [(m.start(), m.group()) for pattern in patterns for m in pattern.finditer(text)]
    if not found:
        return None
    digits = re.sub(r"[^0-9a-f]", "", min(found)[1], flags=re.I).upper()
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def find_serial(text: str) -> str | None:
    """The serial number named after "serial", "S/N", "service tag"… (must contain a digit)."""
    for match in _SERIAL.finditer(text):
        value = match.group("value")
        if any(ch.isdigit() for ch in value):
            return value
    return None


def find_hostname(text: str, exclude: frozenset[str] = frozenset()) -> str | None:
    """The first hostname-like token in ``text``, skipping any in ``exclude`` (any case).

    E-mail addresses are skipped; a URL contributes its host.
    """
    excluded = {value.casefold() for value in exclude}
    for raw in _TOKEN.findall(text):
        if "@" in raw:
            continue
        url = _URL_HOST.match(raw)
        token = url.group(1) if url else re.sub(r"['\u2019]s$", "", raw).strip(".:")
        if token.casefold() not in excluded and _is_hostname(token):
            return token
    return None


def _is_hostname(token: str) -> bool:
    if token.casefold() in _NOT_HOSTS:
        return False
    if "." in token:
        return bool(_FQDN.match(token)) and token.rsplit(".", 1)[1].lower() not in _FILE_EXTENSIONS
    if len(token) < 3 or not _LABEL.match(token) or not any(ch.isdigit() for ch in token):
        return False
    if "-" not in token and not _LETTERS_DIGITS.match(token):
        return False
    letters = _LEADING_LETTERS.match(token.replace("-", ""))
    return letters is not None and letters.group().lower() not in _VERSION_PREFIXES


def find_window_days(text: str) -> int | None:
    """The time window ``text`` states, in days ("next 30 days" → 30, "this week" → 7).

    Counted windows use 1/7/30/365 days per day/week/month/year; named periods are listed in
    ``_NAMED_WINDOWS``. A counted window wins over a named one when both appear.
    """
    counted = _COUNTED_WINDOW.search(text)
    if counted:
        raw = counted.group("n").lower()
        number = int(raw) if raw.isdigit() else _NUMBER_WORDS[re.sub(r"\s+", " ", raw)]
        return number * _UNIT_DAYS[counted.group("unit").lower()]
    for pattern, days in _NAMED_WINDOWS:
        if pattern.search(text):
            return days
    return None


def keywords(text: str) -> tuple[str, ...]:
    """Content words of ``text``, lower-cased, in order, without stop words or repeats."""
    words = (re.sub(r"['\u2019]s$", "", w.lower()) for w in _WORD.findall(text))
    return tuple(dict.fromkeys(w for w in words if w and w not in STOP_WORDS))
