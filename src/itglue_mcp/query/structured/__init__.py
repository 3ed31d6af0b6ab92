"""Structured intent handlers: questions answered from the store's fields, not its free text.

Each handler reads the records a kind of question is about — configurations by IP, MAC,
serial, hostname or kind; password metadata; contacts; locations; expirations; the graph's
links — and answers with :class:`~itglue_mcp.query.answer.Fact` values exactly as stored,
each citing its record (free text only as untrusted excerpts). When the intent is clear but
the organization has no such record, the answer is ``no_data`` with what exists instead (the
organizations that do have a firewall, the one holding a device of that name). When the
question is too vague for a structured reading, or what it names is held nowhere, a handler
returns ``None`` and the engine falls back to retrieval.

Modules, one per family: :mod:`.network` (IP, MAC, serial, hostname lookups), :mod:`.devices`
(a device's IP, configurations of a kind), :mod:`.credentials`, :mod:`.people` (contacts,
locations), :mod:`.expirations`, :mod:`.relationships`; :mod:`.common` and
:mod:`.configurations` hold what they share (confidence rules in :mod:`.common`).

A question asking for one attribute of one thing ("the serial number of ACME-FW01", "the
WAN IP of the firewall", "the retention of the nightly backup") is answered by
:mod:`.attributes` before the intent's own handler (after it for expirations, whose handler
reads the expiration records themselves); literal lookups and relationships go straight to
theirs. Questions of no structured intent get the attribute step too, then retrieval.

Example::

    engine = QueryEngine(sessions, semantic=semantic, graph=graph, handlers=structured_handlers())
    answer = await engine.answer("what's the firewall IP at @Acme")
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from itglue_mcp.query.expirations import today_utc
from itglue_mcp.query.handlers import IntentHandler
from itglue_mcp.query.intent import IntentKind
from itglue_mcp.query.structured.attributes import attribute_fallback, attribute_first
from itglue_mcp.query.structured.credentials import credential
from itglue_mcp.query.structured.devices import configuration, device_ip
from itglue_mcp.query.structured.expirations import expiration_handler
from itglue_mcp.query.structured.network import (
    hostname_lookup,
    ip_lookup,
    mac_lookup,
    serial_lookup,
)
from itglue_mcp.query.structured.people import contact, location
from itglue_mcp.query.structured.relationships import relationship

__all__ = ["structured_handlers"]


def structured_handlers(
    *, today: Callable[[], date] = today_utc
) -> dict[IntentKind, IntentHandler]:
    """Every structured handler by the intent it answers, for ``QueryEngine(handlers=…)``.

    Args:
        today: the clock expiration windows count from (UTC today by default; tests fix it).

    Returns:
        A new dict (callers may add or replace entries).
    """
    return {
        IntentKind.IP_LOOKUP: ip_lookup,
        IntentKind.MAC_LOOKUP: mac_lookup,
        IntentKind.SERIAL_LOOKUP: serial_lookup,
        IntentKind.HOSTNAME_LOOKUP: attribute_first(hostname_lookup),
        IntentKind.DEVICE_IP: attribute_first(device_ip),
        IntentKind.CONFIGURATION: attribute_first(configuration),
        IntentKind.CREDENTIAL: attribute_first(credential),
        IntentKind.CONTACT: attribute_first(contact),
        IntentKind.LOCATION: attribute_first(location),
        IntentKind.EXPIRATION: attribute_fallback(expiration_handler(today)),
        IntentKind.RELATIONSHIP: relationship,
        IntentKind.SEARCH: attribute_first(None),
    }
