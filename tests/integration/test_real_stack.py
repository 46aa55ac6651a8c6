"""Real Chroma on tmp_path, the real e5 embedder, and a PDF and a DOCX generated here."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import build_assistant
from corpus import Settings

pytestmark = pytest.mark.integration

PDF_PAGES = [
    [
        "Uitvoeringsprogramma Werk en Inkomen 2025",
        "Gemeente Almelo",
        "In de eerste drie kwartalen van 2024 zijn 312 proefplaatsingen gestart.",
        "De gemeente Almelo wil meer inwoners aan het werk helpen.",
    ],
    [
        "Statushouders",
        "In 2024 volgden 85 statushouders een inburgeringstraject.",
        "Het doel voor 2025 is dat 60 procent binnen drie jaar werkt.",
    ],
]


def _make_pdf(path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for lines in PDF_PAGES:
        y = 780
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 20
        pdf.showPage()
    pdf.save()


def _make_docx(path: Path) -> None:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    document.add_heading("Raadsbrief jongerenaanpak Almelo", level=1)
    document.add_paragraph("Geachte leden van de raad,")
    document.add_paragraph(
        "Het Jongerenactieteam sprak in 2023 met 420 jongeren zonder startkwalificatie."
    )
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Op de tweede pagina staat de klanttevredenheid: een 7,4.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Instroom", "253"
    table.cell(1, 0).text, table.cell(1, 1).text = "Uitstroom", "200"
    document.save(str(path))


@pytest.fixture
def mixed_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    _make_pdf(folder / "programma-almelo.pdf")
    _make_docx(folder / "raadsbrief-jongeren.docx")
    (folder / "notitie.md").write_text(
        "# Notitie beschut werk\n\nIn Hengelo werken 45 mensen in een beschutte werkplek.\n",
        encoding="utf-8",
    )
    return folder


def test_real_stack_finds_pdf_and_docx_passages(
    real_settings: Settings, mixed_corpus: Path
) -> None:
    assistant = build_assistant(real_settings)
    report = assistant.ingest([mixed_corpus])
    assert not report.failed, report.failed
    assert report.documents == 3 and report.embedded == report.chunks > 0

    hits = assistant.search(
        "Hoeveel mensen met een verblijfsvergunning deden mee aan inburgering?", k=3, mode="dense"
    )
    # a paragraph that runs over the page break is one chunk: it starts on page 1
    assert hits[0].source == "programma-almelo.pdf" and hits[0].page in (1, 2)
    assert "85 statushouders" in hits[0].text

    hits = assistant.search("proefplaatsingen gestart 2024", k=3)
    top = hits[0]
    assert (top.source, top.page) == ("programma-almelo.pdf", 1)
    passage = assistant.passage(top.doc_id, top.line_start, top.line_end, page=top.page)
    assert "312 proefplaatsingen" in passage.text and "p. 1" in passage.citation

    hits = assistant.search("gesprekken met jongeren zonder diploma", k=3)
    docx_hit = next(h for h in hits if h.source == "raadsbrief-jongeren.docx")
    assert docx_hit.page == 1 and "420 jongeren" in docx_hit.text
    hits = assistant.search("hoe tevreden zijn klanten", k=5, mode="dense")
    # the paragraph after the page break may share a chunk with the one before it
    assert any(h.source == "raadsbrief-jongeren.docx" and "7,4" in h.text for h in hits)

    docs = {d["source"]: d for d in assistant.documents()}
    assert docs["programma-almelo.pdf"]["municipality"] == "Almelo"
    assert docs["programma-almelo.pdf"]["pages"] == 2


def test_real_embedder_dense_search_on_bundled_corpus(real_settings: Settings) -> None:
    assistant = build_assistant(real_settings)
    report = assistant.ingest()
    assert report.documents == 5 and not report.failed
    hits = assistant.search("hoeveel loonkostensubsidie contracten gestart", k=5)
    assert any(
        h.source == "001_2e26a5924f710f99.txt" and h.line_start <= 89 <= h.line_end for h in hits
    )
    # re-ingest embeds nothing again
    again = assistant.ingest()
    assert again.version == report.version and again.embedded == 0
