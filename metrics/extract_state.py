"""The state of a document's reading for figure extraction: what the text above a figure says.

:func:`metrics.extract.extract_traced` reads a document unit by unit. Headings, captions, column
headers of years, scale lines ("x € 1.000") and introducing paragraphs set periods, kinds and
columns for the figures beneath them; :func:`update_table` and :func:`update_block` keep that in
an :class:`ExtractState`, and :func:`column_periods` gives a table row's values their columns'
periods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from corpus import find_periods
from metrics.context import context_period, is_intro, kind_of, sentences, subject_of
from metrics.layout import Unit
from metrics.numbers import NumberMatch
from metrics.periods_context import Period, from_match, refine

if TYPE_CHECKING:
    from corpus import Document


@dataclass(slots=True)
class ExtractState:
    """What the text above a figure says about it."""

    section_period: Period | None = None
    block_period: Period | None = None
    section_kind: str | None = None
    block_kind: str | None = None
    block_subject: str | None = None
    heading: str = ""
    columns: list[str] | None = None
    scale: float | None = None
    row_group: Period | None = None
    reporting_year: int | None = None
    chapter_period: Period | None = None
    previous_subject: str = ""  # the subject named in the paragraph before
    previous_phrase: str = ""  # and the words naming it there
    read_under_heading: int = 0  # units with figures or text read since the last heading


_SCALE = re.compile(
    r"\W*(?:bedragen\s+)?(?:x|×|in)\s*(?:€\s*)?(?:1\s*)?(?P<s>mln\.?|miljoen|miljoenen|mld\.?|miljard"
    r"|1\.000|duizend|duizenden)\s*(?:euro|€)?\W*",
    re.I,
)
_HALVES = re.compile(r"\b(?:eerste|first)\b.*\b(?:tweede|second)\b.*\b(?:helft|half)\b", re.I)
_SCALES = {"mln": 1e6, "mil": 1e6, "mld": 1e9, "1.0": 1e3, "dui": 1e3}
_YEARS_LINE = re.compile(r"\W*(?:(?:19|20)\d\d\W+){1,}(?:19|20)\d\d\W*")
# ... or led by the table's label ("TOTAAL 2012 2013 2014", "Re-integratiebudget 2017 2018 2019")
_LABELLED_YEARS_LINE = re.compile(
    r"\W*[^\W\d][^\W\d-]*(?:[\s-][^\W\d]+){0,2}\s+(?:(?:19|20)\d\d\s+){2,}(?:19|20)\d\d\W*"
)


def column_periods(
    unit: Unit, found: list[NumberMatch], state: ExtractState, year: int | None
) -> list[Period] | None:
    """Periods of a table row's values from column headers (``2024 2025 2026``)."""
    if unit.kind not in ("row", "lone") or not state.columns or len(found) != len(state.columns):
        return None
    if "{y}" in state.columns[0]:  # half-year columns; the row is led by its year
        lead = re.match(r"\W*((?:19|20)\d\d)\b", unit.text)
        if not lead:
            return None
        return [Period(c.format(y=lead.group(1)), False, False, "column") for c in state.columns]
    if find_periods(unit.text, reference_year=year):
        return None
    return [Period(c, False, False, "column") for c in state.columns]


def update_table(doc: Document, unit: Unit, state: ExtractState, year: int | None) -> None:
    """Column headers of years, a caption's range of years, and row groups led by a year."""
    words = len(re.findall(r"[^\W\d_]{2,}", unit.text))
    if unit.kind in ("heading",) or (unit.kind in ("prose", "item") and words >= 8):
        state.columns = None
        state.row_group = None
        state.scale = None
        if state.block_period is not None and state.block_period.via == "caption":
            state.block_period = None
    if _HALVES.search(unit.text) and unit.kind != "heading":
        state.columns = ["{y}-H1", "{y}-H2", "{y}"]
    scale = _SCALE.fullmatch(unit.text)
    if scale:
        state.scale = _SCALES[scale.group("s").lower()[:3]]
    if unit.kind == "caption":
        state.block_kind = None
        found = context_period(unit.text, year)
        span = re.fullmatch(r"(\d{4})\.\.(\d{4})", found.period) if found else None
        if span and int(span.group(2)) - int(span.group(1)) <= 10:
            first, last = int(span.group(1)), int(span.group(2))
            state.columns = [str(y) for y in range(first, last + 1)]
        else:
            state.columns = None
    if unit.kind in ("row", "lone"):
        for sl in reversed(doc.lines[max(0, unit.first - 3) : unit.first]):
            header = sl.text.strip()
            if _YEARS_LINE.fullmatch(header) or _LABELLED_YEARS_LINE.fullmatch(header):
                state.columns = re.findall(r"(?:19|20)\d\d", sl.text)
                break
        lead = re.match(r"\W*((?:19|20)\d\d)\b", unit.text)
        if lead:
            state.row_group = Period(lead.group(1), False, False, "rowgroup")
    elif words >= 3:
        state.row_group = None


def update_block(
    unit: Unit,
    unit_rows: list[dict[str, Any]],
    state: ExtractState,
    year: int | None,
    doc: Document,
) -> None:
    """A paragraph that states a period (and no figures after it) sets it for what follows."""
    if unit.kind not in ("prose", "item", "lone"):
        return
    last = sentences(unit.text)[-1].text if unit.text else ""
    found = context_period(last, year)
    if found is not None and (not unit_rows or is_intro(last)):
        state.block_period = refine(from_match(found, "block"), doc)
        kind = kind_of(last, len(last), len(last), None)
        state.block_kind = kind if is_intro(last) else None
        intro_subject = subject_of(unit.text, "", len(unit.text)) if is_intro(last) else ""
        state.block_subject = intro_subject or None
    elif unit_rows and unit.kind == "prose" and not is_intro(last):
        state.block_period = None
        state.block_kind = None
        state.block_subject = None
