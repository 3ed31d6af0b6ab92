"""An unquoted ``@`` mention of a name with spaces: "@Northwind Traders" means the organization.

:func:`~itglue_mcp.query.scope.parse_scope` reads a bare mention up to the first space, as it
must without knowing any names: in "how do we reset the VPN at @Northwind Traders" the mention
is "Northwind". People rarely quote names, so once the organizations are known
:func:`widen_scope` tries the words that follow a bare mention: the longest run of up to
:data:`MAX_EXTRA_WORDS` words that, with the mention, names exactly one organization by its
name, short name or a run of its words (the exact and unique tiers of
:func:`~itglue_mcp.catalog.organization_matching.match_organizations`, never the fuzzy
one) becomes the mention, and those words leave the question text.

Example::

    scoped = widen_scope(question, parse_scope(question), candidates)
    scoped.organization_ref, scoped.text  # ('Northwind Traders', 'how do we reset the VPN?')
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from itglue_mcp.catalog.organization_matching import OrgCandidate, match_organizations
from itglue_mcp.query.scope import ScopedQuestion, parse_scope

__all__ = ["MAX_EXTRA_WORDS", "widen_scope"]

MAX_EXTRA_WORDS = 4
"""Most words after a bare mention tried as the rest of the organization's name."""

# A bare mention, as parse_scope reads it (quoted and bracketed forms are never widened).
_BARE = re.compile(r"(?<![\w.+\-])@(?P<ref>[\w&][\w&.\-]*)")
# One following word; a possessive or closing punctuation ends the run after that word.
_NEXT_WORD = re.compile(
    r"\s+(?P<word>[\w&][\w&.\-]*?)(?P<end>['\u2019]s\b|[?!.,;:])?(?=\s|$|[?!.,;:])"
)


def _following_words(text: str) -> list[tuple[str, int]]:
    """Up to :data:`MAX_EXTRA_WORDS` words at the start of ``text`` with where each ends."""
    words: list[tuple[str, int]] = []
    position = 0
    while len(words) < MAX_EXTRA_WORDS:
        match = _NEXT_WORD.match(text, position)
        if match is None:
            break
        ending = match.group("end") or ""
        # A possessive goes with the name ("@Northwind Traders's VPN"); punctuation stays.
        possessive = ending[:1] in ("'", "\u2019")
        words.append((match.group("word"), match.end("end") if possessive else match.end("word")))
        if ending:
            break
        position = match.end()
    return words


def widen_scope(
    question: str, scoped: ScopedQuestion, organizations: Sequence[OrgCandidate]
) -> ScopedQuestion:
    """``scoped`` with its bare mention extended over the words of a multi-word name.

    Args:
        question: the question as asked.
        scoped: :func:`parse_scope` of ``question``.
        organizations: every organization the caller may see.

    Returns:
        ``scoped`` unchanged when it has no bare mention or no following words complete a
        name; else the question re-parsed with the longest completing run quoted.
    """
    ref = scoped.organization_ref
    if ref is None:
        return scoped
    for mention in _BARE.finditer(question):
        if mention.group("ref").rstrip(".-").casefold() != ref.casefold():
            continue
        words = _following_words(question[mention.end() :])
        for count in range(len(words), 0, -1):
            candidate = " ".join([ref, *(word for word, _ in words[:count])])
            match = match_organizations(candidate, organizations)
            if match.organization is not None and match.status in ("exact", "unique"):
                end = mention.end() + words[count - 1][1]
                quoted = candidate.replace('"', "")
                try:
                    return parse_scope(f'{question[: mention.start()]}@"{quoted}"{question[end:]}')
                except ValueError:
                    # The two added quotes took a question at the length limit over it.
                    return scoped
    return scoped
