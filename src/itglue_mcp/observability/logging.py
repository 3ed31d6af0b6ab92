"""structlog configuration: JSON or console lines, trace correlation and redaction.

Console rendering on a terminal, one JSON object per line otherwise (what log collectors in
Kubernetes expect). Each event carries the level, an ISO UTC timestamp, the context bound
with :func:`structlog.contextvars.bind_contextvars` (the access middleware binds the request
id and the caller's subject for each tool call) and — inside a span, or a request that
carried a W3C ``traceparent`` — ``trace_id`` and ``span_id`` (:func:`add_trace_context`).
Every event passes :func:`redact_secrets` last before rendering, so a secret handed to a
logger by mistake is replaced rather than written.

Example::

    configure_logging("INFO")
    structlog.get_logger(__name__).info("sync.page", stream="configurations", page=3)
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from itglue_mcp.observability.tracing import current_trace_ids

__all__ = ["add_trace_context", "configure_logging", "quiet_model_libraries", "redact_secrets"]

REDACTED = "[redacted]"

# Keys whose values are secrets whatever they hold (IT Glue password values, API keys, OTP
# seeds, OAuth tokens and client secrets, cookies). Matched on whole words of the key, so
# ``password`` and ``client_secret`` are caught and ``passage`` or ``tokenizer`` are not.
_SECRET_KEYS = re.compile(
    r"(^|[^a-z0-9])(pass(word|wd|phrase)?|pwd|secrets?|tokens?|authorization|otp|"
    r"cookies?|credentials?|api[_-]?keys?|x[_-]api[_-]key|private[_-]key)([^a-z0-9]|$)",
    re.IGNORECASE,
)
# Secret-looking values inside any string: IT Glue API keys start with "ITG." (IT Glue API
# facts: Transport); JWTs are three base64url parts, the first a JSON header ("eyJ");
# an RFC 6750 §2.1 credential follows "Bearer ".
_SECRET_VALUES = re.compile(
    r"ITG\.[A-Za-z0-9._-]+"
    r"|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*"
    r"|(?<=[Bb]earer )[A-Za-z0-9._~+/=-]+"
)
_MAX_DEPTH = 6
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _secret_key(key: object) -> bool:
    """Whether a field named ``key`` holds a secret (``apiKey`` reads as ``api_Key``)."""
    return isinstance(key, str) and _SECRET_KEYS.search(_CAMEL_HUMP.sub("_", key)) is not None


def _redact(value: Any, depth: int = 0) -> Any:
    """``value`` with secret-named keys and secret-looking substrings replaced, recursively."""
    if isinstance(value, str):
        return _SECRET_VALUES.sub(REDACTED, value)
    if depth >= _MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return {
            key: REDACTED if _secret_key(key) else _redact(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_redact(item, depth + 1) for item in value)
    return value


def redact_secrets(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: replace secret-named fields and secret-looking substrings.

    Args:
        _logger: unused (structlog processor signature).
        _method: unused (structlog processor signature).
        event_dict: the event being logged; modified in place.

    Returns:
        The same mapping with the values of keys naming a password, secret, token, API key,
        authorization header, OTP, cookie or credential replaced by ``[redacted]`` (in nested
        dicts and lists too), and IT Glue keys (``ITG.…``), JWTs and bearer credentials
        inside strings masked.
    """
    for key, value in list(event_dict.items()):
        if key != "event" and _secret_key(key):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _redact(value)
    return event_dict


def add_trace_context(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: ``trace_id`` and ``span_id`` of the current span, when there is one.

    Returns:
        ``event_dict`` with the two W3C ids (lowercase hex) added; unchanged outside a span.
    """
    ids = current_trace_ids()
    if ids is not None:
        event_dict.setdefault("trace_id", ids[0])
        event_dict.setdefault("span_id", ids[1])
    return event_dict


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is at the time of the write.

    structlog's print logger keeps the file it was given; a test runner or a daemoniser that
    swaps ``sys.stderr`` later would otherwise leave logging pointed at a closed stream.
    """

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "INFO", *, json: bool | None = None) -> None:
    """Configure structlog and the standard library root logger once per process.

    Args:
        level: a standard level name (``DEBUG``, ``INFO``, ``WARNING``, ``ERROR``).
        json: force JSON lines (True) or console rendering (False); default: console when
            stderr is a terminal.

    Raises:
        ValueError: if ``level`` is not a known level name.
    """
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ValueError(f"log_level: unknown level {level!r}")
    use_json = not sys.stderr.isatty() if json is None else json
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer()
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        add_trace_context,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, redact_secrets, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
    # Libraries log through the standard library (uvicorn, fastmcp, httpx, the MCP SDK): their
    # records are rendered by the same processors, so a process writes one format only.
    handler = logging.StreamHandler(_CurrentStderr())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                redact_secrets,
                renderer,
            ],
        )
    )
    logging.basicConfig(level=max(numeric, logging.WARNING), handlers=[handler], force=True)
    # fastmcp draws boxed rich lines on a handler of its own and stops propagation: send its
    # records to the root handler instead.
    for name in _OWN_HANDLER_LOGGERS:
        library = logging.getLogger(name)
        for own in library.handlers[:]:
            library.removeHandler(own)
        library.propagate = True


# Loggers that libraries give handlers of their own (a rich console, uvicorn's formatters).
_OWN_HANDLER_LOGGERS = ("fastmcp", "uvicorn", "uvicorn.error", "uvicorn.access")


# Environment read by the Hugging Face libraries when they are imported: no progress bars of
# their own ("Loading weights" while a model loads), no advisory warnings, no telemetry, and
# no fork warning from the tokenizers' thread pool.
_QUIET_MODEL_ENVIRONMENT = {
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}
_MODEL_LOGGERS = ("sentence_transformers", "transformers", "huggingface_hub", "torch")


def quiet_model_libraries() -> None:
    """Keep sentence-transformers, transformers and the Hugging Face Hub off the terminal.

    They draw tqdm bars and log notices while a model loads; on a terminal those cut through
    itglue-mcp's own progress display (rich, which this leaves alone). Environment variables
    the libraries read at import are set unless the user set them (``setdefault``), their
    loggers are raised to ERROR, and — when transformers was already imported — its own
    switches are flipped too. Call it before the model loads; idempotent.
    """
    for name, value in _QUIET_MODEL_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    for name in _MODEL_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    transformers_logging = sys.modules.get("transformers.utils.logging")
    if transformers_logging is not None:
        transformers_logging.disable_progress_bar()
        transformers_logging.set_verbosity_error()
