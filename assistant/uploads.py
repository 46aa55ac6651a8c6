"""Uploads and deletes: a document is checked, stored under ``<data_dir>/uploads`` and
ingested into a new index version, or left out of a new version.

An upload is read completely before anything is stored, so a bad file is a typed 4xx and
leaves nothing behind. Its metadata overrides go into ``uploads/manifest.toml``, the same
manifest mechanism as the corpus folders, so a later ``ingest`` keeps them. A stored file
gets a random suffix (``nota-3f9a0c41.pdf``, document id ``nota-3f9a0c41``), so it never
overwrites a file and its id says nothing about the documents already there, which the
uploader may not be allowed to see (a ``-2`` would betray a hidden ``nota``).
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from corpus import (
    CorpusError,
    DocumentTooLargeError,
    ForbiddenError,
    InvalidRequestError,
    ManifestError,
    document_from_bytes,
    load_manifest,
    make_doc_id,
    read_limits,
    safe_file_name,
    sniff_format,
    write_manifest,
)
from corpus.documents import validate_overrides

if TYPE_CHECKING:
    from corpus import Settings
    from ingest import IngestReport, SearchIndex

_LOCK_NAME = ".uploads.lock"
UPLOAD_SUFFIX_CHARS = 8  # hex digits of the random suffix
MAX_STEM = 100  # as corpus.safe_file_name


class Catalogue(Protocol):
    """What the library needs of the assistant that owns it (``PolicyAssistant`` is one): its
    settings, its index, the documents an asker may see, and an ingest."""

    settings: Settings
    index: SearchIndex

    def ingest(
        self,
        paths: Sequence[Path] | None = None,
        *,
        prune: bool = False,
        progress: bool = False,
        remove: Collection[str] = (),
    ) -> IngestReport: ...

    def documents(self, access: tuple[str, ...] | None = None) -> list[dict[str, Any]]: ...

    def document_entry(
        self, doc_id: str, access: tuple[str, ...] | None = None
    ) -> dict[str, Any]: ...


class DocumentLibrary:
    """Adds and removes single documents through the ingest pipeline."""

    def __init__(self, assistant: Catalogue) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        self.folder = self.settings.uploads_dir

    @contextmanager
    def _locked(self) -> Iterator[None]:
        from filelock import FileLock

        self.folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.folder / _LOCK_NAME)):
            yield

    def upload(
        self,
        data: bytes,
        file_name: str,
        overrides: Mapping[str, Any] | None = None,
        access: tuple[str, ...] | None = None,
    ) -> dict[str, Any]:
        """Check, store and ingest one file; returns its document entry (as ``documents()``)."""
        limit = self.settings.api.max_upload_bytes
        if len(data) > limit:
            raise DocumentTooLargeError(
                f"the upload is {len(data):,} bytes; the limit is {limit:,} bytes",
                code="upload_too_large",
            )
        fields = self._overrides(overrides or {}, access)
        name = safe_file_name(file_name, sniff_format(data, file_name))
        # read completely first: a bad file raises its typed error before anything is stored
        document_from_bytes(data, name, overrides=fields, **read_limits(self.settings))
        with self._locked():
            name = self._free_name(name)
            path = self.folder / name
            manifest = load_manifest(self.folder)
            _write_atomically(path, data)
            try:
                write_manifest(self.folder, {**manifest, name: fields})
                report = self.assistant.ingest([path])
                failed = next((f for f in report.files if f.status == "failed"), None)
                if failed is not None:
                    raise CorpusError(
                        failed.message or "the document failed to ingest", code=failed.error_code
                    )
            except BaseException:
                path.unlink(missing_ok=True)
                write_manifest(self.folder, manifest)
                raise
        # the id the ingest gave it (its name's, as _free_name picked a free one)
        doc_id = next((f.doc_id for f in report.files if f.doc_id), make_doc_id(name))
        return next(d for d in self.assistant.documents() if d["doc_id"] == doc_id)

    def delete(self, doc_id: str, access: tuple[str, ...] | None = None) -> dict[str, Any]:
        """Leave a document out of a new index version; an uploaded file is removed too.

        A file in a corpus folder stays where it is, so a later ingest of that folder brings
        the document back: remove the file (and run ``ingest --prune``) to drop it for good.
        """
        self.assistant.document_entry(doc_id, access)  # 404 when unknown or not visible
        entry = next(d for d in self.assistant.documents() if d["doc_id"] == doc_id)
        path = Path(self.assistant.index.snapshot().documents[doc_id].get("path", ""))
        with self._locked():
            self.assistant.ingest([], remove=[doc_id])
            if path.parent == self.folder and path.is_file():
                manifest = load_manifest(self.folder)
                manifest.pop(path.name, None)
                write_manifest(self.folder, manifest)
                path.unlink()
        return entry

    def _overrides(
        self, overrides: Mapping[str, Any], access: tuple[str, ...] | None
    ) -> dict[str, Any]:
        given = {k: v for k, v in overrides.items() if v is not None}
        given.setdefault("access", self.settings.auth.default_access)
        try:
            fields = validate_overrides(given, "upload")
        except ManifestError as exc:
            raise InvalidRequestError(exc.message, code="invalid_metadata") from None
        if access is not None and fields["access"] not in access:
            raise ForbiddenError(
                f"your key may not add {fields['access']} documents", code="access_above_clearance"
            )
        return fields

    def _free_name(self, name: str) -> str:
        """``stem-<8 random hex digits>.ext``: a name whose form does not depend on the files
        and documents already there. Drawn again (at random) in the rare case it is taken."""
        taken = (
            set(self.assistant.index.snapshot().documents)
            if self.assistant.index.ready()
            else set()
        )
        taken |= {make_doc_id(p.name) for p in self.folder.iterdir()}
        stem, suffix = os.path.splitext(name)
        stem = stem[: MAX_STEM - UPLOAD_SUFFIX_CHARS - 1]
        while True:
            candidate = f"{stem}-{secrets.token_hex(UPLOAD_SUFFIX_CHARS // 2)}{suffix}"
            if make_doc_id(candidate) not in taken and not (self.folder / candidate).exists():
                return candidate


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    try:
        with tmp.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, path)  # fails instead of overwriting a file that appeared meanwhile
    finally:
        tmp.unlink(missing_ok=True)
