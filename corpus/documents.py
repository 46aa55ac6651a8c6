"""Loading a document: read, hash, infer metadata, apply manifest overrides."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from corpus.cleaning import clean_line_text
from corpus.errors import ManifestError
from corpus.metadata import infer_metadata
from corpus.model import (
    ACCESS_LEVELS,
    DOC_TYPES,
    SAFE_ACCESS,
    AccessLevel,
    DocFormat,
    Document,
    DocumentMeta,
    SourceLine,
)
from corpus.readers import SUPPORTED_SUFFIXES, read_bytes

if TYPE_CHECKING:
    from corpus.readers.ocr import OcrOptions
    from corpus.settings import Settings

MANIFEST_NAME = "manifest.toml"
# Bumped when a reader reads the same file differently: an ingest then reads every document
# again instead of carrying its stored lines over. 2: PDF page furniture and paragraph breaks,
# lines numbered through the document; DOCX structure, blank lines and known pages only. 3: a
# tagged PDF's paragraph ends from its structure tree.
READER_VERSION = 3
_OVERRIDABLE = ("title", "municipality", "doc_type", "year", "period", "access")
_DOC_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,127}$")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
_CANONICAL_SUFFIX: dict[DocFormat, str] = {
    "pdf": ".pdf",
    "docx": ".docx",
    "html": ".html",
    "md": ".md",
    "txt": ".txt",
}
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def make_doc_id(file_name: str) -> str:
    """A stable, URL-safe id from the file name (``003_9d2ec121fa2b4399.txt`` → its stem)."""
    stem = Path(file_name).stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_.-]+", "-", ascii_stem.lower()).strip("-.")
    return slug[:128] or "document"


def is_valid_doc_id(doc_id: str) -> bool:
    return bool(_DOC_ID.match(doc_id))


def safe_file_name(file_name: str, fmt: DocFormat, max_stem: int = 100) -> str:
    """A file name safe to store: no folders (``../``, ``C:\\``), ASCII letters, digits and
    ``_.-`` only, no leading dot, and the suffix of the format its content was read as."""
    base = re.split(r"[\\/]", file_name)[-1]
    stem = Path(base).stem if Path(base).suffix.lower() in SUPPORTED_SUFFIXES else base
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = _UNSAFE_NAME.sub("-", ascii_stem).strip("-._")[:max_stem].strip("-._")
    if slug.lower() in ("readme", "manifest"):  # names a corpus folder scan skips
        slug += "-upload"
    slug = slug or "document"
    return slug + _CANONICAL_SUFFIX[fmt]


def read_limits(settings: Settings, *, max_bytes: int | None = None) -> dict[str, Any]:
    """The reader limits (size, pages, DOCX unpacked size and ratio) and the OCR options
    (None when OCR is off) from the settings."""
    from corpus.readers.ocr import OcrOptions

    api = settings.api
    return {
        "max_bytes": max_bytes or api.max_upload_bytes,
        "max_pages": api.max_pages,
        "max_unpacked": api.max_unpacked_bytes,
        "max_ratio": api.max_compression_ratio,
        "ocr": OcrOptions.of(settings.ingest),
    }


def validate_overrides(entry: Mapping[str, Any], where: str) -> dict[str, Any]:
    unknown = set(entry) - set(_OVERRIDABLE)
    if unknown:
        raise ManifestError(f"{where}: unknown field(s) {sorted(unknown)}; allowed {_OVERRIDABLE}")
    out = dict(entry)
    if "doc_type" in out and out["doc_type"] not in DOC_TYPES:
        raise ManifestError(f"{where}: doc_type must be one of {DOC_TYPES}")
    if "access" in out and out["access"] not in ACCESS_LEVELS:
        raise ManifestError(f"{where}: access must be one of {ACCESS_LEVELS}")
    if "year" in out and not (
        isinstance(out["year"], int)
        and not isinstance(out["year"], bool)
        and 1900 <= out["year"] <= 2100
    ):
        raise ManifestError(f"{where}: year must be an integer year")
    for key in ("title", "municipality", "period"):
        if key in out and not (isinstance(out[key], str) and 0 < len(out[key].strip()) <= 300):
            raise ManifestError(f"{where}: {key} must be a text of 1 to 300 characters")
        if key in out and _CONTROL_CHARS.search(out[key]):
            raise ManifestError(
                f"{where}: {key} must not hold control characters or lone surrogates"
            )
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


def write_manifest(folder: Path, entries: Mapping[str, Mapping[str, Any]]) -> None:
    """Write ``manifest.toml`` (file name → overrides) atomically; it reads back identically."""
    parts = ["# Written by policy-assistant: metadata of uploaded documents.\n"]
    for name, fields in sorted(entries.items()):
        fields = validate_overrides(fields, f"manifest[{name}]")
        parts.append(f"\n[{_toml_string(name)}]\n")
        for key, value in fields.items():
            text = str(value) if isinstance(value, int) else _toml_string(str(value))
            parts.append(f"{key} = {text}\n")
    text = "".join(parts)
    if tomllib.loads(text) != {k: dict(v) for k, v in entries.items()}:
        raise ManifestError(f"{folder}: the manifest would not read back as written")
    tmp = folder / f".{MANIFEST_NAME}.tmp"
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(folder / MANIFEST_NAME)


def _toml_string(value: str) -> str:
    # JSON string escapes are TOML basic-string escapes; control characters are refused above
    return json.dumps(value, ensure_ascii=False)


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
    max_unpacked: int | None = None,
    max_ratio: int | None = None,
    ocr: OcrOptions | None = None,
) -> Document:
    """Read and describe a document. Raises a typed CorpusError for bad input."""
    extracted = read_bytes(
        data,
        file_name,
        max_bytes=max_bytes,
        max_pages=max_pages,
        max_unpacked=max_unpacked,
        max_ratio=max_ratio,
        ocr=ocr,
    )
    plain = "\n".join(clean_line_text(sl.text) for sl in extracted.lines)
    inferred = infer_metadata(plain)
    fields: dict[str, Any] = {**inferred, "access": SAFE_ACCESS}
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
    return Document(meta=meta, lines=extracted.lines, furniture=extracted.furniture)


def load_document(
    path: Path, *, overrides: Mapping[str, Any] | None = None, **limits: Any
) -> Document:
    return document_from_bytes(path.read_bytes(), path.name, overrides=overrides, **limits)


def _line_row(sl: SourceLine) -> list[Any]:
    row: list[Any] = [sl.line, sl.page, sl.text]
    if sl.ref is not None or sl.level is not None:
        row += [sl.ref, sl.level]
    return row


def _line_of(row: list[Any]) -> SourceLine:
    line, page, body, *rest = row
    ref, level = ([*rest, None, None])[:2]
    return SourceLine(line=line, page=page, text=body, ref=ref, level=level)


def document_to_json(doc: Document) -> str:
    """The stored form of an ingested document: metadata, its exact source lines (number,
    page, text, and the cited number and heading level where they differ) and the page
    furniture left out of them."""
    payload = {
        "meta": doc.meta.to_dict(),
        "lines": [_line_row(sl) for sl in doc.lines],
        "furniture": [_line_row(sl) for sl in doc.furniture],
    }
    return json.dumps(payload, ensure_ascii=False)


def document_from_json(text: str) -> Document:
    payload = json.loads(text)
    meta = DocumentMeta(**payload["meta"])
    lines = [_line_of(row) for row in payload["lines"]]
    furniture = [_line_of(row) for row in payload.get("furniture", [])]
    return Document(meta=meta, lines=lines, furniture=furniture)


def read_stored_document(version_dir: Path, doc_id: str) -> Document:
    """The document an index version stored as ``<version_dir>/documents/<doc_id>.json``.

    Raises :class:`FileNotFoundError` when the version holds no document by that id.
    """
    stored = version_dir / "documents" / f"{doc_id}.json"
    return document_from_json(stored.read_text(encoding="utf-8"))
