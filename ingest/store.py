"""Versioned index storage with an atomic switch.

Layout under ``<data_dir>/index``::

    CURRENT                      the version in use (replaced atomically with os.replace)
    versions/<vid>/              a complete version: chunks.parquet, documents/, bm25/, ...
    versions/<vid>.partial/      a version being built (ignored by readers, removed on restart)

The vectors of version ``<vid>`` live in the Chroma collection ``chunks-<vid>``. A version is
written completely, then renamed into place, then CURRENT is switched: a ``kill -9`` at any
moment leaves the previous version in use and intact.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from corpus import Document, IndexNotReadyError, document_to_json, read_stored_document
from ingest.vector_index import VectorIndex

CHUNK_COLUMNS = (
    "chunk_id",
    "doc_id",
    "seq",
    "text",
    "quote",
    "line_start",
    "line_end",
    "page",
    "section",
    "content_hash",
)
_PARTIAL = ".partial"


def collection_name(version: str) -> str:
    return f"chunks-{version}"


def _fsync_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@dataclass(slots=True)
class VersionInfo:
    version: str
    path: Path
    manifest: dict[str, Any]


class IndexStore:
    """Finds, creates, switches and garbage-collects index versions."""

    def __init__(self, root: Path, vectors: VectorIndex) -> None:
        self.root = root
        self.vectors = vectors
        self.versions_dir = root / "versions"
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        # CURRENT's text, kept with the file's identity when it was read: /ask asks for the
        # current version hundreds of times per question (every source-line window does)
        self._current: tuple[tuple[int, int, int, int], str] | None = None

    @property
    def current_file(self) -> Path:
        return self.root / "CURRENT"

    def current_version(self) -> str | None:
        """The version CURRENT names, when its folder exists. CURRENT is read again only when
        the file changed (another inode, size, or modification or change time: a switch
        replaces it), so a switch by any process is seen at the next call, as before."""
        try:
            st = os.stat(self.current_file)
        except FileNotFoundError:
            return None
        key = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        kept = self._current
        if kept is not None and kept[0] == key:
            version = kept[1]
        else:
            try:
                version = self.current_file.read_text(encoding="utf-8").strip()
            except FileNotFoundError:
                return None
            # (a switch between the stat and the read: the next stat differs from this key,
            # so the file is read again then)
            self._current = (key, version)
        return version if (self.versions_dir / version).is_dir() else None

    def current(self) -> VersionInfo:
        version = self.current_version()
        if version is None:
            raise IndexNotReadyError("no index yet: run `policy-assistant ingest` first")
        path = self.versions_dir / version
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        return VersionInfo(version, path, manifest)

    def begin(self) -> VersionBuilder:
        version = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        path = self.versions_dir / f"{version}{_PARTIAL}"
        path.mkdir(parents=True)
        return VersionBuilder(self, version, path)

    def switch_to(self, version: str) -> None:
        _fsync_write(self.current_file, version + "\n")

    def collect_garbage(self, keep: int, *, vectors: bool = True) -> list[str]:
        """Remove partial builds and versions beyond the newest ``keep`` (never the current),
        and their vector collections; with ``vectors=False`` the vector index is only asked
        when a version folder went (so a run that finds nothing to do never connects to it)."""
        current = self.current_version()
        removed: list[str] = []
        complete = sorted(
            p.name
            for p in self.versions_dir.iterdir()
            if p.is_dir() and not p.name.endswith(_PARTIAL)
        )
        keep_set = set(complete[-keep:]) | ({current} if current else set())
        for path in self.versions_dir.iterdir():
            if path.name.endswith(_PARTIAL) or (path.is_dir() and path.name not in keep_set):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        if not vectors and not removed:
            return removed
        live = {collection_name(v) for v in keep_set}
        for name in self.vectors.collections():
            if name.startswith("chunks-") and name not in live:
                self.vectors.drop(name)
        return removed


class VersionBuilder:
    """Writes one new version; :meth:`commit` makes it current."""

    def __init__(self, store: IndexStore, version: str, path: Path) -> None:
        self.store = store
        self.version = version
        self.path = path
        (path / "documents").mkdir()

    @property
    def collection(self) -> str:
        return collection_name(self.version)

    def write_document(self, doc: Document) -> None:
        (self.path / "documents" / f"{doc.meta.doc_id}.json").write_text(
            document_to_json(doc), encoding="utf-8"
        )

    def copy_document(self, previous: Path, doc_id: str) -> None:
        shutil.copy2(previous / "documents" / f"{doc_id}.json", self.path / "documents")

    def write_chunks(self, frame: pd.DataFrame) -> None:
        frame.loc[:, list(CHUNK_COLUMNS)].to_parquet(self.path / "chunks.parquet", index=False)

    def commit(self, manifest: dict[str, Any]) -> str:
        manifest = {**manifest, "version": self.version, "created_at": time.time()}
        _fsync_write(
            self.path / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1)
        )
        final = self.path.with_name(self.version)
        os.replace(self.path, final)
        self.path = final
        self.store.switch_to(self.version)
        return self.version

    def abort(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self.store.vectors.drop(self.collection)


def read_document(version_path: Path, doc_id: str) -> Document | None:
    """The document a version stored, or None when it holds none by that id."""
    try:
        return read_stored_document(version_path, doc_id)
    except (FileNotFoundError, NotADirectoryError):
        return None


def chunks_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=list(CHUNK_COLUMNS))
    frame["page"] = frame["page"].astype("Int64")
    return frame
