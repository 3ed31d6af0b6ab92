"""Sample rows shared by the store tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def organization(id_: int, name: str, **extra: Any) -> dict[str, Any]:
    """An organizations row."""
    return {"id": id_, "name": name, "updated_at": T0, **extra}


def configuration(id_: int, organization_id: int, name: str, **extra: Any) -> dict[str, Any]:
    """A configurations row with a realistic attribute map and resource URL."""
    return {
        "id": id_,
        "organization_id": organization_id,
        "name": name,
        "hostname": name.lower(),
        "resource_url": f"https://acme.itglue.com/{organization_id}/configurations/{id_}",
        "attributes": {"name": name, "organization-id": organization_id},
        "updated_at": T0,
        **extra,
    }
