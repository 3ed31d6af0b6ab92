"""Expirations: IT Glue's own list of what expires when (warranties, domains, licences…).

IT Glue's expirations are the one source of expiry dates (see
:mod:`itglue_mcp.store.expirations` for why); :func:`list_expirations` reads a window of them
with the record that expires, scoped to the organizations asked for.

Example::

    async with reading(sessions) as session:
        page = await list_expirations(session, start=today, organization_ids={7})
    page.total, [view.resource_name for view in page.expirations]
"""

from itglue_mcp.store.expirations import ExpirationKind, ExpirationView, list_expirations

__all__ = ["ExpirationKind", "ExpirationView", "list_expirations"]
