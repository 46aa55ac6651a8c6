"""Stage 1, understand: a question parsed once into a typed :class:`Question`.

Every later stage reads this object instead of parsing the text again: the words that must be
met (content stems, synonym groups, what a figure question counts), the scope asked (the
municipality or region, the period and its grain, the kind of figure), the answer type and the
documents the question names. The vocabularies are data files (``assistant/vocab``,
``corpus/vocab``, ``metrics/vocab``); nothing here scores.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Container, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from assistant.document_reference import named_documents
from assistant.language import (
    Language,
    Term,
    content_stems,
    counted_terms,
    detect_language,
    is_figure_question,
    joined_particles,
    question_kind,
    question_terms,
    whole_year_asked,
    years_in,
)
from corpus import PeriodMatch, find_periods, without_periods
from metrics import FigureQuery, parse_question

AnswerType = Literal["figure", "list", "definition", "reason", "comparison", "policy"]
_SCOPE_VOCAB = Path(__file__).resolve().parent.parent / "vocab" / "scope.toml"


@lru_cache(maxsize=1)
def scope_vocabulary() -> dict[str, Any]:
    """``assistant/vocab/scope.toml``: regions, comparison cues and kind words."""
    with _SCOPE_VOCAB.open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True, slots=True)
class Question:
    """A question as every stage reads it."""

    text: str
    language: Language
    subject: str  # the text with period phrases blanked and split verbs joined
    terms: tuple[str, ...]  # content stems
    scored: tuple[Term, ...]  # ... with synonym groups as one term each
    counted: tuple[Term, ...]  # what a figure question counts ("hoeveel no-riskpolissen")
    answer_type: AnswerType
    asks_figure: bool
    municipality: str | None  # a municipality the question names
    region: str | None  # "Twente" or "Nederland" when the question asks that level
    periods: tuple[PeriodMatch, ...]
    years: tuple[str, ...]
    whole_year: str | None  # "in heel 2019"
    quarter: int | None
    kind: str | None  # target, budget, forecast, or result when asked in so many words
    period_years: tuple[str, ...]  # the years asked as a period (not a named document's)
    named: frozenset[str]  # doc ids of the documents the question names
    figure_query: FigureQuery

    @property
    def period(self) -> str | None:
        return self.figure_query.period


def _matches_any(text: str, patterns: list[str]) -> bool:
    low = " ".join(text.lower().split())
    return any(re.search(p, low) for p in patterns)


def answer_type(text: str, asks_figure: bool) -> AnswerType:
    """What kind of answer the question wants."""
    if _matches_any(text, scope_vocabulary()["answer_types"]["comparison"]):
        return "comparison"
    kind = question_kind(text)
    if kind in ("definition", "list", "reason"):
        return kind  # type: ignore[return-value]
    return "figure" if asks_figure else "policy"


def asked_region(text: str) -> str | None:
    """The level a question asks about when it is not one municipality: Twente or Nederland."""
    low = " ".join(text.lower().split())
    for region, forms in scope_vocabulary()["regions"].items():
        if any(re.search(rf"\b{re.escape(f)}\b", low) for f in forms):
            return str(region)
    return None


def asks_result(text: str) -> bool:
    """Whether the question asks a realised result in so many words ("gerealiseerd", "actual")."""
    low = " ".join(text.lower().split())
    return any(re.search(rf"\b{re.escape(w)}", low) for w in scope_vocabulary()["kinds"]["result"])


def document_years(named: frozenset[str], documents: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """The years that name a document the question names ("het uitvoeringsprogramma 2025")."""
    out: set[str] = set()
    for doc_id in named:
        entry = documents.get(doc_id, {})
        out |= {str(entry.get("year") or "")} | set(years_in(str(entry.get("title") or "")))
    return out


def understand(
    text: str,
    documents: Mapping[str, Mapping[str, Any]],
    known: Container[str],
    *,
    language: Language | None = None,
) -> Question:
    """Parse ``text`` once. ``documents`` are the index's document entries (to find the ones the
    question names), ``known`` the corpus vocabulary (to join a split Dutch verb only into a
    word the corpus knows)."""
    subject = joined_particles(without_periods(text), known)
    asks_figure = is_figure_question(text)
    query = parse_question(text)
    region = asked_region(text)
    municipality = query.municipality if query.municipality not in ("Twente", "Nederland") else None
    named = frozenset(named_documents(text, documents))
    years = tuple(years_in(text))
    by_name = document_years(named, documents)
    return Question(
        text=text,
        language=language or detect_language(text),
        subject=subject,
        terms=tuple(content_stems(subject)),
        scored=tuple(question_terms(subject)),
        counted=tuple(counted_terms(text)),
        answer_type=answer_type(text, asks_figure),
        asks_figure=asks_figure,
        municipality=municipality,
        region=region,
        periods=tuple(find_periods(text)),
        years=years,
        whole_year=whole_year_asked(text),
        quarter=query.quarter,
        kind=query.kind or ("result" if asks_result(text) else None),
        period_years=tuple(y for y in years if y not in by_name or years.count(y) > 1),
        named=named,
        figure_query=query,
    )
