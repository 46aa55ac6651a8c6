"""Real documents through the API: a PDF with a running header and page numbers, a DOCX of one
paragraph per line (no page breaks) and a structured DOCX with headings, lists, a table and
page breaks, all made in the test. Citations name the page and the line on it (a PDF), or the
heading and paragraph (a DOCX), never a false "p. 1"; /passage of a PDF needs its page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import create_app
from assistant import PolicyAssistant
from corpus import Settings, write_manifest
from tests.conftest import SEEDS, fake_settings
from tests.support.renderings import Rendering, render_docx, render_pdf, structured_docx

pytestmark = pytest.mark.unit
PDF_TEXT = SEEDS[1].read_text(encoding="utf-8").split("\n")[:700]  # 001: ten pages
DOCX_TEXT = SEEDS[0].read_text(encoding="utf-8").split("\n")[:700]  # 000
PDF_TITLE = "Uitvoeringsprogramma EAA 2025"
QUESTION = "Wat is de doelstelling voor de participatie in 2024?"


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Rendering]]:
    root = tmp_path_factory.mktemp("paged")
    corpus = root / "corpus"
    corpus.mkdir()
    rendering = render_pdf(PDF_TEXT, PDF_TITLE, "dash-number")
    (corpus / "programma.pdf").write_bytes(rendering.data)
    (corpus / "evaluatie.docx").write_bytes(render_docx(DOCX_TEXT, "Evaluatie EAA 2019"))
    (corpus / "nota.docx").write_bytes(structured_docx())
    write_manifest(
        corpus,
        {
            "programma.pdf": {"title": PDF_TITLE},
            "evaluatie.docx": {"title": "Evaluatie EAA 2019"},
            "nota.docx": {"title": "Nota Werk en Inkomen 2025"},
        },
    )
    settings: Settings = fake_settings(root / "data", corpus_dirs=[corpus])
    assert not PolicyAssistant(settings).ingest().failed
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, rendering


def _passage(client: TestClient, doc_id: str, **params: Any) -> Any:
    given = {k: v for k, v in params.items() if v is not None}
    return client.get(f"/api/v1/documents/{doc_id}/passage", params=given)


def test_a_pdf_passage_needs_its_page(paged: tuple[TestClient, Rendering]) -> None:
    client, rendering = paged
    response = _passage(client, "programma", line_start=3, line_end=5)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "page_required"
    body = _passage(client, "programma", page=2, line_start=3, line_end=5).json()
    expected = [" ".join(PDF_TEXT[rendering.text_line(2, ref) - 1].split()) for ref in (3, 4, 5)]
    assert [line["text"] for line in body["lines"]] == expected
    assert [(line["page"], line["line"]) for line in body["lines"]] == [(2, 3), (2, 4), (2, 5)]
    assert body["location"] == "p. 2, r. 3–5"
    assert body["citation"].startswith(f"{PDF_TITLE} (Enschede, 2025), p. 2, r. 3–5: “")
    assert "programma.pdf" not in body["citation"]


def test_a_pdf_passage_runs_on_to_the_next_page(paged: tuple[TestClient, Rendering]) -> None:
    client, rendering = paged
    last = max(ref for page, ref in rendering.places.values() if page == 2)
    body = _passage(client, "programma", page=2, line_start=last, page_end=3, line_end=2).json()
    assert [(line["page"], line["line"]) for line in body["lines"]] == [(2, last), (3, 1), (3, 2)]
    assert (body["page"], body["page_end"]) == (2, 3)
    assert body["location"] == f"p. 2, r. {last} – p. 3, r. 2"
    # the running header and the page number are nowhere in the text
    assert not any(re.fullmatch(r"- \d+ -", line["text"]) for line in body["lines"])
    assert all(line["text"] != PDF_TITLE for line in body["lines"])


def test_pdf_search_results_and_figures_carry_page_and_line(
    paged: tuple[TestClient, Rendering],
) -> None:
    client, rendering = paged
    results = client.get(
        "/api/v1/search", params={"q": "participatie doel 2024", "doc_id": "programma", "k": 5}
    ).json()["results"]
    assert results
    for r in results:
        assert r["page"] is not None and r["location"].startswith(f"p. {r['page']}, r. ")
        assert r["citation"].startswith(PDF_TITLE) and "programma.pdf" not in r["citation"]
    figures = client.get("/api/v1/metrics", params={"doc_id": "programma"}).json()["figures"]
    assert figures
    for row in figures:
        # every figure stands on a text line of its page, none is a page number
        number = rendering.text_line(row["page"], row["line"])
        assert number is not None, row
        assert row["location"] == f"p. {row['page']}, r. {row['line']}"
        assert not re.fullmatch(r"- \d+ -", row["quote"])


def test_pdf_answer_cites_page_and_lines_verbatim(paged: tuple[TestClient, Rendering]) -> None:
    client, _ = paged
    body = client.post(
        "/api/v1/ask", json={"question": QUESTION, "filters": {"doc_id": "programma"}}
    ).json()
    assert body["citations"], body["answer"]
    for c in body["citations"]:
        assert c["page"] is not None and c["location"].startswith(f"p. {c['page']}, r. ")
        shown = _passage(
            client,
            "programma",
            page=c["page"],
            page_end=c["page_end"],
            line_start=c["line_start"],
            line_end=c["line_end"],
        ).json()
        assert " ".join(c["quote"].split()) in " ".join(shown["text"].split())
        assert len(c["quote"]) <= 1500
    assert "programma.pdf" not in body["answer"]


def test_a_docx_without_page_breaks_is_cited_by_heading_and_paragraph(
    paged: tuple[TestClient, Rendering],
) -> None:
    client, _ = paged
    docs = {d["doc_id"]: d for d in client.get("/api/v1/documents").json()["documents"]}
    assert docs["evaluatie"]["pages"] is None  # Word recorded no layout: its pages are unknown
    results = client.get(
        "/api/v1/search", params={"q": "uitstroom bijstand", "doc_id": "evaluatie", "k": 5}
    ).json()["results"]
    assert results
    for r in results:
        assert r["page"] is None and "p. " not in r["location"]
        assert re.search(r"alinea \d+", r["location"])
    # no heading styles: the heading the passage's chunk stands under names it
    assert any(r["location"].startswith(f"§ {r['section'].split(' > ')[-1]}, ") for r in results)
    body = _passage(client, "evaluatie", line_start=10, line_end=12).json()  # paragraphs
    assert [line["line"] for line in body["lines"]] == [10, 11, 12]
    assert body["location"].endswith("alinea 10–12") and "p. " not in body["citation"]


def test_a_structured_docx_keeps_pages_headings_and_list_numbers(
    paged: tuple[TestClient, Rendering],
) -> None:
    client, _ = paged
    docs = {d["doc_id"]: d for d in client.get("/api/v1/documents").json()["documents"]}
    assert docs["nota"]["pages"] == 3  # a page break before every chapter, each fits a page
    text = _passage(client, "nota", line_start=1, line_end=60, context=0).json()
    lines = {line["text"]: line for line in text["lines"]}
    # one "List Number" list through the document, as Word numbers it: 1-3, then 4-6
    assert lines["1. Meer mensen aan het werk in hoofdstuk 1."]["page"] == 1
    assert lines["4. Meer mensen aan het werk in hoofdstuk 2."]["page"] == 2
    assert "• werkgevers betrekken" in lines
    assert "Jaar | Instroom | Uitstroom" in lines
    results = client.get(
        "/api/v1/search", params={"q": "resultaten instroom uitstroom", "doc_id": "nota"}
    ).json()["results"]
    assert results and all(r["page"] in (1, 2, 3) for r in results)
    assert all("§ " in r["location"] and "alinea" in r["location"] for r in results)


def test_compose_names_the_pdf_place_once_page_exact(paged: tuple[TestClient, Rendering]) -> None:
    """The pipeline on its own (no service step after it) cites a PDF by page and the lines on
    that page, and the lead names the same place as its citation."""
    from ingest import SearchFilters

    client, rendering = paged
    assistant: PolicyAssistant = client.app.state.assistant  # type: ignore[attr-defined]
    result = assistant.pipeline.ask(QUESTION, filters=SearchFilters(doc_id="programma"))
    assert result.citations and result.lead, result.answer
    for c in result.citations:
        assert c["page"] is not None and c["location"].startswith(f"p. {c['page']}, r. ")
        # a line on its page (the rendering knows it), not the document's own line number
        assert rendering.text_line(c["page"], c["line_start"]) is not None
    if result.trace["route"] == "passages":
        cited = next(c for c in result.citations if f"[{c['id']}]" in result.lead)
        assert f"({cited['location']})" in result.lead
    assert "programma.pdf" not in result.answer and "regel" not in result.lead
    assert len(result.lead.split()) <= 40


DOCX_QUESTIONS = [
    "Hoeveel banen zijn er in Enschede?",
    "Wat is het werkloosheidspercentage in Enschede?",
    "Wat zijn de conclusies van de evaluatie?",
    "Hoeveel mensen stroomden uit naar werk?",
]


@pytest.mark.parametrize("question", DOCX_QUESTIONS)
def test_no_docx_answer_names_a_page_the_document_does_not_know(
    paged: tuple[TestClient, Rendering], question: str
) -> None:
    """Issue 17: no citation of a DOCX says "p. 1" unless the document has one page. The DOCX
    of 700 paragraphs without page breaks (Word recorded no layout) names no page at all, in
    the citations, the answer text and what comes under it; the structured DOCX of 3 pages
    names the page each cited paragraph stands on."""
    client, _ = paged
    docs = {d["doc_id"]: d for d in client.get("/api/v1/documents").json()["documents"]}
    assert docs["evaluatie"]["pages"] is None and docs["nota"]["pages"] == 3
    for doc_id in ("evaluatie", "nota"):
        body = client.post(
            "/api/v1/ask", json={"question": question, "filters": {"doc_id": doc_id}}
        ).json()
        assert body["citations"], body["answer"]
        text = f"{body['answer']}\n{body.get('more') or ''}"
        if docs[doc_id]["pages"] is None:
            assert not re.search(r"\bp\. \d", text), text
        for c in body["citations"]:
            if docs[doc_id]["pages"] is None:
                assert c["page"] is None, c
                assert "p. " not in c["location"] and "alinea" in c["location"], c
            else:
                shown = _passage(
                    client, doc_id, line_start=c["line_start"], line_end=c["line_start"]
                ).json()
                assert c["page"] == shown["lines"][0]["page"], c
                assert f"p. {c['page']}," in c["location"], c
