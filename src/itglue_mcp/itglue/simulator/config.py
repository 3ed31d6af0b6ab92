"""Settings of one simulator instance: accepted API keys, rate limit and injected faults.

::

    config = SimulatorConfig(api_keys={"ITG.demo": True}, rate_limit=3000, fail_rate=0.01, seed=7)
    app = create_app(dataset, config)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from itglue_mcp.errors import ConfigurationError

__all__ = ["SimulatorConfig"]


@dataclass(frozen=True)
class SimulatorConfig:
    """How the simulated API authenticates, limits and misbehaves.

    Attributes:
        api_keys: accepted ``x-api-key`` values mapped to their Password Access flag (IT Glue
            API facts: "A key has its own 'Password Access' flag").
        rate_limit: requests allowed per key within any ``rate_window_s`` (a rolling window, as
            IT Glue's 3000 per 5 minutes); ``None`` for no limit.
        rate_window_s: length of the rolling window, in seconds.
        latency_ms: delay added before every response, in milliseconds.
        fail_rate: probability in [0, 1] that an accepted request answers 500, 502 or 503.
        seed: seed of the fault generator, for reproducible runs; ``None`` for a random one.

    Raises:
        ConfigurationError: a value is out of range (non-positive limit or window, negative
            latency, ``fail_rate`` outside [0, 1]).
    """

    api_keys: Mapping[str, bool]
    rate_limit: int | None = None
    rate_window_s: float = 300.0
    latency_ms: float = 0.0
    fail_rate: float = 0.0
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ConfigurationError("simulator rate_limit must be at least 1 (or None)")
        if self.rate_window_s <= 0:
            raise ConfigurationError("simulator rate_window_s must be positive")
        if self.latency_ms < 0:
            raise ConfigurationError("simulator latency_ms must not be negative")
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ConfigurationError("simulator fail_rate must be between 0 and 1")
