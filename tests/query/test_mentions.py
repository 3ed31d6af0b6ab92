"""Organizations named in words, with the vocabulary questions are read with, over the demo
tenant's organizations (the packaged question set's dataset).

Includes the measurement of the mention detector on the packaged question set: no question
that names no organization in words gets one (false positives), and every ``@org`` question
rewritten to name the organization in words — full name, name without its legal form, a
possessive, a one-letter misspelling — is scoped to that organization and leaves the same
question text as the ``@org`` did (hits).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import itglue_mcp.evaluation as evaluation
from itglue_mcp.catalog.organization_matching import OrgCandidate, match_organizations
from itglue_mcp.catalog.organization_mentions import MentionIndex, find_organization_mention
from itglue_mcp.evaluation.questions import QuestionSet, load_questions
from itglue_mcp.itglue.dataset.generator import generate_dataset
from itglue_mcp.query.mentions import MENTION_VOCABULARY, is_common_word, take_mention
from itglue_mcp.query.scope import parse_scope

PUBLIC_SET = Path(evaluation.__file__).parent / "questions" / "small.yaml"
HANDWRITTEN = Path(__file__).parents[1] / "evaluation" / "handwritten.yaml"
HANDWRITTEN_ORGANIZATIONS = (
    Path(__file__).parents[1] / "fixtures" / "handwritten" / "organizations.json"
)
_SUFFIXES = {"corporation", "inc", "llc", "llp", "ltd", "group", "partners", "co"}


@pytest.fixture(scope="module")
def public_set() -> QuestionSet:
    return load_questions(PUBLIC_SET)


@pytest.fixture(scope="module")
def organizations(
    public_set: QuestionSet, tmp_path_factory: pytest.TempPathFactory
) -> list[OrgCandidate]:
    """The organizations of the dataset the packaged question set is written against."""
    directory = tmp_path_factory.mktemp("demo-dataset")
    generate_dataset(
        directory,
        organizations=public_set.dataset.organizations,
        seed=public_set.dataset.seed,
    )
    rows = json.loads((directory / "organizations.json").read_text())["data"]
    return [
        OrgCandidate(int(row["id"]), row["attributes"]["name"], row["attributes"]["short-name"])
        for row in rows
    ]


def _org(organizations: list[OrgCandidate], name: str) -> OrgCandidate:
    return next(org for org in organizations if org.name == name)


@pytest.mark.parametrize(
    ("question", "rest", "named"),
    [
        (
            "what's the IP of the DC at Northwind Traders",
            "what's the IP of the DC",
            "Northwind Traders",
        ),
        (
            "who is the primary contact for Golden Valley Winery?",
            "who is the primary contact?",
            "Golden Valley Winery",
        ),
        ("where is Rosewood Pharmacy's main office", "where is main office", "Rosewood Pharmacy"),
        ("what's the IP of the Acme NAS", "what's the IP of the NAS", "Acme Corporation"),
        ("Acme's firewall IP", "firewall IP", "Acme Corporation"),
        ("IP of the SQL server at Nortwind Traders", "IP of the SQL server", "Northwind Traders"),
        ("what printers does BP have", "what printers does have", "BrightPath Technology Partners"),
        ('the NAS at "Acme Corporation"?', "the NAS?", "Acme Corporation"),
        ("the \u2018Acme\u2019 NAS", "the NAS", "Acme Corporation"),
    ],
)
def test_named_organization_leaves_the_question(
    organizations: list[OrgCandidate], question: str, rest: str, named: str
) -> None:
    taken = take_mention(question, MentionIndex(organizations))
    assert taken.text == rest
    assert taken.mention is not None and taken.mention.match.organization is not None
    assert taken.mention.match.organization.name == named


def test_words_naming_the_explicit_organization_leave_the_question(
    organizations: list[OrgCandidate],
) -> None:
    traders = _org(organizations, "Northwind Traders")
    logistics = _org(organizations, "Northwind Logistics")
    acme = _org(organizations, "Acme Corporation")
    question = "firewall IP for Northwind"
    # "Northwind" alone is ambiguous between the two: either explicit choice agrees with it.
    for explicit in (traders, logistics):
        taken = take_mention(question, MentionIndex(organizations), explicit=explicit.id)
        assert (taken.text, taken.mention is not None) == ("firewall IP", True)
    # Another organization's name stays in the question as ordinary words, unscoped; so
    # does a name the directory lacks, though close to the explicit one.
    taken = take_mention(question, MentionIndex(organizations), explicit=acme.id)
    assert (taken.text, taken.mention) == (question, None)
    other = "NAS serial at Northwind Holdings"  # "Northwind Traders" is suggested for it
    taken = take_mention(other, MentionIndex(organizations), explicit=traders.id)
    assert (taken.text, taken.mention) == (other, None)


def test_a_question_that_is_only_a_name_is_left_alone(organizations: list[OrgCandidate]) -> None:
    assert take_mention("Northwind Traders?", MentionIndex(organizations)).mention is None


@pytest.mark.parametrize(
    "question",
    [
        "Microsoft Cloud backup retention",
        "Network diagram of the main office",
        "Sophos VPN setup",
        "HP printer toner",
        "the AC unit in the server room",
    ],
)
def test_product_and_it_words_name_no_organization(question: str) -> None:
    # Organizations named with the words a question uses for other things.
    lookalikes = [
        OrgCandidate(1, "Cloud Nine Bakery"),
        OrgCandidate(2, "Network Partners Inc"),
        OrgCandidate(3, "Sophos Security Ltd"),
        OrgCandidate(4, "Capital Technology Group"),
        OrgCandidate(5, "Hilltop Printing", "HP"),
        OrgCandidate(6, "Acme Capital", "AC"),
    ]
    assert find_organization_mention(question, lookalikes, MENTION_VOCABULARY) is None
    # Their full names still name them.
    for question, meant in (
        ("backup at Cloud Nine Bakery", lookalikes[0]),
        ("Capital Technology refresh", lookalikes[3]),
        ("our capital technology budget", lookalikes[3]),
    ):
        named = find_organization_mention(question, lookalikes, MENTION_VOCABULARY)
        assert named is not None and named.match.organization == meant


def test_ordinary_english_comes_from_the_model_vocabulary() -> None:
    assert is_common_word("golden") and is_common_word("heritage")
    assert not is_common_word("northwind") and not is_common_word("brightpath")


def test_no_false_positives_on_the_packaged_questions(
    public_set: QuestionSet, organizations: list[OrgCandidate]
) -> None:
    """Every question with its ``@org`` taken out: only those that name one in words (the
    ones passing ``organization``, "switches at Northwind Logistics") find one, and that one."""
    unnamed = [q for q in public_set.questions if q.organization is None]
    named = [q for q in public_set.questions if q.organization is not None]
    assert len(unnamed) > 90 and named

    index = MentionIndex(organizations)
    false_positives = [
        (q.id, mention.ref)
        for q in unnamed
        if (mention := take_mention(parse_scope(q.question).text, index).mention)
    ]
    assert false_positives == []

    # Those passing ``organization`` mostly name it in words too ("at NW"); one names it only
    # inside a host name ("Admin GUI of ACME-FW01"), which is not a mention.
    found = {}
    for q in named:
        meant = match_organizations(q.organization or "", organizations).organization
        mention = take_mention(parse_scope(q.question).text, index).mention
        if mention is not None:
            found[q.id] = mention.match.organization == meant
    assert len(found) >= 10 and all(found.values())


def test_no_false_positives_on_the_handwritten_questions() -> None:
    """The hand-written account's questions: those naming no organization find none (not
    even an unknown one), and those naming one in words find that one — or, for a name
    the account lacks, an unknown organization, never another."""
    rows = json.loads(HANDWRITTEN_ORGANIZATIONS.read_text())["data"]
    organizations = [
        OrgCandidate(int(row["id"]), row["attributes"]["name"], row["attributes"].get("short-name"))
        for row in rows
    ]
    index = MentionIndex(organizations)
    questions = load_questions(HANDWRITTEN).questions
    unnamed = [q for q in questions if q.organization is None and q.about is None]
    assert len(unnamed) > 15
    false_positives = [
        (q.id, mention.ref)
        for q in unnamed
        if (mention := take_mention(parse_scope(q.question).text, index).mention)
    ]
    assert false_positives == []

    wrong = []
    for q in questions:
        if q.about is None:
            continue
        meant = match_organizations(q.about, organizations)
        mention = take_mention(q.question, index).mention
        if mention is None:
            continue
        if mention.kind == "unknown":
            if meant.status in ("exact", "unique"):
                wrong.append((q.id, mention.ref))
        elif mention.match.organization not in (None, meant.organization):
            wrong.append((q.id, mention.ref))
    assert wrong == []


def _typo(name: str) -> str:
    """One letter dropped from the middle of the first long word (else the longest one)."""
    words = name.split()
    at = max(range(len(words)), key=lambda i: (i == 0 and len(words[i]) >= 5, len(words[i])))
    word = words[at]
    words[at] = word[: len(word) // 2] + word[len(word) // 2 + 1 :]
    return " ".join(words)


def _without_suffix(name: str) -> str:
    words = name.split()
    return " ".join(words[:-1]) if words[-1].casefold() in _SUFFIXES else name


_VARIANTS: dict[str, Callable[[str, str, str], str]] = {
    # (question, @mention as written, the organization's name) -> the question in words
    "full name": lambda q, at, name: q.replace(at, name),
    "without suffix": lambda q, at, name: q.replace(at, _without_suffix(name)),
    "possessive": lambda q, at, name: f"{name}'s {parse_scope(q).text}",
    "one-letter typo": lambda q, at, name: q.replace(at, _typo(name)),
}


@pytest.mark.parametrize("variant", list(_VARIANTS))
def test_every_at_mention_rewritten_in_words_is_found(
    public_set: QuestionSet, organizations: list[OrgCandidate], variant: str
) -> None:
    rewrite = _VARIANTS[variant]
    index = MentionIndex(organizations)
    asked = 0
    misses = []
    for q in public_set.questions:
        ref = parse_scope(q.question).organization_ref
        meant = None if ref is None else match_organizations(ref, organizations).organization
        if ref is None or meant is None:
            continue  # no @ mention, or one of an organization that does not exist
        at = next(f"@{form}" for form in (f'"{ref}"', ref) if f"@{form}" in q.question)
        question = rewrite(q.question, at, meant.name)
        asked += 1
        taken = take_mention(question, index)
        found = None if taken.mention is None else taken.mention.match.organization
        # Handlers get the same text as for the @ mention: the name leaves no word behind.
        if found != meant or taken.text != parse_scope(q.question).text:
            misses.append((q.id, question, taken.text))
    assert asked > 60
    assert misses == []


def test_only_readable_organizations_are_found(organizations: list[OrgCandidate]) -> None:
    index = MentionIndex(organizations)
    traders = _org(organizations, "Northwind Traders")
    acme = _org(organizations, "Acme Corporation")
    question = "what's the IP of the DC at Northwind Traders"

    assert take_mention(question, index, readable={acme.id}) == take_mention(
        question, MentionIndex([]), readable=None
    )
    # Among the readable ones, "Northwind" alone is no longer shared with Northwind Logistics.
    taken = take_mention("firewall for Northwind", index, readable={acme.id, traders.id})
    assert taken.mention is not None and taken.mention.match.organization == traders


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("NAS serial at Goldfield Valley", "Goldfield Valley"),
        ("who is Rosemont Pharmacy's primary contact", "Rosemont Pharmacy"),
        ("DC IP for Acme Holdings", "Acme Holdings"),
        ("backup retention for Microsoft Cloud", None),  # product words
        ("the NAS at Main Office", None),  # close to no organization's name
        ("What's the Sophos firewall IP", None),
    ],
)
def test_a_name_the_directory_lacks_is_an_unknown_organization(
    organizations: list[OrgCandidate], question: str, unknown: str | None
) -> None:
    mention = take_mention(question, MentionIndex(organizations)).mention
    if unknown is None:
        assert mention is None
    else:
        assert mention is not None and mention.match.status == "unknown"
        assert (mention.ref, mention.match.organization) == (unknown, None)
