"""Server capabilities that say what the server has and does: no list that never changes is
announced as changing, no ``prompts`` or ``resources`` without some.

FastMCP registers the ``prompts/*`` and ``resources/*`` handlers on every server, and the MCP
SDK derives the advertised capabilities from the registered handlers, so a server without a
single prompt or resource still declares both (MCP lifecycle, capability negotiation: a
server declares the features it offers). :class:`CapabilitiesMiddleware` removes ``prompts``
from the ``initialize`` result (handshake revisions) and the ``server/discover`` result
(2026-07-28) when the server lists no prompt, and ``resources`` when it lists no resource
and no resource template. The listings are read once, at the first handshake: tools, prompts
and resources are registered when the server is built and never change, so the server never
sends ``notifications/*/list_changed`` and no capability says ``listChanged`` (FastMCP
declares it true for all three).

Example::

    mcp.add_middleware(CapabilitiesMiddleware(mcp))
"""

from __future__ import annotations

from typing import Any

import mcp_types as mt
from fastmcp import FastMCP
from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext
from fastmcp.telemetry import suppress_fastmcp_telemetry

__all__ = ["CapabilitiesMiddleware"]


class CapabilitiesMiddleware(Middleware):
    """Drops the ``prompts`` / ``resources`` capabilities of a server that has none, and
    ``listChanged`` from the rest.

    Args:
        server: the server whose prompts, resources and resource templates are listed.
    """

    def __init__(self, server: FastMCP) -> None:
        self._server = server
        self._unused: set[str] | None = None

    async def unused(self) -> set[str]:
        """Names of the capabilities the server has nothing for: ``prompts``, ``resources``."""
        if self._unused is None:
            with suppress_fastmcp_telemetry():
                prompts = await self._server.list_prompts(run_middleware=False)
                resources = await self._server.list_resources(run_middleware=False)
                templates = await self._server.list_resource_templates(run_middleware=False)
            unused = set()
            if not prompts:
                unused.add("prompts")
            if not resources and not templates:
                unused.add("resources")
            self._unused = unused
        return self._unused

    async def _trimmed(self, capabilities: mt.ServerCapabilities) -> mt.ServerCapabilities:
        update: dict[str, Any] = dict.fromkeys(await self.unused())
        for name in ("tools", "prompts", "resources"):
            listed = getattr(capabilities, name)
            if name not in update and listed is not None:
                update[name] = listed.model_copy(update={"list_changed": None})
        return capabilities.model_copy(update=update)

    async def on_initialize(
        self,
        context: MiddlewareContext[mt.InitializeRequest],
        call_next: CallNext[mt.InitializeRequest, mt.InitializeResult | None],
    ) -> mt.InitializeResult | None:
        """The ``initialize`` result without the capabilities the server has nothing for, and
        without ``listChanged``."""
        result = await call_next(context)
        if result is None:
            return None
        return result.model_copy(update={"capabilities": await self._trimmed(result.capabilities)})

    async def on_discover(
        self,
        context: MiddlewareContext[mt.DiscoverRequest],
        call_next: CallNext[mt.DiscoverRequest, mt.DiscoverResult | dict[str, Any]],
    ) -> mt.DiscoverResult | dict[str, Any]:
        """The ``server/discover`` result, trimmed as the ``initialize`` one."""
        result = await call_next(context)
        if isinstance(result, mt.DiscoverResult):
            capabilities = await self._trimmed(result.capabilities)
            return result.model_copy(update={"capabilities": capabilities})
        return result
