"""Deterministic, realistic MSP tenant generator writing an IT Glue dataset directory.

The directory holds one JSON:API list document per endpoint (``organizations.json``,
``configurations.json``, ``passwords.json``…), the format the simulator loads::

    from itglue_mcp.itglue.dataset import DEFAULT_SEED, generate_dataset

    summary = generate_dataset(Path("data"), organizations=10, seed=DEFAULT_SEED)
    summary.records["configurations"]
"""

from itglue_mcp.itglue.dataset.generator import (
    DEFAULT_SEED,
    DEFAULT_SMALL_ORGANIZATIONS,
    DatasetSummary,
    generate_dataset,
)

__all__ = ["DEFAULT_SEED", "DEFAULT_SMALL_ORGANIZATIONS", "DatasetSummary", "generate_dataset"]
