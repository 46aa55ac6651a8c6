"""Figure lookups for the API and the CLI: filter the table, or answer a figure question."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pandas as pd

from corpus import SAFE_ACCESS, InvalidRequestError
from ingest import SearchIndex
from metrics import FigureResult, PandasMetricsStore, answer_figures, render_chart

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
    "page",
    "line",
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


def row_to_public(row: dict[str, Any]) -> dict[str, Any]:
    out = {key: row.get(key) for key in PUBLIC_COLUMNS}
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
        self._cache: tuple[str, PandasMetricsStore] | None = None
        self._lock = threading.Lock()

    def frame(self, access: tuple[str, ...] | None = None) -> pd.DataFrame:
        snap = self.index.snapshot()
        with self._lock:
            if self._cache is None or self._cache[0] != snap.version:
                self._cache = (snap.version, PandasMetricsStore(snap.path))
            frame = self._cache[1].frame()
        if access is not None:
            allowed = {
                d for d, e in snap.documents.items() if e.get("access", SAFE_ACCESS) in access
            }
            frame = frame[frame["doc_id"].isin(allowed)]
        return frame

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
        return answer_figures(frame, question)

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
