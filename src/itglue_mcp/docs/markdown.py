"""Markdown helpers for generated pages: text from code made safe for Python-Markdown.

Descriptions written for the README table or a tool schema hold characters Markdown reads as
markup (``RS*, PS*`` would turn into emphasis, ``<namespace>`` into an HTML tag). :func:`text`
escapes them outside code spans, which are left as written.

Example::

    text("RS*, PS* and `a|b` for <namespace>")   # 'RS\\*, PS\\* and `a|b` for &lt;namespace&gt;'
"""

from __future__ import annotations

import html

__all__ = ["cell", "code", "text"]

_MARKUP = str.maketrans({"*": r"\*", "_": r"\_", "[": r"\[", "]": r"\]"})


def text(value: str, *, pipes: bool = False) -> str:
    """``value`` as Markdown text: HTML and emphasis characters escaped outside code spans.

    Backtick-quoted spans are kept as written (Markdown escapes HTML inside them itself);
    reStructuredText's double backticks (docstrings) become single ones.

    Args:
        value: the text.
        pipes: also escape ``|`` outside code spans (a table cell); a ``\\|`` already
            escaped, as :mod:`itglue_mcp.config.reference` writes it, is kept.
    """
    parts = value.replace("``", "`").split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: no code span, escape everything
        parts = [value.replace("`", "'")]
    for index in range(0, len(parts), 2):
        part = html.escape(parts[index], quote=False).translate(_MARKUP)
        if pipes:
            part = part.replace("\\|", "|").replace("|", "\\|")
        parts[index] = part
    return "`".join(parts)


def cell(value: str) -> str:
    """``value`` as the text of one table cell: :func:`text` on one line, pipes escaped."""
    return text(" ".join(value.split()), pipes=True)


def code(value: str) -> str:
    """``value`` as one inline code span (backticks inside it are doubled around)."""
    if "`" in value:
        return f"`` {value} ``"
    return f"`{value}`"
