"""Access control of the prompts: ``prompts/list`` and ``prompts/get`` under the caller's roles.

The access middleware (:mod:`itglue_mcp.server.access`) controls tools; :class:`PromptAccess`
applies the same caller and permissions to the :class:`~itglue_mcp.server.prompts.base.
ToolPrompt` s:

- ``prompts/list`` shows a prompt only to a caller who may call every tool it ``requires``;
- ``prompts/get`` of a prompt the caller is not offered answers as for a prompt that does not
  exist (``Unknown prompt``); an offered one is written with the caller's permissions in
  context (:func:`~itglue_mcp.server.access.current_permissions`), so its text leaves out the
  steps whose tool the caller may not call.

Example::

    mcp.add_middleware(PromptAccess(access, PROMPTS))
"""

from __future__ import annotations

from collections.abc import Sequence

import mcp_types as mt
from fastmcp.exceptions import NotFoundError
from fastmcp.prompts.base import Prompt, PromptResult
from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext

from itglue_mcp.security.rbac import Permissions
from itglue_mcp.server.access import AccessMiddleware, permitted
from itglue_mcp.server.prompts.base import ToolPrompt

__all__ = ["PromptAccess"]


class PromptAccess(Middleware):
    """RBAC of the server's :class:`ToolPrompt` s (see the module).

    Args:
        access: the server's access middleware (who the caller is, its permissions).
        prompts: the prompts the server registered.
    """

    def __init__(self, access: AccessMiddleware, prompts: Sequence[ToolPrompt]) -> None:
        self._access = access
        self._prompts = {prompt.name: prompt for prompt in prompts}
        self._tools = sorted({tool for prompt in prompts for tool in prompt.tools})

    async def _permissions(self) -> Permissions:
        return await self._access.permissions(self._access.caller(), self._tools)

    def _offered(self, name: str, permissions: Permissions) -> bool:
        prompt = self._prompts.get(name)
        return prompt is None or all(permissions.may_call(tool) for tool in prompt.requires)

    async def on_list_prompts(
        self,
        context: MiddlewareContext[mt.ListPromptsRequest],
        call_next: CallNext[mt.ListPromptsRequest, Sequence[Prompt]],
    ) -> Sequence[Prompt]:
        """The prompts whose required tools the caller may all call."""
        prompts = await call_next(context)
        permissions = await self._permissions()
        return [prompt for prompt in prompts if self._offered(prompt.name, permissions)]

    async def on_get_prompt(
        self,
        context: MiddlewareContext[mt.GetPromptRequestParams],
        call_next: CallNext[mt.GetPromptRequestParams, PromptResult],
    ) -> PromptResult:
        """Write an offered prompt with the caller's permissions in context.

        Raises:
            NotFoundError: the caller is not offered the prompt (as for an unknown one).
        """
        name = context.message.name
        permissions = await self._permissions()
        if not self._offered(name, permissions):
            raise NotFoundError(f"Unknown prompt: {name!r}")
        with permitted(permissions):
            return await call_next(context)
