"""One untrusted fence per quoted field of a list of records, not one per value.

A fence costs a header and a notice line; twenty snippets in twenty fences cost twenty of
each. :func:`~itglue_mcp.server.rendering.quote_untrusted_values` puts the values of one
field of several records in one fence, a line per record (``<type>/<id>: <text>``).
"""

from __future__ import annotations

import re
from typing import Any

from fastmcp import Client

FENCE = re.compile(r"<itglue-data untrusted=\"true\"([^>]*)>\n(.*?)\n</itglue-data>", re.S)


async def _text_and_content(mcp_url: str, tool: str, arguments: dict[str, Any]) -> Any:
    async with Client(f"{mcp_url}/mcp") as client:
        result = await client.call_tool(tool, arguments)
    return result.content[0].text, result.structured_content


async def test_search_snippets_share_one_fence_a_line_per_result(mcp_url: str) -> None:
    text, content = await _text_and_content(mcp_url, "search", {"query": "firewall", "limit": 10})

    snippets = [(r["source"], r["snippet"]) for r in content["results"] if r.get("snippet")]
    assert len(snippets) >= 2
    [(header, body)] = FENCE.findall(text)
    assert 'field="snippet"' in header
    lines = body.splitlines()
    for source, snippet in snippets:
        first = snippet.splitlines()[0]
        assert f"{source['record_type']}/{source['record_id']}: {first}" in lines


async def test_dependency_notes_share_one_fence(mcp_url: str) -> None:
    text, content = await _text_and_content(
        mcp_url, "get_dependencies", {"name": "NW-FW01", "organization": "NW", "depth": 2}
    )

    noted = [n for n in content["nodes"] if n.get("notes")]
    assert noted
    fences = FENCE.findall(text)
    assert [header for header, _ in fences] == [' field="related item notes"']
