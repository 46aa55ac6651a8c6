"""Figure extraction: every figure of a document as a row of the figures table.

The document is read as units (:func:`metrics.layout.units`): headings, paragraphs, list items
and table rows. Each figure found by :func:`metrics.numbers.find_numbers` gets

* its period: the period nearest to it in its sentence; else a period stated earlier in the
  paragraph; else the period an introducing sentence ("In de eerste drie kwartalen van 2024 zien
  we onderstaand resultaat:") or a heading ("Aantallen op peildatum 1 oktober 2024") states for
  the block beneath it; else the document's reporting period, marked ``period_inferred``;
* its kind (result, target, budget, forecast, context) from cue words and section headings;
* its scope: the document's municipality, or a region or the country when the clause says so;
* its provenance: source line, page and a verbatim quote of that line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from metrics.context import (
    Sentence,
    carried_scopes,
    context_period,
    heading_kind,
    kind_of,
    measure_of,
    own_period,
    scope_of,
    sentences,
    subject_of,
    subject_phrase,
)
from metrics.extract_state import ExtractState, column_periods, update_block, update_table
from metrics.layout import Unit, not_a_figure, quote_for, raw_span, units
from metrics.numbers import NumberMatch, find_numbers, with_unit
from metrics.periods_context import (
    Period as _Period,
)
from metrics.periods_context import (
    change_period,
    chapter_period,
    current_year,
    is_event,
    named_policy_period,
    reporting_year,
    total_period,
)
from metrics.periods_context import (
    fallback_period as _fallback,
)
from metrics.periods_context import (
    from_match as _from_match,
)
from metrics.periods_context import (
    partial as _partial,
)
from metrics.periods_context import (
    refine as _refine,
)
from metrics.periods_context import (
    year_of as _year_of,
)

if TYPE_CHECKING:
    from corpus import Document


_FRAMEWORK_TYPES = frozenset({"beleidskader", "nota"})
_PROGRAMME_TYPES = frozenset({"uitvoeringsprogramma"})


# "In 2018 was dat 63,1%": the figure's subject is the one named just before
_ANAPHOR = re.compile(
    r"(?<![\w])(?:(?:was|is|waren|zijn|bedroeg)\s+(?:dat|dit)|^\W*(?:dat|dit|that|this)\s+(?:was|is|were|bedroeg))(?![\w])",
    re.I,
)


def _timeless(match: NumberMatch) -> bool:
    """A duration, an age, a spelled or approximate number with no period of its own: a general
    statement ("drie leidende principes", "circa 7000 jongvolwassenen"), not a period's figure."""
    if match.unit == "euro":
        return False  # "bijna 2,25 miljoen euro": an amount of money is a period's amount
    return match.unit == "other" or match.spelled or match.approx


def _default_kind(
    row_period: str, scope: str | None, doc: Document, inherited: str | None = None
) -> str:
    """The kind of a figure without a cue word in its sentence."""
    if row_period == "unknown":
        return "context"  # a general statement: a duration, an age, "drie leidende principes"
    years = [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", row_period)]
    ref = reporting_year(doc) or 0
    if years and ref and min(years) > ref:
        return "forecast"  # a figure for a year after the reporting period
    if years and ref and max(years) < ref - 1:
        return "context"  # a figure from well before the period the document reports on
    if scope is not None:
        return "context"  # another area's figure
    if inherited is not None:
        return inherited  # the kind of the section or of the sentence introducing the block
    return "context" if doc.meta.doc_type in _FRAMEWORK_TYPES else "result"


def _dedupe(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per value, unit and source line (PDF text repeats a cell: "Totaal: 5.687 Totaal:
    5.687")."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for row in rows:
        key = (row["page"], row["line"], row["value"], row["unit"])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def _rows_for(
    doc: Document, unit: Unit, state: ExtractState, fallback: _Period
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    found = find_numbers(unit.text)
    if not found:
        return rows
    found = [m for m in found if not not_a_figure(doc, unit, m)]
    if state.scale is not None and unit.kind in ("row", "lone", "prose"):
        factor = state.scale
        found = [with_unit(m, "euro", factor) if m.unit in ("count", "other") else m for m in found]
    found = _without_label_numbers(unit, found, state)
    sents = sentences(unit.text)
    columns = column_periods(unit, found, state, reporting_year(doc))
    carried = carried_scopes(sents, doc.meta.municipality)
    for n, match in enumerate(found):
        at = next((i for i, s in enumerate(sents) if s.start <= match.start < s.end), None)
        if at is None:
            continue
        sent = sents[at]
        s_start, s_end = match.start - sent.start, match.end - sent.start
        year = _year_before(unit.text[: sent.start]) or reporting_year(doc)
        period = columns[n] if columns else None
        if period is None:
            period = _period_for(sents, sent, match, found, state, fallback, year)
            period = _partial(period, unit, doc)
            change = change_period(sent.text, s_start, period.period, doc.meta.period)
            if change is not None:
                period = _Period(change, True, False, period.via + "+change")
        scope = scope_of(sent.text, s_start, s_end, doc.meta.municipality)
        if scope is None:
            scope = carried[at]
        kind = kind_of(sent.text, s_start, s_end, None, match.unit)
        if kind is None or (kind == "result" and scope is not None):
            kind = _default_kind(period.period, scope, doc, state.block_kind or state.section_kind)
        if period.via == "fallback" and kind == "budget":
            period = _programme_year(period, doc)
        if period.via != "own" and kind in ("target", "budget", "forecast"):
            period = _year_of(period)  # a target, budget or forecast is set for a year
        elif period.via == "own" and is_event(sent.text, period.period, started=True):
            period = _year_of(period)  # "In juli 2019 is gestart met de pilot om 100 ..."
        rows.append(_row(doc, unit, match, sent.text, s_start, s_end, period, kind, scope, state))
    return rows


def _programme_year(period: _Period, doc: Document) -> _Period:
    """A programme's budget with no period of its own is the programme year's (the 2025
    programme budgets 2025; its results cover the first quarters of 2024)."""
    if doc.meta.doc_type in _PROGRAMME_TYPES and doc.meta.year:
        return _Period(str(doc.meta.year), False, True, "fallback+programme")
    return period


def _year_before(text: str) -> int | None:
    years = re.findall(r"(?<![\d,.])((?:19|20)\d\d)(?![\d,.])", text)
    return int(years[-1]) if years else None


def _period_for(
    sents: list[Sentence],
    sent: Sentence,
    match: NumberMatch,
    found: list[NumberMatch],
    state: ExtractState,
    fallback: _Period,
    year: int | None,
) -> _Period:
    others = [
        (m.start - sent.start, m.end - sent.start)
        for m in found
        if sent.start <= m.start < sent.end
    ]
    own = own_period(sent.text, match.start - sent.start, match.end - sent.start, year, others)
    if own is not None:
        return _from_match(own)
    if state.row_group is not None:
        return state.row_group
    now = current_year(sent.text, state.reporting_year)
    if now is not None:
        return _Period(now, False, False, "current")
    before = [s for s in sents if s.end <= sent.start]
    for earlier in reversed(before):
        stated = context_period(earlier.text, year)
        if stated is not None:
            carried = _from_match(stated, "paragraph")
            event = is_event(earlier.text, stated.period)  # "In juli 2019 startte ..."
            return _year_of(carried) if event else carried
        now = current_year(earlier.text, state.reporting_year)
        if now is not None and earlier is before[-1]:
            return _Period(now, False, False, "current")  # "Momenteel ... . Meer dan de helft"
    if _timeless(match):
        chapter = state.chapter_period
        if state.block_period is None and chapter is not None and ".." in chapter.period:
            return chapter  # "1. EAA 2016-2018": "vier doelstellingen" are the policy period's
        return _Period("unknown", False, False, "timeless")
    for inherited in (state.block_period, state.section_period, state.chapter_period):
        if inherited is not None:
            return inherited
    return fallback


def _row(
    doc: Document,
    unit: Unit,
    match: NumberMatch,
    sentence: str,
    s_start: int,
    s_end: int,
    period: _Period,
    kind: str,
    scope: str | None,
    state: ExtractState,
) -> dict[str, Any]:
    piece, offset = unit.locate(match.num_start)
    sl = doc.lines[piece.index]
    num_len = max(1, match.num_end - match.num_start)
    rs, re_ = raw_span(sl, piece.clean, offset, min(len(piece.clean), offset + num_len))
    quote = quote_for(sl, rs, re_) or sl.text.strip() or match.raw
    municipality = scope or doc.meta.municipality or "onbekend"
    around, measure = _section_subject(state), measure_of(sentence, s_start, s_end)
    if state.previous_subject and _ANAPHOR.search(sentence):
        around = state.previous_subject
        measure = state.previous_phrase or measure
    return {
        "subject": subject_of(sentence, subject_of(unit.text, around, match.start), s_start),
        "measure": measure,
        "value": float(match.value),
        "unit": match.unit,
        "period": period.period,
        "cumulative": period.cumulative,
        "period_inferred": period.inferred,
        "kind": kind,
        "municipality": municipality,
        "approx": match.approx,
        "doc_id": doc.meta.doc_id,
        "source": doc.meta.source,
        "page": sl.page,
        "line": sl.line,
        "quote": quote,
        "_via": period.via,
    }


# a heading's numerals ("3 Beleidslijnen EAA", "Terugblik 2024", "Bijlage 2") number the
# section or date it; as a subject they would read as figures of their own
_NUMBERED_WORD = re.compile(r"[^\s()]*\d[^\s()]*")


def _without_label_numbers(
    unit: Unit, found: list[NumberMatch], state: ExtractState
) -> list[NumberMatch]:
    """A table row under year columns with a number in its label ("Instroom >1 maand 1.006
    981 ..."): the label's number is no figure, and the values are the last ones."""
    extra = len(found) - len(state.columns or ())
    if not state.columns or unit.kind not in ("row", "lone") or not 0 < extra <= 2:
        return found
    label = unit.text[found[extra - 1].end : found[extra].start]
    return found[extra:] if re.search(r"[^\W\d_]{2,}", label) else found


def _section_subject(state: ExtractState) -> str:
    words = _NUMBERED_WORD.sub(" ", state.heading)
    words = re.sub(r"\(\s*[-–]?\s*\)", " ", re.sub(r"\s*[-–]\s*\)", ")", words))
    named = re.sub(r"\s+", " ", words).strip(" :-–,.").lower()
    heading = subject_of(state.heading, named[:60])
    return state.block_subject or heading or "onbekend"


def extract_figures(doc: Document) -> list[dict[str, Any]]:
    """Every figure of ``doc`` as a row dict with the columns of the figures table."""
    return [{k: v for k, v in row.items() if k != "_via"} for row in extract_traced(doc)]


def extract_traced(doc: Document) -> list[dict[str, Any]]:
    """As :func:`extract_figures`, plus ``_via``: where each row's period came from."""
    year = reporting_year(doc)
    state = ExtractState(reporting_year=year)
    fallback = _fallback(doc)
    rows: list[dict[str, Any]] = []
    block: list[dict[str, Any]] = []  # a chart's or table's values without a period yet
    for unit in units(doc):
        update_table(doc, unit, state, year)
        chapter = chapter_period(unit.text, unit.kind, year)
        if chapter is not None:
            state.chapter_period = _from_match(chapter[0], "chapter") if chapter[0] else None
            if chapter[1]:
                state.chapter_period = _Period(chapter[1], False, False, "chapter-named")
        if unit.kind in ("heading", "caption"):
            found = context_period(unit.text, year)
            if unit.kind == "heading":
                named = named_policy_period(unit.text)
                state.section_period = (
                    _refine(_from_match(found, "heading"), doc)
                    if found
                    else _Period(named, False, False, "heading-named")
                    if named
                    else None
                )
                kind = heading_kind(unit.text)
                if kind is None and not found and not named and not state.read_under_heading:
                    kind = state.section_kind  # a sub-heading (a table's column header) with no
                    # text or figure between it and its heading ("BEGROTING", "Budget:",
                    # "Direct Apparaatskosten Totaal")
                state.section_kind = kind
                state.read_under_heading = 0
                state.heading = unit.text
                state.block_period = None
                state.block_kind = None
                state.block_subject = None
            elif found:
                state.block_period = _from_match(found, "caption")
            if not find_numbers(unit.text):
                continue
        unit_rows = _rows_for(doc, unit, state, fallback)
        if total_period(unit.text, unit_rows, block) or unit.kind not in ("row", "lone"):
            block = []
        else:
            block.extend(r for r in unit_rows if r["_via"] == "fallback")
        rows.extend(unit_rows)
        if unit_rows or len(unit.text.split()) >= 4:
            state.read_under_heading += 1
        update_block(unit, unit_rows, state, year, doc)
        if unit.kind in ("prose", "item"):
            state.previous_subject = subject_of(unit.text, "", len(unit.text))
            state.previous_phrase = subject_phrase(unit.text, state.previous_subject)
    return _dedupe(rows)
