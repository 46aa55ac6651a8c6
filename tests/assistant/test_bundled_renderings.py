"""Issue 17's "Done when" on two bundled documents, through the real ingest and ``ask``: their
PDF renderings (a running header and a page number on every page, each in its own style) give
the text files' sentences, chunks and figures, no furniture anywhere, and answers that cite the
same places with the page. The whole measure, over all five documents and every eval question
with the e5 embedder, is ``bench/paged_citations.py``; this runs its checks with the fake
embedder on the two smallest documents (3 and 19 pages), drawn without and with a structure
tree (a tagged PDF: every question then cites exactly the text file's places; untagged, 2 of
the 24 cite one passage otherwise, where a paragraph end falls on a page break)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import PolicyAssistant, load_questions
from bench.paged_citations import QUOTE_LIMIT, Answers, check_furniture, compare
from bench.pdf_renderings import Comparison, check_figures, pdf_corpus, pdf_place
from corpus import BUNDLED_CORPUS_DIR
from tests.conftest import fake_settings
from tests.support.renderings import renderable_copy

pytestmark = pytest.mark.unit

DOCS = ("003_9d2ec121fa2b4399.txt", "004_ab214aa48ccf99b6.txt")
EVAL = Path(__file__).resolve().parents[2] / "eval"
QUESTIONS = [EVAL / "questions" / "own-003.jsonl", EVAL / "questions" / "own-004.jsonl"]


@pytest.fixture(scope="module", params=[False, True], ids=["untagged", "tagged"])
def corpora(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("bundled-renderings")
    renderings = pdf_corpus(root / "pdf", only=DOCS, tagged=request.param)
    texts = renderable_copy(BUNDLED_CORPUS_DIR, root / "txt")
    for other in set(texts.glob("*.txt")) - {texts / d for d in DOCS}:
        other.unlink()
    out: dict[str, Any] = {"renderings": renderings, "texts": texts, "tagged": request.param}
    for kind, folder in (("txt", texts), ("pdf", root / "pdf")):
        assistant = PolicyAssistant(fake_settings(root / f"data-{kind}", corpus_dirs=[folder]))
        report = assistant.ingest()
        assert not report.failed and report.documents == len(DOCS)
        out[kind] = assistant
    yield out


def test_no_furniture_in_any_unit_chunk_or_figure(corpora: dict[str, Any]) -> None:
    found = check_furniture(corpora["txt"], corpora["pdf"], corpora["renderings"], corpora["texts"])
    # 003: a header and "Pagina N van 3" on 3 pages; 004: "<title> | N" on 19 pages
    assert found.drawn == 3 * 2 + 19 and "Pagina 2 van 3" in found.foreign
    assert found.found_in == {"chunks": [], "units": [], "figures": []}
    assert not found.chunks_off_text  # every chunk is a stretch of its text file
    assert found.units_over_a_page_break > 0
    # every sentence, list and table is the text file's on the same lines, word for word
    assert found.units_same == found.units, found.units_different
    lines = Comparison()
    check_figures(corpora["txt"], corpora["pdf"], corpora["renderings"], lines)
    assert lines.figures_pdf == lines.figures_txt == lines.figures_same  # no page number
    assert not lines.figures_off_text


def test_answers_cite_the_same_places_with_the_page(corpora: dict[str, Any]) -> None:
    questions = load_questions(QUESTIONS)
    answered = {q["id"]: corpora["txt"].ask(q["question"]) for q in questions}
    out, seen = Comparison(), Answers()
    titles = tuple(str(d["title"]) for d in corpora["pdf"].index.snapshot().documents.values())
    furniture = [t for _, r in corpora["renderings"].values() for _, t in r.furniture]
    foreign = [t for t in set(furniture) if "|" in t or "Pagina" in t]
    found = compare(
        corpora["txt"],
        corpora["pdf"],
        pdf_place(corpora["renderings"]),
        questions,
        answered,
        out,
        seen,
        foreign,
        titles,
    )
    assert not found  # no header or footer in any answer text or quote
    assert out.citations and out.faithful == out.citations  # each quote stands where cited
    assert out.citations_with_page == out.citations
    assert out.same_status == out.questions
    assert out.first_same == out.questions, out.differences
    if corpora["tagged"]:  # the paragraph ends from the structure tree: every citation the same
        assert out.same_citations == out.questions, out.differences
    assert seen.longest_citation_quote <= QUOTE_LIMIT
    assert seen.longest_answer_quote <= QUOTE_LIMIT
    assert seen.answers_naming_a_line_without_its_page == 0
