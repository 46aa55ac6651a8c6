"""A run of sentences goes on over a PDF page break (issue 17: "Sentences, lists and tables
continue across a page break"), and its citation names both pages.

A PDF is made in the test: page 1 ends with a sentence that names a figure's subject, and page
2 opens with the sentence that states its share. Both are ingested (fake embedder, real PDF
reader, furniture and figures) and the answering pipeline's retrieve stage must offer the two
together, with the figure rows of both pages, cited as "p. 1, r. 75 – p. 2, r. 1".
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant import PolicyAssistant
from assistant.citations import format_location
from assistant.pipeline.candidates import Candidate
from corpus import write_manifest
from ingest import SearchFilters
from tests.conftest import fake_settings
from tests.support.renderings import Rendering, render_pdf

pytestmark = pytest.mark.unit

TITLE = "Jaarverslag Werk 2024"
LAST_OF_PAGE_1 = "In 2024 begonnen 412 inwoners aan een werkfittraject bij het Werkplein."
FIRST_OF_PAGE_2 = "Van hen vonden er 173 binnen een half jaar een betaalde baan."
QUESTION = "Hoeveel inwoners begonnen aan een werkfittraject en hoeveel vonden een baan?"
# one sentence over the break from page 2 to page 3
END_OF_PAGE_2 = "In 2023 begonnen 388 inwoners aan een leerwerktraject, van wie er"
START_OF_PAGE_3 = "141 een diploma haalden."
SPLIT_QUESTION = "Hoeveel inwoners begonnen in 2023 aan een leerwerktraject?"
_TOPICS = ("de wijkteams", "het armoedebeleid", "de schuldhulp", "het taalhuis", "de jeugdzorg")


def _text(per_page: int) -> list[str]:
    """A page of unrelated sentences whose last line is LAST_OF_PAGE_1, then FIRST_OF_PAGE_2
    opening page 2; page 2 ends inside a sentence that page 3 closes."""
    filler = [
        f"Paragraaf {n} gaat over {_TOPICS[n % len(_TOPICS)]} in wijk {n}."
        for n in range(1, per_page)
    ]
    page_2 = [
        f"Bijlage {n} beschrijft {_TOPICS[n % len(_TOPICS)]}." for n in range(1, per_page - 1)
    ]
    after = [f"Tabel {n} toont {_TOPICS[n % len(_TOPICS)]}." for n in range(1, 6)]
    return [
        *filler,
        LAST_OF_PAGE_1,
        FIRST_OF_PAGE_2,
        *page_2,
        END_OF_PAGE_2,
        START_OF_PAGE_3,
        *after,
    ]


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PolicyAssistant, Rendering]]:
    root = tmp_path_factory.mktemp("page-break-runs")
    corpus = root / "corpus"
    corpus.mkdir()
    per_page = 75  # render_pdf's lines on an A4 page at 8 points
    lines = _text(per_page)
    rendering = render_pdf(lines, TITLE, "title-number")
    assert rendering.places[per_page] == (1, per_page)  # the test's premise: the break
    assert rendering.places[per_page + 1] == (2, 1)
    assert rendering.places[2 * per_page] == (2, per_page)
    assert rendering.places[2 * per_page + 1] == (3, 1)
    (corpus / "jaarverslag.pdf").write_bytes(rendering.data)
    write_manifest(corpus, {"jaarverslag.pdf": {"title": TITLE, "municipality": "Hengelo"}})
    assistant = PolicyAssistant(fake_settings(root / "data", corpus_dirs=[corpus]))
    assert not assistant.ingest().failed
    yield assistant, rendering


def _candidates(assistant: PolicyAssistant, question: str) -> list[Candidate]:
    pipeline = assistant.pipeline
    filters = SearchFilters()
    return pipeline.passages.retrieve(
        pipeline.understand(question, filters, "nl"), filters
    ).passages


def _over_the_break(assistant: PolicyAssistant) -> list[Candidate]:
    """The candidates made of units on two pages."""
    units = assistant.pipeline.passages.units()
    return [
        c
        for c in _candidates(assistant, QUESTION)
        if len({units.place(m)[1] for m in c.members}) > 1
    ]


def test_a_run_of_sentences_goes_on_over_the_page_break(
    paged: tuple[PolicyAssistant, Rendering],
) -> None:
    assistant, _ = paged
    runs = _over_the_break(assistant)
    assert runs, "no candidate passage runs on over the page break"
    ev = next(c.evidence for c in runs if c.evidence.quote.startswith(LAST_OF_PAGE_1))
    assert ev.quote == f"{LAST_OF_PAGE_1} {FIRST_OF_PAGE_2}"  # no header, no page number
    assert ev.page == 1  # a passage's page is its first line's
    # its citation names both pages and the line on each
    where = assistant.pipeline.passages.lines.location(ev.doc_id, ev.line_start, ev.line_end)
    assert (where.page, where.line_start, where.page_end, where.line_end) == (1, 75, 2, 1)
    assert format_location(where) == "p. 1, r. 75 – p. 2, r. 1"


def test_a_run_over_the_page_break_holds_the_figure_rows_of_both_pages(
    paged: tuple[PolicyAssistant, Rendering],
) -> None:
    assistant, _ = paged
    run = next(c for c in _over_the_break(assistant) if "412" in c.evidence.quote)
    values = {float(r["value"]) for r in run.rows}
    assert {412.0, 173.0} <= values, run.rows
    # ... and the scope check reads the rows of both pages too
    from assistant.pipeline.scope import rows_on

    on = {float(r["value"]) for r in rows_on(assistant.figures.frame(), run.evidence)}
    assert {412.0, 173.0} <= on


def test_a_sentence_split_by_the_page_break_holds_the_figure_rows_of_both_pages(
    paged: tuple[PolicyAssistant, Rendering],
) -> None:
    assistant, _ = paged
    one = next(
        c
        for c in _candidates(assistant, SPLIT_QUESTION)
        if len(c.members) == 1 and c.evidence.quote.startswith(END_OF_PAGE_2)
    )
    assert one.evidence.quote == f"{END_OF_PAGE_2} {START_OF_PAGE_3}"
    assert {388.0, 141.0} <= {float(r["value"]) for r in one.rows}, one.rows
    ev = one.evidence
    where = assistant.pipeline.passages.lines.location(ev.doc_id, ev.line_start, ev.line_end)
    assert format_location(where) == "p. 2, r. 75 – p. 3, r. 1"
