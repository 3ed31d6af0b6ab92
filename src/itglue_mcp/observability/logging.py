"""structlog configuration with a redaction processor.

Console rendering on a terminal, one JSON object per line otherwise (what log collectors in
Kubernetes expect). Every event passes :func:`redact_secrets` last before rendering, so a secret
handed to a logger by mistake is replaced rather than written.

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

__all__ = ["configure_logging", "quiet_model_libraries", "redact_secrets"]

REDACTED = "[redacted]"

# Keys whose values are secrets whatever they hold (IT Glue password values, API keys, tokens).
_SECRET_KEYS = re.compile(
    r"(pass(word)?|secret|token|api[_-]?key|authorization|otp|x-api-key)", re.IGNORECASE
)
# IT Glue API keys start with "ITG." (IT Glue API facts: Transport); bearer tokens are JWT-like.
_SECRET_VALUES = re.compile(r"ITG\.[A-Za-z0-9._-]+|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9._-]+")


def redact_secrets(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: replace secret-named fields and secret-looking substrings.

    Args:
        _logger: unused (structlog processor signature).
        _method: unused (structlog processor signature).
        event_dict: the event being logged; modified in place.

    Returns:
        The same mapping with values of keys matching password/secret/token/api-key replaced
        by ``[redacted]`` and IT Glue keys (``ITG.…``) or JWTs inside strings masked.
    """
    for key, value in list(event_dict.items()):
        if key != "event" and _SECRET_KEYS.search(key):
            event_dict[key] = REDACTED
        elif isinstance(value, str):
            event_dict[key] = _SECRET_VALUES.sub(REDACTED, value)
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
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_secrets,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=max(numeric, logging.WARNING), stream=sys.stderr, force=True)


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
