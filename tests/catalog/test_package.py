"""The ``catalog`` package's errors hang off the project's one exception root."""

from __future__ import annotations


def test_errors_share_the_project_root() -> None:
    from itglue_mcp.catalog import (
        AmbiguousOrganization,
        AmbiguousRecord,
        OrganizationNotFound,
        RecordNotFound,
    )
    from itglue_mcp.errors import ItglueMcpError

    for error in (OrganizationNotFound, AmbiguousOrganization, RecordNotFound, AmbiguousRecord):
        assert issubclass(error, ItglueMcpError)
