"""Quotes stay under about 1,200 characters: cut at ingest, or quoted by their best rows."""

from __future__ import annotations

import pytest

from assistant.language import question_terms
from assistant.quotes import QUOTE_CHARS, best_rows, quote_parts, split_long
from assistant.sentences import Sentence, idf_table

pytestmark = pytest.mark.unit

_SYLLABLES = ("ber", "dor", "kam", "lin", "mos", "nor", "pel", "ros")
NAMES = [(a + b).capitalize() for a in _SYLLABLES for b in _SYLLABLES][:60]
ROWS = [f"Wijk {name}: {n * 37} woningen, {n * 3} procent leeg." for n, name in enumerate(NAMES)]


def test_a_long_block_is_cut_at_its_lines_under_the_limit() -> None:
    lines = {n: row for n, row in enumerate(ROWS, start=1)}
    unit = Sentence(" ".join(ROWS), 1, len(ROWS))
    pieces = split_long(unit, lines)
    assert len(pieces) > 1 and all(len(p.text) <= QUOTE_CHARS for p in pieces)
    assert " ".join(p.text for p in pieces) == unit.text
    assert pieces[0].line_start == 1 and pieces[-1].line_end == len(ROWS)


def test_one_long_line_is_cut_at_its_clauses_verbatim() -> None:
    line = "; ".join(ROWS)  # a table dumped on one DOCX paragraph
    pieces = split_long(Sentence(line, 7, 7), {7: line})
    assert len(pieces) > 1 and all(len(p.text) <= QUOTE_CHARS for p in pieces)
    assert all(p.line_start == p.line_end == 7 and p.text in line for p in pieces)


def test_best_rows_keep_the_lead_and_the_rows_the_question_asks() -> None:
    lead = "Leegstand per wijk in 2024:"
    quote = " ".join([lead, *ROWS])
    idf = idf_table(ROWS)
    asked = NAMES[42]
    short = best_rows(quote, [lead, *ROWS], question_terms(f"Hoeveel woningen in {asked}?"), idf)
    assert len(short) <= QUOTE_CHARS and short.startswith(lead)
    assert f"Wijk {asked}: 1554 woningen" in short and "…" in short
    parts = quote_parts(short)
    assert len(parts) > 1 and all(part in quote for part in parts)
    assert best_rows("Kort.", ["Kort."], [], idf) == "Kort."
