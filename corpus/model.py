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
    """One line of a document's text, in reading order.

    ``line`` is the line's 1-based position in the document's text: the file line for
    txt/md/html; for PDF and DOCX the running position in the text the reader built (page
    furniture left out, a blank line where the layout shows a paragraph break), unique in the
    document, so passages may run across pages. ``ref`` is the number a reader cites: the line
    on its page for PDF (blank lines and page furniture not counted), the paragraph number for
    DOCX; None for a blank line, and for txt/md/html, whose ``line`` is cited. ``page`` is
    1-based for PDF and for DOCX pages that are known, else None. ``level`` is a heading's
    level when the document marks it as one (DOCX heading styles).
    """

    line: int
    text: str
    page: int | None = None
    ref: int | None = None
    level: int | None = None

    @property
    def cited(self) -> int:
        """The number a citation shows for this line (see ``ref``)."""
        return self.ref if self.ref is not None else self.line


@dataclass(slots=True)
class ExtractedText:
    """What a reader returns: the lines with their coordinates, before any cleaning, and the
    page furniture (running headers, footers, page numbers) it left out of ``lines``, each
    with its page and its line among all the lines of that page."""

    format: DocFormat
    lines: list[SourceLine]
    pages: int | None = None
    encoding: str = "utf-8"
    furniture: list[SourceLine] = field(default_factory=list)


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
    furniture: list[SourceLine] = field(default_factory=list)

    def text_between(
        self,
        line_start: int,
        line_end: int,
        page: int | None = None,
        page_end: int | None = None,
    ) -> str:
        """The exact source text of a cited place: lines ``line_start..line_end`` as a citation
        numbers them (on ``page`` .. ``page_end`` for a PDF; see ``corpus.locations``)."""
        from corpus.locations import resolve

        first, last = resolve(self, line_start, line_end, page, page_end)
        return "\n".join(sl.text for sl in self.lines[first : last + 1])


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
