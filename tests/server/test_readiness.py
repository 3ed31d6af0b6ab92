"""Readiness follows the store: not ready until a sync has succeeded."""

from __future__ import annotations

import httpx

from tests.server.conftest import serve_mcp_app


def test_not_ready_before_the_first_sync(database_url: str) -> None:
    for url in serve_mcp_app(database_url):
        response = httpx.get(f"{url}/readyz")
        assert response.status_code == 503
        assert response.json()["reason"] == "no sync has succeeded"
        assert httpx.get(f"{url}/healthz").status_code == 200
