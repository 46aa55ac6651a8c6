"""Whether quoted passages answer a figure question for the period it asks about.

The figures table knows the period of every row; quoted passages do not, so a figure question
answered from passages is checked here. Its answer is ``partial``, with a note, when

* it asks for a whole year ("in heel 2019", "the whole of 2024") and the quoted documents
  report only part of that year (an evaluation over the first three quarters), or
* it names a year that no quote names and no quoted document's period covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.figure_text import phrases
from assistant.language import Language, whole_year_asked, years_in
from corpus import period_years

OPEN_END = 2100


def _covers(period: str | None, year: int) -> bool:
    span = period_years(period or "")
    if span is None:
        return False
    last = OPEN_END if period and period.endswith("..") else span[1]
    return span[0] <= year <= last


def _part_of_year(period: str | None, year: int) -> bool:
    """A period inside one year but not all of it ("2019-Q1..Q3", "2024-H1")."""
    return bool(period) and period_years(period or "") == (year, year) and "-" in str(period)


def period_notes(
    question: str,
    citations: Sequence[dict[str, Any]],
    documents: dict[str, dict[str, Any]],
    lang: Language,
    *,
    quoted: int = 3,
) -> list[str]:
    """Notes that make a passages answer ``partial``; empty when the period fits. The whole-year
    test reads the first ``quoted`` citations (those quoted in the answer), the year test all.
    The notes hold no numerals, so they need no grounding."""
    if not citations:
        return []
    p = phrases(lang)
    whole = whole_year_asked(question)
    if whole is not None:
        year = int(whole)
        for citation in citations[:quoted]:
            period = documents.get(citation["doc_id"], {}).get("period")
            if _covers(period, year) and not _part_of_year(period, year):
                return []  # a document over the whole year is quoted
        for citation in citations[:quoted]:
            period = documents.get(citation["doc_id"], {}).get("period")
            if _part_of_year(period, year):
                return [str(p["missing_whole_year"]).format(cid=citation["id"])]
        return [str(p["missing_year"])]
    asked = {int(y) for y in years_in(question)}
    if not asked:
        return []
    for citation in citations:
        named = {int(y) for y in years_in(citation.get("quote", ""))}
        period = documents.get(citation["doc_id"], {}).get("period")
        if asked & named or any(_covers(period, y) for y in asked):
            return []
    return [str(p["missing_year"])]
