"""JSON:API responses of the simulated API: the media type, and errors as IT Glue shapes them.

IT Glue API facts: "Errors are JSON:API `{"errors":[{"status","title","detail"}]}`". Handlers
raise :class:`ApiError`; the app's exception handler turns it into that document::

    raise ApiError(404, "No configurations with id 42")
    # -> 404 {"errors": [{"status": "404", "title": "Not Found", "detail": "No configurations …"}]}

Details name the parameter or id that was wrong and never repeat a submitted value or a record.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from starlette.responses import JSONResponse

from itglue_mcp.errors import ItglueMcpError

__all__ = ["JSONAPI_MEDIA_TYPE", "ApiError", "JsonApiResponse", "error_response"]

JSONAPI_MEDIA_TYPE = "application/vnd.api+json"


class JsonApiResponse(JSONResponse):
    """A compact JSON body sent as ``application/vnd.api+json``."""

    media_type = JSONAPI_MEDIA_TYPE


class ApiError(ItglueMcpError):
    """An HTTP error answer of the simulated API, raised inside request handling.

    Args:
        status: HTTP status code (4xx or 5xx).
        detail: human-readable explanation naming what was wrong.
        headers: extra response headers, e.g. ``Retry-After``.
    """

    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})

    def response(self) -> JsonApiResponse:
        """The JSON:API error response for this error."""
        return error_response(self.status, self.detail, self.headers)


def error_response(
    status: int, detail: str, headers: Mapping[str, str] | None = None
) -> JsonApiResponse:
    """Build ``{"errors":[{"status","title","detail"}]}`` with the status' standard title.

    Args:
        status: HTTP status code; ``status`` in the body is its string form, as IT Glue sends it.
        detail: explanation for the caller.
        headers: extra response headers.
    """
    body: dict[str, Any] = {
        "errors": [{"status": str(status), "title": HTTPStatus(status).phrase, "detail": detail}]
    }
    return JsonApiResponse(body, status_code=status, headers=dict(headers or {}))
