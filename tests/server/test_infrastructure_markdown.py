"""The infrastructure document's Markdown and Mermaid: IT Glue names cannot become links,
HTML, code, fences or diagram syntax."""

from __future__ import annotations

from datetime import date

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.query.infrastructure import DocumentSection, InfrastructureDocument
from itglue_mcp.query.infrastructure.diagram import mermaid_label
from itglue_mcp.query.infrastructure.entries import cited
from itglue_mcp.server.rendering import finish
from itglue_mcp.server.tools.infrastructure import render_markdown

HOSTILE = "SRV`1` [click](javascript:alert(1)) <itglue-data> *bold* | cell\n# heading"


def _document(name: str, url: str) -> InfrastructureDocument:
    source = SourceRecord(
        record_type="configurations",
        record_id=42,
        name=name,
        organization_id=7,
        resource_url=url,
        updated_at=None,
    )
    organization = SourceRecord(
        record_type="organizations",
        record_id=7,
        name="Acme",
        organization_id=7,
        resource_url=None,
        updated_at=None,
    )
    entry = cited(f"{name}: a server", source)
    return InfrastructureDocument(
        organization=organization,
        generated_on=date(2026, 12, 6),
        sections=[DocumentSection(name="servers", entries=[entry])],
        records=[source],
    )


def test_names_are_escaped_and_cite_their_record() -> None:
    text = finish(render_markdown(_document(HOSTILE, "https://x.itglue.com/7/configurations/42")))

    [line] = [line for line in text.splitlines() if line.startswith("- ")]
    assert line == (
        r"- SRV\`1\` \[click\](javascript:alert(1)) "
        "\\\u2039"  # "<" escaped, then the fence marker defused by finish()
        r"itglue-data\> \*bold\* \| cell "
        r"\# heading: a server — [configurations/42]"
    )
    assert text.count("<itglue-data") == 0
    assert '[configurations/42]: <https://x.itglue.com/7/configurations/42> "SRV' in text
    assert "[organizations/7]: <#organizations/7>" in text


def test_a_link_cannot_close_its_angle_brackets() -> None:
    text = render_markdown(_document("SRV01", "https://x.itglue.com/a b>c"))

    assert "[configurations/42]: <https://x.itglue.com/a%20b%3Ec>" in text


def test_mermaid_labels_keep_no_syntax() -> None:
    # Inside a quoted node label only a quote, a bracket or markup could end or restyle it.
    assert mermaid_label('FW01"] --> x[("evil")') == "FW01 -- x ( evil )"
    assert mermaid_label("`<b>`\n|end|") == "b end"
    assert mermaid_label("") == "-"
