"""Which document id each file of an ingest gets.

A document id is its file name's slug (``corpus.make_doc_id``), so two files can want the same
one: ``a/nota.txt`` and ``b/nota.txt``, or ``nota.pdf`` beside ``Nota.txt``. The rules, in order:

1. A file ingested before (the same path) keeps its id, edited or not.
2. The same file again (same name, content and manifest metadata) is the same document: a
   second copy in this ingest, or a copy of a document whose file is still in its place, is
   reported as a duplicate and adds nothing; a copy of a document whose file is gone takes its
   place (a moved file).
3. Any other file gets its name's id if no other file holds it (a document whose file is gone
   leaves it to the next file of that name, as before), else that id with ``-`` and 8 hex digits
   of a hash of the file's path: ``nota-3f9a0c41``. The suffix is stable (re-ingest, or a fresh
   index over the same folders, gives the same id) and has the form of an upload's random one,
   so an id says nothing about other documents of that name a reader may not see.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus import make_doc_id

SUFFIX_CHARS = 8  # hex digits, as an upload's (assistant.uploads.UPLOAD_SUFFIX_CHARS)
MAX_ID = 128  # corpus.make_doc_id's longest id


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to ingest (``path`` as given, ``resolved`` identifies it), its manifest overrides
    and the hashes of its content and overrides."""

    path: Path
    resolved: Path
    overrides: dict[str, Any] | None
    sha256: str
    overrides_hash: str

    @property
    def name(self) -> str:
        return self.path.name

    def same_as(self, source: str, sha256: str, overrides_hash: str | None) -> bool:
        return (self.name, self.sha256, self.overrides_hash) == (
            source,
            sha256,
            overrides_hash,
        )


@dataclass(frozen=True, slots=True)
class Claim:
    """The id a file gets; ``duplicate_of`` names the file whose document it already is."""

    file: SourceFile
    doc_id: str
    duplicate_of: str | None = None


def assign_doc_ids(
    files: Sequence[SourceFile], old_docs: Mapping[str, Mapping[str, Any]]
) -> list[Claim]:
    """One claim per file, in order; no two files that are not duplicates share an id."""
    owners: dict[str, SourceFile] = {}  # id -> the file that holds it in this ingest
    claims: dict[int, Claim] = {}
    by_path = {str(e["path"]): doc_id for doc_id, e in old_docs.items() if e.get("path")}
    for i, f in enumerate(files):
        known = by_path.get(str(f.resolved))
        if known is not None and known not in owners:
            owners[known] = f
            claims[i] = Claim(f, known)
    for i, f in enumerate(files):
        if i not in claims:
            claims[i] = _claim_new(f, owners, old_docs)
    return [claims[i] for i in range(len(files))]


def _claim_new(
    f: SourceFile, owners: dict[str, SourceFile], old_docs: Mapping[str, Mapping[str, Any]]
) -> Claim:
    for doc_id, owner in owners.items():
        if f.same_as(owner.name, owner.sha256, owner.overrides_hash):
            return Claim(f, doc_id, duplicate_of=str(owner.resolved))
    for doc_id, entry in old_docs.items():
        if doc_id in owners or not f.same_as(
            entry.get("source", ""), entry.get("sha256", ""), entry.get("overrides_hash")
        ):
            continue
        if _file_gone(entry):  # moved: this file is that document now
            owners[doc_id] = f
            return Claim(f, doc_id)
        return Claim(f, doc_id, duplicate_of=str(entry["path"]))
    base = make_doc_id(f.name)
    doc_id, attempt = base, 0
    while doc_id in owners or (doc_id in old_docs and not _file_gone(old_docs[doc_id])):
        doc_id = _suffixed(base, f.resolved, attempt)
        attempt += 1
    owners[doc_id] = f
    return Claim(f, doc_id)


def _file_gone(entry: Mapping[str, Any]) -> bool:
    path = entry.get("path")
    return not path or not Path(path).is_file()


def _suffixed(base: str, path: Path, attempt: int) -> str:
    key = str(path) if attempt == 0 else f"{path}\n{attempt}"
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:SUFFIX_CHARS]
    return f"{base[: MAX_ID - SUFFIX_CHARS - 1].rstrip('-.')}-{digest}"
