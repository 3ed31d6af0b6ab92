from __future__ import annotations

from itglue_mcp.index import ChunkKey, RecordKey, build_documents, content_hash, record_header
from itglue_mcp.store.search import SearchEntry


def _build(entry: SearchEntry, model_name: str = "m") -> list:  # type: ignore[type-arg]
    return build_documents(entry, model_name=model_name, chunk_chars=200, chunk_overlap_chars=40)


def test_short_record_is_one_document_with_header() -> None:
    [document] = _build(
        SearchEntry("configurations", 12, 7, "FW01", "Sophos XG firewall, 10.0.0.1.")
    )
    assert document.text == "FW01 (configuration)\nSophos XG firewall, 10.0.0.1."
    assert (document.chunk, document.organization_id) == (0, 7)
    assert document.record_key == RecordKey("configurations", 12)
    assert document.chunk_key == ChunkKey("configurations", 12, 0)
    assert document.content_hash == content_hash(document.text, model_name="m", organization_id=7)


def test_empty_body_is_indexed_by_its_header() -> None:
    [document] = _build(SearchEntry("contacts", 3, None, "Jane  Doe", ""))
    assert document.text == "Jane Doe (contact)"


def test_long_body_is_chunked_and_every_chunk_carries_the_header() -> None:
    body = " ".join(f"Step {n}: open the Sophos console and check rule {n}." for n in range(30))
    documents = _build(SearchEntry("documents", 5, 7, "VPN how-to", body))
    assert len(documents) > 3
    assert [d.chunk for d in documents] == list(range(len(documents)))
    assert all(d.text.startswith("VPN how-to (document)\n") for d in documents)
    assert len({d.content_hash for d in documents}) == len(documents)


def test_hash_depends_on_text_model_and_organization() -> None:
    base = content_hash("text", model_name="a", organization_id=1)
    assert base == content_hash("text", model_name="a", organization_id=1)
    assert (
        len(
            {
                base,
                content_hash("text!", model_name="a", organization_id=1),
                content_hash("text", model_name="b", organization_id=1),
                content_hash("text", model_name="a", organization_id=2),
                content_hash("text", model_name="a", organization_id=None),
            }
        )
        == 5
    )


def test_record_header_names_the_type_in_singular_words() -> None:
    assert record_header("flexible-assets", "VPN") == "VPN (flexible asset)"
    assert record_header("configuration-statuses", "Active") == "Active (configuration status)"
    assert record_header("domains", "") == "(domain)"
