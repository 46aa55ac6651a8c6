"""The document model shared by every layer: source lines with coordinates, metadata, chunks."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

DocFormat = Literal["txt", "md", "pdf", "docx", "html"]
AccessLevel = Literal["public", "internal", "confidential"]
ACCESS_LEVELS: tuple[AccessLevel, ...] = ("public", "internal", "confidential")  # low to high
# the level of a document that names none (the `auth.default_access` setting's default), and
# of an index entry that holds none: never public unless someone says so
SAFE_ACCESS: AccessLevel = "internal"
DOC_TYPES = (
    "uitvoeringsprogramma",
    "evaluatie",
    "beleidskader",
    "raadsbrief",
    "raadsvoorstel",
    "nota",
    "factsheet",
    "onbekend",
)


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One line of a document exactly as it stands in the source.

    ``line`` is 1-based: the file line for txt/md/html, the line within the page for PDF,
    and the paragraph number for DOCX. ``page`` is 1-based for PDF and DOCX, else None.
    """

    line: int
    text: str
    page: int | None = None


@dataclass(slots=True)
class ExtractedText:
    """What a reader returns: the lines with their coordinates, before any cleaning."""

    format: DocFormat
    lines: list[SourceLine]
    pages: int | None = None
    encoding: str = "utf-8"


@dataclass(slots=True)
class DocumentMeta:
    doc_id: str
    source: str
    title: str
    municipality: str | None
    doc_type: str
    year: int | None
    period: str | None
    sha256: str
    format: DocFormat
    access: AccessLevel = SAFE_ACCESS
    pages: int | None = None
    lines: int = 0
    inferred: dict[str, bool] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Document:
    meta: DocumentMeta
    lines: list[SourceLine]

    def text_between(self, line_start: int, line_end: int, page: int | None = None) -> str:
        """The exact source text of lines ``line_start..line_end`` (on ``page`` for paged docs)."""
        return "\n".join(
            sl.text
            for sl in self.lines
            if line_start <= sl.line <= line_end and (page is None or sl.page == page)
        )


@dataclass(slots=True)
class Chunk:
    """A retrievable passage: cleaned text for the indexes, verbatim text for quoting."""

    chunk_id: str
    doc_id: str
    seq: int
    text: str
    quote: str
    line_start: int
    line_end: int
    page: int | None
    section: str

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
