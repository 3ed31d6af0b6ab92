"""Split an ``@organization`` scope off a technician's question.

A question may name the organization it is about anywhere in its text, as a bare word
(``@acme``) or, when the name has spaces, quoted (``@"Acme Corp"``, ``@'Acme Corp'``, typographic
quotes too) or bracketed (``@[Acme Corp]``). An ``@`` inside a word (an e-mail address such as
``bob@acme.com``) or followed by a space is not a scope. When the scope ends a clause, the
word that only introduced it ("at", "in", "for", "from", "within") goes with it, so the rest
reads as a plain question.

Example::

    parse_scope("what's the firewall IP at @Acme?")
    # ScopedQuestion(organization_ref='Acme', text="what's the firewall IP?")
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MAX_QUESTION_LENGTH", "ScopedQuestion", "parse_scope"]

MAX_QUESTION_LENGTH = 2000
"""Longest question accepted, in characters (before the scope is removed)."""

# One alternative per notation; the bare form keeps letters, digits, "_", "&", "." and "-" and
# swallows a possessive ("@Acme's firewall") so that "'s" is not left dangling in the text.
# The look-behind refuses an "@" that follows a word character, so e-mail addresses never match.
_SCOPE = re.compile(
    r"""(?<![\w.+\-])@(?:
        "(?P<dq>[^"]*)"
      | '(?P<sq>[^']*)'
      | \u201c(?P<tdq>[^\u201d]*)\u201d
      | \u2018(?P<tsq>[^\u2019]*)\u2019
      | \[(?P<br>[^\]]*)\]
      | (?P<bare>[\w&][\w&.\-]*?)[.\-]*(?:['\u2019]s\b)?(?![\w&.\-])
    )""",
    re.VERBOSE,
)
_UNTERMINATED = re.compile(r"""(?<![\w.+\-])@["'\[\u201c\u2018]""")
# Locative words that only served the scope ("the firewall IP at @Acme") when it ends a clause.
_DANGLING = re.compile(r"\s*\b(?:at|in|for|from|within)\s*$", re.IGNORECASE)
_CLAUSE_END = re.compile(r"^\s*(?:[?!.,;:]|$)")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ScopedQuestion:
    """A question with its organization scope taken out.

    Attributes:
        organization_ref: the organization as written after ``@`` (quotes removed, whitespace
            collapsed), or ``None`` when the question names none.
        text: the rest of the question, whitespace tidied; empty when the question was only
            a scope.
    """

    organization_ref: str | None
    text: str


def parse_scope(question: str) -> ScopedQuestion:
    """Find the ``@organization`` scope in ``question`` and remove it.

    Args:
        question: the technician's question, as typed.

    Returns:
        The scope (or ``None``) and the remaining text. A ref given twice (any case) counts once.

    Raises:
        ValueError: ``question`` is blank or longer than :data:`MAX_QUESTION_LENGTH` (naming
            ``question``); a scope is empty or has no closing quote or bracket, or two different
            scopes are given (naming ``organization``).
    """
    if not question or not question.strip():
        raise ValueError("question: must not be empty")
    if len(question) > MAX_QUESTION_LENGTH:
        raise ValueError(
            f"question: {len(question)} characters is over the limit of {MAX_QUESTION_LENGTH}"
        )
    matches = list(_SCOPE.finditer(question))
    refs = [_ref_of(match) for match in matches]
    if not matches and _UNTERMINATED.search(question):
        raise ValueError("organization: the quote or bracket after '@' is never closed")
    if any(not ref for ref in refs):
        raise ValueError("organization: the name after '@' is empty")
    distinct = list(dict.fromkeys(ref.casefold() for ref in refs))
    if len(distinct) > 1:
        named = " and ".join(repr(ref) for ref in dict.fromkeys(refs))
        raise ValueError(f"organization: ask about one organization at a time, not {named}")
    text = question
    # Splice from the end so earlier match offsets stay valid.
    for match in reversed(matches):
        text = _splice(text[: match.start()], text[match.end() :])
    tidy = _SPACE.sub(" ", text).strip()
    return ScopedQuestion(organization_ref=refs[0] if refs else None, text=tidy)


def _ref_of(match: re.Match[str]) -> str:
    raw = next(value for value in match.groupdict().values() if value is not None)
    return _SPACE.sub(" ", raw).strip()


def _splice(left: str, right: str) -> str:
    """Join the text either side of a removed scope, dropping a dangling "at" or separator."""
    if _CLAUSE_END.match(right):
        left = _DANGLING.sub("", left)
    left, right = left.rstrip(), right.lstrip()
    if not left:
        # A leading scope is often followed by ":" or "," ("@Acme: how do we …").
        return right.lstrip(",;: ")
    if not right or right[0] in "?!.,;:":
        return left + right
    return f"{left} {right}"
