"""Loading a document: read, hash, infer metadata, apply manifest overrides."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast

from corpus.cleaning import clean_line_text
from corpus.errors import ManifestError
from corpus.metadata import infer_metadata
from corpus.model import DOC_TYPES, AccessLevel, Document, DocumentMeta, SourceLine
from corpus.readers import SUPPORTED_SUFFIXES, read_bytes

MANIFEST_NAME = "manifest.toml"
_OVERRIDABLE = ("title", "municipality", "doc_type", "year", "period", "access")
_ACCESS = ("public", "internal", "confidential")
_DOC_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,127}$")


def make_doc_id(file_name: str) -> str:
    """A stable, URL-safe id from the file name (``003_9d2ec121fa2b4399.txt`` → its stem)."""
    stem = Path(file_name).stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_.-]+", "-", ascii_stem.lower()).strip("-.")
    return slug[:128] or "document"


def is_valid_doc_id(doc_id: str) -> bool:
    return bool(_DOC_ID.match(doc_id))


def validate_overrides(entry: Mapping[str, Any], where: str) -> dict[str, Any]:
    unknown = set(entry) - set(_OVERRIDABLE)
    if unknown:
        raise ManifestError(f"{where}: unknown field(s) {sorted(unknown)}; allowed {_OVERRIDABLE}")
    out = dict(entry)
    if "doc_type" in out and out["doc_type"] not in DOC_TYPES:
        raise ManifestError(f"{where}: doc_type must be one of {DOC_TYPES}")
    if "access" in out and out["access"] not in _ACCESS:
        raise ManifestError(f"{where}: access must be one of {_ACCESS}")
    if "year" in out and not (isinstance(out["year"], int) and 1900 <= out["year"] <= 2100):
        raise ManifestError(f"{where}: year must be an integer year")
    return out


def load_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """The folder's ``manifest.toml`` (file name → overrides), or an empty mapping."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from exc
    return {name: validate_overrides(entry, f"{path}[{name}]") for name, entry in data.items()}


def iter_corpus_files(folder: Path) -> Iterator[Path]:
    """Document files in a folder (sorted), skipping code, the manifest and hidden files."""
    for path in sorted(folder.iterdir()):
        if (
            path.is_file()
            and path.suffix.lower() in SUPPORTED_SUFFIXES
            and not path.name.startswith(".")
            and path.name.lower() not in ("readme.md", "readme.txt")
        ):
            yield path


def document_from_bytes(
    data: bytes,
    file_name: str,
    *,
    overrides: Mapping[str, Any] | None = None,
    max_bytes: int = 50 * 1024 * 1024,
    max_pages: int = 2000,
) -> Document:
    """Read and describe a document. Raises a typed CorpusError for bad input."""
    extracted = read_bytes(data, file_name, max_bytes=max_bytes, max_pages=max_pages)
    plain = "\n".join(clean_line_text(sl.text) for sl in extracted.lines)
    inferred = infer_metadata(plain)
    fields: dict[str, Any] = {**inferred, "access": "public"}
    flags = {key: True for key in inferred}
    for key, value in (overrides or {}).items():
        fields[key] = value
        flags[key] = False
    meta = DocumentMeta(
        doc_id=make_doc_id(file_name),
        source=Path(file_name).name,
        title=str(fields["title"]),
        municipality=cast(str | None, fields["municipality"]),
        doc_type=str(fields["doc_type"]),
        year=cast(int | None, fields["year"]),
        period=cast(str | None, fields["period"]),
        sha256=hashlib.sha256(data).hexdigest(),
        format=extracted.format,
        access=cast(AccessLevel, fields["access"]),
        pages=extracted.pages,
        lines=len(extracted.lines),
        inferred=flags,
    )
    return Document(meta=meta, lines=extracted.lines)


def load_document(
    path: Path, *, overrides: Mapping[str, Any] | None = None, **limits: int
) -> Document:
    return document_from_bytes(path.read_bytes(), path.name, overrides=overrides, **limits)


def document_to_json(doc: Document) -> str:
    """The stored form of an ingested document: metadata and its exact source lines."""
    payload = {
        "meta": doc.meta.to_dict(),
        "lines": [[sl.line, sl.page, sl.text] for sl in doc.lines],
    }
    return json.dumps(payload, ensure_ascii=False)


def document_from_json(text: str) -> Document:
    payload = json.loads(text)
    meta = DocumentMeta(**payload["meta"])
    lines = [SourceLine(line=line, page=page, text=body) for line, page, body in payload["lines"]]
    return Document(meta=meta, lines=lines)
