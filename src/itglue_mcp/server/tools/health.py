"""PLACEHOLDER — being implemented."""

from __future__ import annotations

from fastmcp import FastMCP

from itglue_mcp.server.services import Services

__all__ = ["register"]


def register(mcp: FastMCP, services: Services) -> None:
    """Placeholder: registers nothing yet."""
