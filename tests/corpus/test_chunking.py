from pathlib import Path

import pytest

from corpus import Document, DocumentMeta, SourceLine, chunk_document, load_document
from corpus.chunking import heading_level
from tests.conftest import SEEDS

pytestmark = pytest.mark.unit


def _doc(texts: list[str], page: int | None = None) -> Document:
    meta = DocumentMeta("t", "t.txt", "T", None, "nota", None, None, "x", "txt")
    return Document(meta, [SourceLine(i + 1, t, page) for i, t in enumerate(texts)])


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("2.4 Uitstroom naar werk", 2),
        ("1. ARBEIDSMARKT-", 1),
        ("3.1 DOELSTELLING 2: MEER", 2),
        ("TERUGBLIK 2024", 9),
        ("2025. Het uitgangspunt voor deze prognose is het", None),
        ("300. De afname wordt veroorzaakt door dat vanaf 2015", None),
        ("1. Instroom: 1.137 (daling t.o.v. 2022 en", None),
    ],
)
def test_heading_detection(text: str, level: int | None) -> None:
    assert heading_level(text, "", "Volgende zin.") == level


def test_sections_and_coordinates() -> None:
    doc = _doc(
        [
            "1. INLEIDING",
            "Dit is de inleiding van het stuk.",
            "",
            "1.1 Aanpak",
            "We doen het zo.",
            "",
            "2. RESULTATEN",
            "In de eerste drie kwartalen zien we voor LKS onderstaand resultaat:",
            "",
            "o Totaal LKS contracten: 671",
            "",
            "o Gestarte contracten: 220",
        ]
    )
    chunks = chunk_document(doc, max_chars=200, min_chars=0)
    by_section = {c.section: c for c in chunks}
    assert "1. INLEIDING > 1.1 Aanpak" in by_section
    results = by_section["2. RESULTATEN"]
    # the list stays with its lead sentence
    assert "onderstaand resultaat:" in results.text and "Gestarte contracten: 220" in results.text
    assert (results.line_start, results.line_end) == (7, 12)
    assert results.quote == "\n".join(sl.text for sl in doc.lines[6:12])


def test_a_chunk_runs_on_over_a_page_break() -> None:
    # a PDF's lines are numbered through the document (the page furniture left out), so a
    # paragraph that goes on on the next page is one chunk, cited from its first page
    texts = ["Het college besluit dat de regeling", "doorloopt tot en met 2026.", "", "Slot."]
    pages = [1, 2, 2, 2]
    lines = [
        SourceLine(n, t, p, ref=None if not t else n - 1)
        for n, (t, p) in enumerate(zip(texts, pages, strict=True), start=1)
    ]
    doc = Document(DocumentMeta("t", "t.pdf", "T", None, "nota", None, None, "x", "pdf"), lines)
    chunks = chunk_document(doc, max_chars=10_000, min_chars=0)
    assert [(c.page, c.line_start, c.line_end) for c in chunks] == [(1, 1, 4)]
    assert "regeling doorloopt tot en met 2026." in chunks[0].text


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: Path(p).name[:3])
def test_bundled_chunks_quote_verbatim_and_cover_the_text(path: Path) -> None:
    doc = load_document(path)
    source_lines = path.read_text(encoding="utf-8").split("\n")
    chunks = chunk_document(doc)
    assert chunks
    covered: set[int] = set()
    for chunk in chunks:
        assert chunk.quote == "\n".join(source_lines[chunk.line_start - 1 : chunk.line_end])
        assert chunk.text.strip()
        covered.update(range(chunk.line_start, chunk.line_end + 1))
    nonblank = {i + 1 for i, t in enumerate(source_lines) if t.strip()}
    assert len(nonblank - covered) / len(nonblank) < 0.02
