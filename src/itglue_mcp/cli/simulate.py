"""``itglue-mcp simulate``: serve a dataset directory with the IT Glue API's semantics."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["parse_rate_limit", "simulate"]

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*$")


def parse_rate_limit(value: str) -> tuple[int, float]:
    """Parse ``N/300s`` (requests per window in seconds) into ``(N, 300.0)``.

    Raises:
        typer.BadParameter: naming ``--rate-limit`` when the text is not of that form or zero.
    """
    match = _RATE.match(value)
    if match is None or int(match.group(1)) == 0 or float(match.group(2)) == 0:
        raise typer.BadParameter(
            f"expected N/SECONDS such as 3000/300s, got {value!r}", param_hint="--rate-limit"
        )
    return int(match.group(1)), float(match.group(2))


def simulate(
    data: Annotated[Path, typer.Option(help="Dataset directory (see `dataset generate`).")],
    host: Annotated[str, typer.Option(help="Bind address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8899,
    api_key: Annotated[
        list[str] | None, typer.Option(help="Accepted x-api-key value (repeatable).")
    ] = None,
    password_access: Annotated[
        bool, typer.Option(help="Whether the accepted keys have IT Glue Password Access.")
    ] = True,
    rate_limit: Annotated[
        str | None, typer.Option(help="Rolling rate limit per key, e.g. 3000/300s.")
    ] = None,
    latency_ms: Annotated[float, typer.Option(min=0, help="Latency added per response.")] = 0.0,
    fail_rate: Annotated[
        float, typer.Option(min=0, max=1, help="Share of requests answered with a 5xx.")
    ] = 0.0,
) -> None:
    """Serve an IT Glue API look-alike over a dataset directory, for demos and tests."""
    import uvicorn

    from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app

    limit, window = parse_rate_limit(rate_limit) if rate_limit else (None, 300.0)
    keys = api_key or [DEFAULT_SIMULATOR_KEY]
    config = SimulatorConfig(
        api_keys=dict.fromkeys(keys, password_access),
        rate_limit=limit,
        rate_window_s=window,
        latency_ms=latency_ms,
        fail_rate=fail_rate,
    )
    app = create_app(Dataset.load(data), config)
    uvicorn.run(app, host=host, port=port, log_level="warning", log_config=None)


# The key the simulator accepts when none is given; not a secret, it unlocks fake data only.
DEFAULT_SIMULATOR_KEY = "ITG.simulator-demo-key"
