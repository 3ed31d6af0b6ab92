"""``itglue-mcp dataset``: write a deterministic, realistic IT Glue tenant to a directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["app", "generate"]

app = typer.Typer(help="Generate IT Glue datasets for the simulator.", no_args_is_help=True)


@app.command("generate")
def generate(
    out: Annotated[Path, typer.Option(help="Directory to write the dataset files into.")],
    orgs: Annotated[int, typer.Option(min=1, help="Number of organizations.")] = 10,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same files.")] = 7,
) -> None:
    """Generate a dataset directory in the format the simulator serves."""
    from itglue_mcp.itglue.dataset import generate_dataset

    summary = generate_dataset(out, organizations=orgs, seed=seed)
    table = Table("resource type", "records", title=f"dataset written to {summary.out_dir}")
    for resource_type, count in sorted(summary.records.items()):
        table.add_row(resource_type, str(count))
    table.add_row("total", str(summary.total_records))
    Console(stderr=True).print(table)
