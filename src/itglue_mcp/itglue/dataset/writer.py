"""Streams records into the dataset directory's JSON:API list files, atomically.

Each file is written under a temporary name in the target directory (``included`` entries are
spooled to a second temporary file and appended at the end) and only moved into place with
``os.replace`` once every file is complete, so a crash never leaves a half-written file behind.
Files get the mode any new file gets (the umask applies); they hold the dataset's secrets::

    with DatasetWriter(out_dir) as writer:
        writer.add(record)
        records, included = writer.commit()
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from itglue_mcp.itglue.dataset.records import Record

__all__ = ["DatasetWriter"]

LIST_FILES = {
    "organizations": "organizations.json",
    "locations": "locations.json",
    "contacts": "contacts.json",
    "configurations": "configurations.json",
    "passwords": "passwords.json",
    "flexible-asset-types": "flexible_asset_types.json",
    "flexible-assets": "flexible_assets.json",
    "documents": "documents.json",
    "domains": "domains.json",
    "expirations": "expirations.json",
    "configuration-types": "configuration_types.json",
    "configuration-statuses": "configuration_statuses.json",
    "password-categories": "password_categories.json",
}
"""Top-level JSON:API type -> the list file it is written to."""


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class _TempFile:
    """A new text file under a hidden temporary name, created with the usual umask-based mode."""

    def __init__(self, directory: Path, stem: str) -> None:
        for attempt in itertools.count():
            path = directory / f".{stem}.{os.getpid()}.{attempt}.tmp"
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            self.path = path
            self.handle: IO[str] = open(descriptor, "w", encoding="utf-8")  # noqa: SIM115
            return

    def discard(self) -> None:
        """Close and delete the file, if still there."""
        self.handle.close()
        self.path.unlink(missing_ok=True)


class _ListFile:
    """One list document being written: data to its temp file, included to a spool."""

    def __init__(self, directory: Path, filename: str) -> None:
        self.path = directory / filename
        self.data = _TempFile(directory, filename)
        self.included = _TempFile(directory, f"{filename}.included")
        self.count = 0
        self.included_total = 0
        self.included_counts: dict[str, int] = {}
        self.data.handle.write('{"data":[')

    def add(self, record: Record) -> None:
        separator = "," if self.count else ""
        self.data.handle.write(separator + _dumps(record.resource_object(top_level=True)))
        self.count += 1
        for child in record.included():
            separator = "," if self.included_total else ""
            self.included.handle.write(separator + _dumps(child.resource_object(top_level=False)))
            self.included_total += 1
            self.included_counts[child.type] = self.included_counts.get(child.type, 0) + 1

    def finish(self) -> None:
        """Complete the document in its temp file (still under the temporary name)."""
        out = self.data.handle
        out.write("]")
        self.included.handle.close()
        if self.included_total:
            out.write(',"included":[')
            with self.included.path.open(encoding="utf-8") as spooled:
                shutil.copyfileobj(spooled, out)
            out.write("]")
        meta = {
            "current-page": 1,
            "next-page": None,
            "prev-page": None,
            "total-pages": 1,
            "total-count": self.count,
        }
        out.write(f',"meta":{_dumps(meta)}}}')
        out.flush()
        os.fsync(out.fileno())
        out.close()
        self.included.discard()

    def replace(self) -> None:
        """Move the finished temp file to its final name."""
        os.replace(self.data.path, self.path)

    def abort(self) -> None:
        """Delete both temp files, ignoring ones already gone."""
        self.data.discard()
        self.included.discard()


class DatasetWriter:
    """Writes every list file of a dataset directory; use as a context manager.

    Args:
        directory: the dataset directory (must exist).

    Leaving the ``with`` block without :meth:`commit` (or with an exception) deletes the
    temporary files and leaves existing files untouched.
    """

    def __init__(self, directory: Path) -> None:
        self._files: dict[str, _ListFile] = {}
        self._directory = directory
        self._committed = False

    def __enter__(self) -> DatasetWriter:
        try:
            for kind, filename in LIST_FILES.items():
                self._files[kind] = _ListFile(self._directory, filename)
        except BaseException:
            self._abort()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._committed:
            self._abort()

    def _abort(self) -> None:
        for list_file in self._files.values():
            list_file.abort()

    def add(self, record: Record) -> None:
        """Append a top-level record (and its children to ``included``) to its type's file.

        Raises:
            KeyError: the record's type has no list file.
        """
        self._files[record.type].add(record)

    def commit(self) -> tuple[dict[str, int], dict[str, int]]:
        """Finish every file, then move them all into place.

        Returns:
            ``(records, included)``: top-level records and included entries written, per type.
        """
        for list_file in self._files.values():
            list_file.finish()
        for list_file in self._files.values():
            list_file.replace()
        self._committed = True
        records = {kind: list_file.count for kind, list_file in self._files.items()}
        included: dict[str, int] = {}
        for list_file in self._files.values():
            for kind, count in list_file.included_counts.items():
                included[kind] = included.get(kind, 0) + count
        return records, included
