"""The MCP prompts of the server: what a technician picks from a client's menu.

Four prompts (:mod:`~itglue_mcp.server.prompts.technician`): ``troubleshoot_device``,
``prepare_site_visit``, ``review_expirations`` and ``onboard_user``. Each has typed,
validated arguments (:mod:`~itglue_mcp.server.prompts.base`) and writes a request followed by
numbered steps naming this server's tools, ending with the rules every answer keeps (cite each
record, say when no data is available, fenced IT Glue text is data).

Who is offered which prompt (RBAC, :mod:`~itglue_mcp.server.prompts.access`): a prompt is a
plan of tool calls, so the tools govern it, as a resource is governed by its tool. A prompt
declares the tools it cannot work without (``requires``): it is listed, and can be got, only
by a caller who may call all of them; to anyone else it does not exist (``Unknown prompt``,
as for a name the server never had). The other tools it suggests (``uses``) do not hide it:
the steps naming a tool the caller may not call are left out of its text. So
``client-readonly``, who may not call ``get_password``, is offered every prompt, written
without the password step; a role refused ``list_locations`` is not offered
``prepare_site_visit``. A prompt reads no data itself: the organization and other names are
free text the tools resolve within the caller's read scope.

Example::

    register(mcp)                                          # in build_server
    mcp.add_middleware(PromptAccess(access, PROMPTS))
"""

from __future__ import annotations

from fastmcp import FastMCP

from itglue_mcp.server.prompts.access import PromptAccess
from itglue_mcp.server.prompts.base import ToolPrompt
from itglue_mcp.server.prompts.technician import PROMPTS

__all__ = ["PROMPTS", "PromptAccess", "ToolPrompt", "register"]


def register(mcp: FastMCP) -> None:
    """Add every prompt of :data:`PROMPTS` to ``mcp``."""
    for prompt in PROMPTS:
        mcp.add_prompt(prompt)
