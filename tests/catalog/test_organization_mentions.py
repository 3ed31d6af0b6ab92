"""Organizations named in the words of a question: which words count, how they resolve.

A small stand-in vocabulary keeps each rule visible here; the query layer's real one (the
lexicon, IT words, the model's English vocabulary) is tested in tests/query/test_mentions.py.
"""

from __future__ import annotations

import pytest

from itglue_mcp.catalog.organization_matching import OrgCandidate
from itglue_mcp.catalog.organization_mentions import MentionVocabulary, find_organization_mention

WEAK = {"the", "at", "for", "of", "is", "what", "ip", "dc", "nas", "firewall", "hp", "ac", "sophos"}
COMMON = {"golden", "valley", "heritage", "rosewood", "capital", "technology", "summit", "dental"}
VOCABULARY = MentionVocabulary(weak=WEAK.__contains__, common=COMMON.__contains__)

ACME = OrgCandidate(1, "Acme Corporation", "ACME")
NW = OrgCandidate(2, "Northwind Traders", "NW")
BP = OrgCandidate(3, "BrightPath Technology Partners", "BP")
HP = OrgCandidate(4, "Heritage Plastics", "HP")
RP = OrgCandidate(5, "Rosewood Pharmacy", "RP")
NWL = OrgCandidate(6, "Northwind Logistics", "NWL")
GVW = OrgCandidate(8, "Golden Valley Winery", "GVW")
AMFG = OrgCandidate(9, "Acme Manufacturing", "AMFG")
AC = OrgCandidate(10, "Acme Capital", "AC")
KB = OrgCandidate(11, "Kessler & Boyd LLP", "KB")
DEMO = [ACME, NW, BP, HP, RP, NWL, GVW, AMFG, AC, KB]


def _found(text: str, organizations: list[OrgCandidate] = DEMO) -> tuple[str, str, int] | None:
    """(the words taken as written, how they name it, the organization resolved) or None."""
    mention = find_organization_mention(text, organizations, VOCABULARY)
    if mention is None:
        return None
    assert mention.match.organization is not None, mention
    return text[mention.start : mention.end], mention.kind, mention.match.organization.id


RESOLVED = [
    # The whole name, anywhere in the question; a possessive belongs to the mention.
    ("what's the IP of the DC at Northwind Traders", ("Northwind Traders", "name", NW.id)),
    ("primary contact for Golden Valley Winery", ("Golden Valley Winery", "name", GVW.id)),
    ("where is Rosewood Pharmacy's main office", ("Rosewood Pharmacy's", "name", RP.id)),
    ("Northwind Traders' VPN", ("Northwind Traders'", "name", NW.id)),
    # Legal forms and filler dropped on either side; spacing and "&"/"and" ignored.
    ("the Acme NAS", ("Acme", "name", ACME.id)),
    ("Acme Corp firewall", ("Acme Corp", "name", ACME.id)),
    ("firewall of Heritage Plastics Inc.", ("Heritage Plastics Inc", "name", HP.id)),
    ("BrightPath Technology printers", ("BrightPath Technology", "name", BP.id)),
    ("Kessler and Boyd wifi", ("Kessler and Boyd", "name", KB.id)),
    ("the 'Acme' NAS", ("Acme", "name", ACME.id)),  # quotes are not part of it
    # Leading words of a name: the exact short name ACME makes "Acme" Acme Corporation.
    ("Acme's firewall", ("Acme's", "name", ACME.id)),
    ("what's the Golden Valley DC", ("Golden Valley", "words", GVW.id)),
    ("printers at Bright Path", ("Bright Path", "words", BP.id)),
    ("what's the IP of the Rosewood NAS", ("Rosewood", "words", RP.id)),
    ("backup of brightpath", ("brightpath", "words", BP.id)),
    # Short names written in capitals.
    ("what is the IP of the NAS at NW", ("NW", "short_name", NW.id)),
    ("the GVW firewall", ("GVW", "short_name", GVW.id)),
    # Misspellings of long, unusual words.
    ("IP of the SQL server at Nortwind Traders", ("Nortwind Traders", "typo", NW.id)),
    ("Rosewod Pharmacy printers", ("Rosewod Pharmacy", "typo", RP.id)),
    ("the Brightpth DC", ("Brightpth", "typo", BP.id)),
    ("Acme Corpoation firewall", ("Acme Corpoation", "typo", ACME.id)),
]


@pytest.mark.parametrize(("text", "expected"), RESOLVED)
def test_named_in_words(text: str, expected: tuple[str, str, int]) -> None:
    assert _found(text) == expected


NOT_NAMED = [
    "HP printers",  # a short name that is also a vendor
    "is the AC unit on the UPS",  # a short name that is also a technical acronym
    "nw firewall",  # a short name of up to four letters in lower case
    "ACME-DC01",  # part of a host name
    "when does acmecorp.com expire",  # part of a domain
    "e-mail bob@acme.com",
    "capital expenditure for the firewall",  # a later word of a name, ordinary English
    "Technology refresh plan",  # a later word of a name, even capitalised
    "the Pharmacy printer",  # a later word of a name
    "the golden image",  # an ordinary word of a name, in lower case
    "Sophos firewall",  # a weak word
    "Partners portal",  # filler
    "Nothing here at all",
    "the Acm NAS",  # a misspelling needs five letters
]


@pytest.mark.parametrize("text", NOT_NAMED)
def test_words_that_name_no_organization(text: str) -> None:
    assert _found(text) is None


def test_a_misspelt_first_word_shared_by_two_names_is_ambiguous() -> None:
    for text in ("firewall IP for Northwind", "the Nortwind DC"):
        mention = find_organization_mention(text, DEMO, VOCABULARY)
        assert mention is not None
        assert mention.match.status == "ambiguous"
        assert {c.organization.id for c in mention.match.candidates} == {NW.id, NWL.id}


def test_an_ordinary_word_counts_when_written_as_a_name() -> None:
    assert _found("where is Heritage") == ("Heritage", "words", HP.id)
    assert _found("where is heritage") is None
    # In the place of a scope: after "at", "for" or "from", ending a clause.
    assert _found("the NAS at rosewood") == ("rosewood", "words", RP.id)
    assert _found("admin login for golden valley?") == ("golden valley", "words", GVW.id)
    assert _found("the NAS at rosewood park") is None
    assert _found("rosewood NAS") is None
    # Several words of a name need no capital; all of them the question's words never do.
    assert _found("idrac ip at heritage plastics inc") == ("heritage plastics inc", "name", HP.id)
    weak_name = [OrgCandidate(1, "Firewall NAS Services")]
    assert _found("the firewall nas services", weak_name) is None
    assert _found("the Firewall NAS services", weak_name) is None


def test_a_word_that_follows_several_first_words_is_filler() -> None:
    dental = [OrgCandidate(1, "Harborview Dental"), OrgCandidate(2, "Smile Dental Group")]
    assert _found("the Dental printer", dental) is None
    assert _found("the Harborview Dental printer", dental) == ("Harborview Dental", "name", 1)
    # A first word that is ordinary English needs its capital, filler or not.
    assert _found("Summit firewall", [OrgCandidate(3, "Summit Ridge")]) == (
        "Summit",
        "words",
        3,
    )
    assert _found("summit firewall", [OrgCandidate(3, "Summit Ridge")]) is None


def test_a_known_name_with_a_legal_form_it_lacks_is_an_unknown_organization() -> None:
    mention = find_organization_mention("firewall at Acme Holdings", DEMO, VOCABULARY)
    assert mention is not None
    assert (mention.ref, mention.match.status, mention.match.organization) == (
        "Acme Holdings",
        "unknown",
        None,
    )


def test_only_the_given_organizations_are_named() -> None:
    # A caller that reads Acme only: Northwind's name is ordinary words.
    assert _found("firewall at Northwind Traders", [ACME]) is None
    # Among the readable ones a shared first word is no longer ambiguous.
    assert _found("firewall for Northwind", [ACME, NW]) == ("Northwind", "words", NW.id)
    assert find_organization_mention("anything", [], VOCABULARY) is None


def test_the_whole_name_wins_over_a_short_name_elsewhere() -> None:
    assert _found("NW notes about Rosewood Pharmacy") == ("Rosewood Pharmacy", "name", RP.id)
    assert _found("NW notes about Rosewood") == ("NW", "short_name", NW.id)


def test_a_name_may_start_the_question() -> None:
    # Telegraphic questions often start with the organization: its capital counts there too.
    assert _found("Heritage firewall model") == ("Heritage", "words", HP.id)
    assert _found("Golden Valley DC IP") == ("Golden Valley", "words", GVW.id)


def _unknown(text: str, organizations: list[OrgCandidate] = DEMO) -> tuple[str, set[str]] | None:
    """(the words taken as an unknown organization's name, the names suggested) or None."""
    mention = find_organization_mention(text, organizations, VOCABULARY)
    if mention is None:
        return None
    assert (mention.kind, mention.match.status, mention.match.organization) == (
        "unknown",
        "unknown",
        None,
    ), mention
    return mention.ref, {c.organization.name for c in mention.match.candidates}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # After "at", "for" or "from", and before a possessive: capitalised words close to
        # names (a word the same or nearly, and a close fuzzy score) that name none of them.
        (
            "switch serial at Brightway Technology",
            ("Brightway Technology", {"BrightPath Technology Partners"}),
        ),
        ("the NAS for Rosemont Pharmacy", ("Rosemont Pharmacy", {"Rosewood Pharmacy"})),
        ("Northfield Traders' VPN", ("Northfield Traders", {"Northwind Traders"})),
        ("is Kesslar Boyd's wifi up", ("Kesslar Boyd", {"Kessler & Boyd LLP"})),
    ],
)
def test_words_close_to_names_in_the_place_of_one_are_an_unknown_organization(
    text: str, expected: tuple[str, set[str]]
) -> None:
    assert _unknown(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "switch serial at brightway technology",  # not written as a name
        "Northfield Traders VPN",  # not in the place of a name
        "laptop serial for Nora",  # a fuzzy score alone: no word in common with a name
        "the printer at Front Desk",  # close to no name
        "firmware for Sophos Technology",  # an IT or product word
        "What's the NAS at Acme",  # a name that is there wins
        "the DC at Rosemont2 Pharmacy",  # a word with a digit is a host or model name
    ],
)
def test_words_that_are_no_unknown_organization(text: str) -> None:
    mention = find_organization_mention(text, DEMO, VOCABULARY)
    assert mention is None or mention.kind != "unknown"


def test_an_unknown_organization_is_only_close_to_given_organizations() -> None:
    # A caller that cannot read Rosewood Pharmacy: the words are close to nothing it reads.
    assert _unknown("the NAS for Rosemont Pharmacy", [ACME, NW]) is None
