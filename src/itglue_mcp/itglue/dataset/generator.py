"""Generate a deterministic, realistic MSP tenant as an IT Glue dataset directory.

Orchestrates the other modules: account-wide lookups and flexible asset types first, then each
organization in turn (locations, contacts, configurations, domains, passwords, flexible assets,
documents, related items, expirations), streamed to the list files so memory stays bounded::

    summary = generate_dataset(Path("data"), organizations=10, seed=7)
    summary.total_records  # about 9,000
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from itglue_mcp.itglue.dataset.configurations import add_configurations
from itglue_mcp.itglue.dataset.contacts import add_contacts
from itglue_mcp.itglue.dataset.credentials import add_passwords
from itglue_mcp.itglue.dataset.documents import add_documents
from itglue_mcp.itglue.dataset.domains import add_domains
from itglue_mcp.itglue.dataset.expirations import add_expirations
from itglue_mcp.itglue.dataset.flexible_asset_types import build_asset_types
from itglue_mcp.itglue.dataset.flexible_assets import add_flexible_assets
from itglue_mcp.itglue.dataset.locations import add_locations
from itglue_mcp.itglue.dataset.lookups import build_lookups
from itglue_mcp.itglue.dataset.network import MacFactory
from itglue_mcp.itglue.dataset.organizations import (
    NameRegistry,
    add_quick_notes,
    organization_record,
    plan_profile,
)
from itglue_mcp.itglue.dataset.records import IdAllocator
from itglue_mcp.itglue.dataset.related import add_related_items
from itglue_mcp.itglue.dataset.tenant import Account, Tenant
from itglue_mcp.itglue.dataset.writer import DatasetWriter

__all__ = ["DatasetSummary", "generate_dataset"]

DEFAULT_SMALL_ORGANIZATIONS = 10
"""Organizations in the small dataset used by the demo and tests."""

DEFAULT_SEED = 7
"""Seed of the default dataset."""


@dataclass(frozen=True)
class DatasetSummary:
    """What :func:`generate_dataset` wrote.

    Attributes:
        out_dir: the dataset directory.
        organizations: number of organizations generated.
        records: JSON:API type -> top-level records written (e.g. ``"configurations": 1234``).
        included: JSON:API type -> ``included`` entries written (``configuration-interfaces``,
            ``related-items``, ``flexible-asset-fields``).
    """

    out_dir: Path
    organizations: int
    records: Mapping[str, int]
    included: Mapping[str, int]

    @property
    def total_records(self) -> int:
        """Sum of top-level records over every file (lookup tables included)."""
        return sum(self.records.values())


def _build_tenant(account: Account, index: int, names: NameRegistry, org_ids: list[int]) -> Tenant:
    profile = plan_profile(index, seed=account.seed, names=names)
    record_id = account.ids.next("organizations")
    org_ids.append(record_id)
    parent_id = None if profile.parent_index is None else org_ids[profile.parent_index]
    rng = random.Random(f"{account.seed}:{index}:organization")
    organization, created = organization_record(
        profile, record_id=record_id, parent_id=parent_id, rng=rng
    )
    tenant = Tenant(account, profile, organization, created)
    add_locations(tenant)
    add_contacts(tenant)
    add_configurations(tenant)
    add_domains(tenant)
    key_passwords = add_passwords(tenant)
    add_flexible_assets(tenant, key_passwords)
    add_documents(tenant)
    add_quick_notes(tenant)
    add_related_items(tenant)
    add_expirations(tenant)
    return tenant


def generate_dataset(out_dir: Path, *, organizations: int, seed: int) -> DatasetSummary:
    """Write a dataset directory of ``organizations`` organizations.

    The same ``(organizations, seed)`` always gives byte-identical files, and organization *k*
    is the same whatever number of organizations follows it. Dates are relative to a fixed
    reference now (2026-11-01T00:00:00Z). For two or more organizations the first two are
    Acme Corporation (ACME, FortiGate firewall) and Northwind Traders (NW, Sophos firewall).

    Args:
        out_dir: the dataset directory; created if missing. Existing list files are replaced.
        organizations: number of organizations, at least 1 (about 900 top-level records each
            on average).
        seed: any integer; different seeds give different tenants.

    Returns:
        Counts of what was written.

    Raises:
        ValueError: ``organizations`` is less than 1.
        OSError: the directory cannot be created or written.
    """
    if organizations < 1:
        raise ValueError(f"organizations must be at least 1, got {organizations}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = IdAllocator(seed)
    account_rng = random.Random(f"{seed}:account")
    lookups = build_lookups(ids, account_rng)
    asset_types = build_asset_types(ids, account_rng)
    account = Account(seed, ids, MacFactory(), lookups, asset_types)
    names = NameRegistry()
    org_ids: list[int] = []
    with DatasetWriter(out_dir) as writer:
        for record in lookups.records():
            writer.add(record)
        for asset_type in asset_types.values():
            writer.add(asset_type.record)
        for index in range(organizations):
            for record in _build_tenant(account, index, names, org_ids).top_level():
                writer.add(record)
        records, included = writer.commit()
    return DatasetSummary(
        out_dir=out_dir,
        organizations=organizations,
        records=MappingProxyType(records),
        included=MappingProxyType(included),
    )
