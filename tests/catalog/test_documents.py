"""Documents: content blocks as plain-text sections, and reading documents by id in scope."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.documents import get_document, get_documents
from itglue_mcp.richtext import DocumentSection, document_sections
from itglue_mcp.store import (
    RecordType,
    mark_unseen_deleted,
    start_run,
    unit_of_work,
    upsert_records,
)
from tests.store.conftest import T0, organization

Sessions = async_sessionmaker[AsyncSession]
VPN_RUNBOOK = "Sophos VPN — reset a user's VPN access"


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_vpn_runbook_reads_as_headed_numbered_steps(dataset_dir: Path) -> None:
    documents = json.loads((dataset_dir / "documents.json").read_text())["data"]
    runbook = next(d for d in documents if d["attributes"]["name"] == VPN_RUNBOOK)
    blocks = runbook["attributes"]["content"]

    sections = document_sections(blocks)

    headings = [_text(b["html"]) for b in blocks if b["kind"] == "Heading"]
    assert [section.heading for section in sections] == headings
    steps = [b["html"] for b in blocks if b["kind"] == "Step"]
    assert len(steps) >= 3
    body = "\n".join(section.text for section in sections)
    for number, step in enumerate(steps, start=1):
        title = _text(re.search(r"<strong>(.*?)</strong>", step).group(1))  # type: ignore[union-attr]
        assert f"\n{number}. {title}\n" in f"\n{body}\n"
    assert "<" not in body and "&quot;" not in body and "&gt;" not in body
    caption = next(_text(b["html"]) for b in blocks if b["kind"] == "Gallery")
    assert f"Image: {caption}" in body


def test_blocks_become_sections_of_lines() -> None:
    content = [
        {"kind": "Text", "html": "<p>Intro &amp; scope</p>"},
        {"kind": "Heading", "html": "<h2>Checks</h2>"},
        {"kind": "Text", "html": "<ul><li>Power</li><li>Link <b>lights</b></li></ul>"},
        {"kind": "Text", "html": "<ol><li>first</li><li>second</li></ol><script>x()</script>"},
        {"kind": "Text", "html": "<p>Before</p><h3>Inner heading</h3><p>After</p>"},
        {"kind": "Text", "html": "<table><tr><th>Port</th><th>Use</th></tr>"
         "<tr><td>443</td><td>HTTPS</td></tr></table>"},
        {"kind": "Step", "html": "<p><strong>Reboot</strong></p><p>Hold power<br>10 s</p>"},
        {"kind": "Gallery", "html": '<img src="x" alt="Rack photo">'},
        {"kind": "Text"},
        "not a block",
    ]  # fmt: skip

    sections = document_sections(content)  # type: ignore[arg-type]

    assert sections == (
        DocumentSection(None, "Intro & scope"),
        DocumentSection("Checks", "- Power\n- Link lights\n1. first\n2. second\nBefore"),
        DocumentSection(
            "Inner heading",
            "After\nPort | Use\n443 | HTTPS\n1. Reboot\n   Hold power\n   10 s\nImage: Rack photo",
        ),
    )


def test_no_content_has_no_sections() -> None:
    assert document_sections(None) == ()
    assert document_sections([]) == ()


def _document(id_: int, organization_id: int, name: str) -> dict[str, object]:
    return {
        "id": id_,
        "organization_id": organization_id,
        "name": name,
        "resource_url": f"https://acme.itglue.com/{organization_id}/docs/{id_}",
        "public": False,
        "restricted": True,
        "published": True,
        "content": [{"kind": "Text", "html": f"<p>{name} body</p>"}],
        "updated_at": T0,
    }


async def test_documents_are_read_in_scope_and_never_when_deleted(
    session_factory: Sessions,
) -> None:
    async with unit_of_work(session_factory) as session:
        run_id = await start_run(session, "full", {})
        await upsert_records(
            session,
            RecordType.ORGANIZATIONS,
            [organization(1, "Acme"), organization(2, "Beta")],
            run_id=run_id,
        )
        await upsert_records(
            session,
            RecordType.DOCUMENTS,
            [_document(10, 1, "Backups"), _document(11, 2, "Printers")],
            run_id=run_id,
        )
        await upsert_records(session, RecordType.DOCUMENTS, [_document(12, 1, "Old")], run_id=None)
        await mark_unseen_deleted(session, RecordType.DOCUMENTS, run_id=run_id)

    async with unit_of_work(session_factory, read_only=True) as session:
        every = await get_documents(session, [11, 10, 12, 99])
        scoped = await get_documents(session, [11, 10], organization_ids=[1])
        deleted = await get_document(session, 12)
        outside = await get_document(session, 11, organization_ids=[1])

    assert [view.id for view in every] == [11, 10]
    backups = every[1]
    assert (backups.name, backups.organization_name, backups.restricted) == (
        "Backups",
        "Acme",
        True,
    )
    assert backups.sections == (DocumentSection(None, "Backups body"),)
    assert backups.resource_url == "https://acme.itglue.com/1/docs/10"
    assert [view.id for view in scoped] == [10]
    assert deleted is None and outside is None
