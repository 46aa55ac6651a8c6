"""Figure lookups for the API and the CLI: filter the table, or answer a figure question."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pandas as pd

from assistant.citations import Lang, format_location, format_source
from corpus import SAFE_ACCESS, InvalidRequestError, Location, line_places
from ingest import SearchIndex
from metrics import FigureResult, FigureRows, PandasMetricsStore, answer_figures, render_chart

PUBLIC_COLUMNS = (
    "figure_id",
    "subject",
    "measure",
    "value",
    "unit",
    "period",
    "cumulative",
    "period_inferred",
    "kind",
    "municipality",
    "approx",
    "doc_id",
    "source",
    "title",
    "page",
    "line",
    "location",
    "quote",
)


@dataclass(frozen=True, slots=True)
class FigureFilters:
    subject: str | None = None
    measure: str | None = None
    period: str | None = None
    municipality: str | None = None
    kind: str | None = None
    doc_id: str | None = None


def row_location(row: dict[str, Any]) -> Location:
    """Where a figure row's line stands, as a citation names it (the frame's ``cited_line``,
    ``heading`` and ``line_unit``; the row's own line when it has none)."""
    cited = row.get("cited_line")
    line = int(cited) if cited is not None and not pd.isna(cited) else int(row.get("line") or 0)
    page = row.get("page")
    page = None if page is None or pd.isna(page) else int(page)
    heading = str(row.get("heading") or "")
    if row.get("line_unit") == "paragraph":
        return Location(page, line, line, unit="paragraph", heading=heading)
    return Location(page, line, line, heading=heading)


def row_source(row: dict[str, Any], lang: Lang = "nl") -> str:
    """A figure row's source as a person reads it: "Uitvoeringsprogramma EAA 2025, p. 2, r. 36"
    (the file name when the row has no title)."""
    title = str(row.get("title") or row.get("source") or "")
    return format_source(title, row_location(row), lang=lang)


def row_to_public(row: dict[str, Any]) -> dict[str, Any]:
    """A figure row as the API shows it: ``line`` is the line a citation names (on its page
    for a PDF, the paragraph for a DOCX), ``location`` reads "p. 2, r. 36"."""
    where = row_location(row)
    out = {key: row.get(key) for key in PUBLIC_COLUMNS}
    out["line"] = where.line_start
    out["page"] = where.page
    out["location"] = format_location(where)
    for key, value in list(out.items()):
        if value is not None and pd.isna(value):
            out[key] = None
    value = out["value"]
    if isinstance(value, float) and value.is_integer():
        out["value"] = int(value)
    for extra in ("partial_reason", "conflict", "match_score"):
        if extra in row:
            out[extra] = row[extra]
    return out


class FigureService:
    """The figures table of the current index version, reloaded when the version changes."""

    def __init__(self, index: SearchIndex, max_chart_figures: int = 200) -> None:
        self.index = index
        self.max_chart_figures = max_chart_figures
        self._cache: tuple[str, pd.DataFrame] | None = None
        self._rows: tuple[str, FigureRows] | None = None
        self._lock = threading.Lock()

    def frame(self, access: tuple[str, ...] | None = None) -> pd.DataFrame:
        """The figures table, each row with its document's ``title`` and the place its line
        stands as a citation names it (``cited_line``, ``heading``, ``line_unit``)."""
        snap = self.index.snapshot()
        with self._lock:
            if self._cache is None or self._cache[0] != snap.version:
                loaded = PandasMetricsStore(snap.path).frame()
                self._cache = (snap.version, _with_places(loaded, snap))
            frame = self._cache[1]
        if access is not None:
            allowed = {
                d for d, e in snap.documents.items() if e.get("access", SAFE_ACCESS) in access
            }
            frame = frame[frame["doc_id"].isin(allowed)]
        return frame

    def rows(self) -> FigureRows:
        """The current table's rows by their stems (``metrics.FigureRows``), read once per
        index version: a figure question then reads the rows that can match it, not them all."""
        self.frame()
        cached = self._cache
        assert cached is not None
        version, frame = cached
        kept = self._rows
        if kept is None or kept[0] != version:
            kept = self._rows = (version, FigureRows(frame))
        return kept[1]

    def filter(self, filters: FigureFilters, access: tuple[str, ...] | None = None) -> pd.DataFrame:
        frame = self.frame(access)
        for column in ("subject", "measure"):
            value = getattr(filters, column)
            if value:
                frame = frame[frame[column].str.contains(value, case=False, regex=False, na=False)]
        if filters.period:
            frame = frame[frame["period"].str.startswith(filters.period, na=False)]
        if filters.municipality:
            frame = frame[frame["municipality"].str.lower() == filters.municipality.lower()]
        if filters.kind:
            frame = frame[frame["kind"] == filters.kind]
        if filters.doc_id:
            frame = frame[frame["doc_id"] == filters.doc_id]
        return frame

    def answer(
        self,
        question: str,
        filters: FigureFilters | None = None,
        access: tuple[str, ...] | None = None,
    ) -> FigureResult:
        frame = self.filter(filters or FigureFilters(), access)
        return answer_figures(frame, question, table=self.rows())

    def chart(
        self,
        subject: str,
        measure: str | None,
        fmt: str,
        access: tuple[str, ...] | None = None,
        lang: str = "nl",
    ) -> bytes:
        """The chart of a subject (and measure), its legend naming the documents by title."""
        if not subject.strip():
            raise InvalidRequestError("subject is required", code="invalid_request")
        rows = self.filter(FigureFilters(subject=subject, measure=measure), access)
        if rows.empty:
            result = self.answer(f"{subject} {measure or ''}", access=access)
            rows = pd.DataFrame(result.rows) if result.rows else rows
        if rows.empty:
            raise InvalidRequestError(f"no figures for {subject!r}", code="nothing_to_draw")
        if len(rows) > self.max_chart_figures:
            # drawing thousands of labelled points takes seconds: a bounded cost, or a clear no
            raise InvalidRequestError(
                f"{subject!r}{f' / {measure!r}' if measure else ''} matches {len(rows)} figures; "
                f"a chart draws at most {self.max_chart_figures}: give a longer subject or a "
                "measure",
                code="too_many_figures",
            )
        documents = self.index.snapshot().documents
        titles = rows["doc_id"].map(lambda d: documents.get(d, {}).get("title"))
        title = f"{subject} — {measure}" if measure else subject
        return render_chart(rows.assign(title=titles), title, fmt, lang)


def _with_places(frame: pd.DataFrame, snap: Any) -> pd.DataFrame:
    frame = frame.copy()
    titles = {d: str(e.get("title", "")) for d, e in snap.documents.items()}
    frame["title"] = frame["doc_id"].map(titles).fillna("")
    cited: list[int] = []
    headings: list[str] = []
    units: list[str] = []
    places: dict[str, dict[int, Location]] = {}
    for doc_id, line in zip(frame["doc_id"], frame["line"], strict=True):
        if doc_id not in places:
            doc = snap.document(doc_id)
            places[doc_id] = line_places(doc) if doc is not None else {}
        where = places[doc_id].get(int(line), Location(None, int(line), int(line)))
        cited.append(where.line_start)
        headings.append(where.heading)
        units.append(where.unit)
    frame["cited_line"] = pd.array(cited, dtype="Int64")
    frame["heading"] = headings
    frame["line_unit"] = units
    return frame
