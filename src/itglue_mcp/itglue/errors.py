"""Errors raised by the IT Glue API client, one class per way a request can end badly.

Callers catch the family they can act on; everything derives from :class:`ItglueError`, itself
under the package root::

    ItglueMcpError
    └── ItglueError                  any failure talking to IT Glue
        ├── AuthenticationFailed     401/403: bad key, or a key without Password Access
        ├── ResourceNotFound         404: the path does not exist (or is hidden from the key)
        ├── ValidationFailed         422: the API refused the parameters
        ├── RateLimited              429 still answered after the retry budget
        ├── ServiceUnavailable       5xx, timeouts, connection errors after the retry budget
        │   └── CircuitOpen          the breaker stayed open past the wait bound
        └── MalformedResponse        the body is not a JSON:API document we can read

No message carries a response body verbatim, a header value or the API key: IT Glue echoes
submitted values in validation errors (IT Glue API facts: Transport), so only a scrubbed and
truncated ``detail`` ever leaves this package.

Example::

    try:
        page = await client.fetch_page("/configurations", Configuration)
    except RateLimited as exc:
        await asyncio.sleep(exc.retry_after_s or 60)
"""

from __future__ import annotations

from itglue_mcp.errors import ItglueMcpError

__all__ = [
    "AuthenticationFailed",
    "CircuitOpen",
    "ItglueError",
    "MalformedResponse",
    "RateLimited",
    "ResourceNotFound",
    "ServiceUnavailable",
    "ValidationFailed",
]


class ItglueError(ItglueMcpError):
    """Root of every error about the IT Glue API or its answers."""


class AuthenticationFailed(ItglueError):
    """IT Glue refused the API key (HTTP 401 or 403).

    IT Glue API facts (Transport): a bad key gives 401, the docs also mention 403, and a key
    without "Password Access" is refused when it asks for password values.

    Attributes:
        status: the HTTP status code, 401 or 403.
    """

    def __init__(self, status: int) -> None:
        self.status = status
        super().__init__(
            f"IT Glue refused the API key (HTTP {status}): check ITGLUE_MCP_ITGLUE__API_KEY "
            "and, for password values, the key's Password Access flag"
        )


class ResourceNotFound(ItglueError):
    """The API answered 404 for a path.

    Attributes:
        path: the request path without its query string, e.g. ``/configurations/123``.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(f"IT Glue has no resource at {path} (HTTP 404)")


class ValidationFailed(ItglueError):
    """The API refused the request's parameters (HTTP 422).

    Attributes:
        path: the request path without its query string.
        detail: the ``detail``/``title`` of the JSON:API error objects with anything that looks
            like a secret replaced by ``[redacted]`` and truncated to 300 characters; ``None``
            when the error body could not be read.
    """

    def __init__(self, path: str, detail: str | None) -> None:
        self.path = path
        self.detail = detail
        suffix = f": {detail}" if detail else ""
        super().__init__(f"IT Glue refused the request to {path} (HTTP 422){suffix}")


class RateLimited(ItglueError):
    """IT Glue still answered 429 when the retry budget ran out.

    Attributes:
        retry_after_s: the last ``Retry-After`` the server sent, in seconds, or ``None``.
    """

    def __init__(self, path: str, attempts: int, retry_after_s: float | None) -> None:
        self.path = path
        self.retry_after_s = retry_after_s
        hint = f"; the server asks to wait {retry_after_s:.1f} s" if retry_after_s else ""
        super().__init__(
            f"IT Glue rate limit still exceeded for {path} after {attempts} attempts{hint}"
        )


class ServiceUnavailable(ItglueError):
    """IT Glue could not be reached or kept failing (5xx, timeout, connection error)."""


class CircuitOpen(ServiceUnavailable):
    """The circuit breaker is open and stayed so past the request's wait bound.

    The client raises it once a request has waited ``breaker_wait_s`` in all for a half-open
    trial that never succeeded (at once when that setting is 0); nothing more was sent.

    Attributes:
        reopens_in_s: seconds until the breaker lets a trial request through (0 when a trial
            is already in flight).
    """

    def __init__(self, reopens_in_s: float) -> None:
        self.reopens_in_s = reopens_in_s
        super().__init__(
            "IT Glue kept failing; requests are refused for the next "
            f"{reopens_in_s:.1f} s (circuit breaker open)"
        )


class MalformedResponse(ItglueError):
    """A response body is not a JSON:API document the client can read.

    The message names where the problem is and what it is, never the offending value, e.g.
    ``configurations record 123: attribute 'name': field required``.

    Attributes:
        resource_type: the JSON:API type that was expected, e.g. ``configurations``.
        record_id: the id of the offending record, or ``None`` for document-level problems.
        field: what was wrong, e.g. ``attribute 'name'`` or ``member 'type'``, or ``None``.
        problem: what is wrong with it.
    """

    def __init__(
        self,
        resource_type: str,
        problem: str,
        *,
        record_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.resource_type = resource_type
        self.record_id = record_id
        self.field = field
        self.problem = problem
        where = f"{resource_type} record {record_id}" if record_id else f"{resource_type} response"
        what = f"{field}: {problem}" if field else problem
        super().__init__(f"{where}: {what}")
