"""Answer a chat question from the figures table and from passages, with line-exact citations.

Routing: a figure question goes to ``FigureService.answer``; when it finds rows the route is
``metrics`` (each row cited by its source line), else the question falls back to passages.
Passages: the most relevant sentences of the top hits, quoted and cited. When even the best
sentence covers too little of the question, the answer is ``refused`` and names the nearest
documents. Every number in the final text is checked against the cited quotes and figure rows.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from assistant.evidence import EvidenceFinder, PassageEvidence, has_figure
from assistant.figure_text import describe_conflict, describe_missing, describe_row, phrases
from assistant.figures import FigureFilters, row_to_public
from assistant.grounding import ground_answer
from assistant.language import Language, Term, detect_language, is_figure_question
from assistant.period_check import period_notes
from assistant.sentences import coverage
from ingest import SearchFilters, SearchHit

if TYPE_CHECKING:
    from assistant.services import PolicyAssistant

Status = Literal["answered", "partial", "refused"]
Route = Literal["metrics", "passages", "both", "none"]

# Refusal, calibrated on eval/questions/*.jsonl and the shared dev-004 set with the fake
# embedder (bench/ask_eval.py): refuse when the best sentence covers less than this
# idf-weighted share of the question's content words, or (Dutch questions) when this share
# of those words occurs nowhere in the corpus. English questions are matched against Dutch
# text through the synonym groups only, so their coverage refuses only a best sentence sharing
# no word; an English question is also refused when 3/4 of its terms are words outside the
# groups that occur nowhere in the corpus ("the price of a swimming pool subscription").
REFUSE_BELOW: dict[str, float] = {"nl": 0.2, "en": 0.01}
UNKNOWN_SHARE: dict[str, float] = {"nl": 0.4, "en": 0.75}
MAX_FIGURE_ROWS = 3
# A Dutch figure question is refused when the best quoted sentence holding a figure covers less
# than this share of its words and no figure row matches with at least this score (calibrated
# on eval/questions/*.jsonl + dev-004 with the e5 index: 4 of the 6 Dutch questions about a
# figure the corpus lacks are refused, 1 of 29 answerable Dutch figure questions too).
FIGURE_SENTENCE_COVERAGE = 0.28
STRONG_FIGURE_MATCH = 3.0
# Figure rows matching the question this weakly (metrics match score, 0..~7) are not offered as
# the answer: the question falls back to quoted passages (calibrated like the thresholds above).
WEAK_FIGURE_MATCH = 2.0
ROW_COVERAGE = 0.4  # ... unless the row's own words cover this share of the question
MAX_CITATIONS = 5  # figure rows and passage sentences cited in one answer
QUOTED = 3  # passage sentences quoted in the answer; the rest are listed as "see also"
EXTRA_MIN_COVERAGE = 0.2  # beside figure rows, a passage must match the question this well
SEARCH_K = 12  # hybrid hits whose sentences are read ...
LEXICAL_K = 3  # ... plus the best BM25 hits


@dataclass(slots=True)
class AskResult:
    """The ``/ask`` response (API.md)."""

    status: Status
    answer: str
    language: Language
    conversation_id: str
    citations: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    trace: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class _Draft:
    status: Status
    route: Route
    lines: list[str]
    citations: list[dict[str, Any]]
    figures: list[dict[str, Any]]
    names: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


class Answerer:
    """The default writer: no language model, sentences built from rows and quoted sources."""

    def __init__(
        self, assistant: PolicyAssistant, *, refuse_below: dict[str, float] | None = None
    ) -> None:
        self.assistant = assistant
        self.evidence = EvidenceFinder(assistant)
        self.refuse_below = refuse_below or REFUSE_BELOW

    def ask(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: SearchFilters | None = None,
        *,
        language: Language | None = None,
    ) -> AskResult:
        """``language`` overrides the detected one (a follow-up keeps the asker's language)."""
        started = time.perf_counter()
        filters = filters or SearchFilters()
        hits = self.assistant.search(question, k=SEARCH_K, filters=filters)
        lang = language or detect_language(question)
        figure_question = is_figure_question(question)
        # the best lexical hits too: a passage that names the asked words is read even when the
        # (approximate) dense search happens to rank it low
        lexical = self.assistant.search(question, k=LEXICAL_K, filters=filters, mode="bm25")
        found = self.evidence.passages(
            question,
            _merge(hits, lexical),
            wants_numbers=figure_question,
            lang=lang,
            access=filters.access,
        )
        # English words outside the synonym groups rarely occur in Dutch text: for an English
        # question only those count, against all its terms (a group is known by construction)
        terms = found.terms if lang == "nl" else [t for t in found.scored if isinstance(t, str)]
        unknown = self.evidence.unknown_terms(terms, filters.access)
        counted = found.terms if lang == "nl" else found.scored
        weak = (
            not found.picked
            or found.best < self.refuse_below[lang]
            or len(unknown) >= UNKNOWN_SHARE[lang] * max(len(set(counted)), 1)
        )
        draft = None
        if weak:
            draft = self._refusal(hits, lang)
        elif figure_question:
            draft = self._figures(question, filters, lang, found.scored)
            if self._figure_missing(draft, found, lang):
                draft = self._refusal(hits, lang, no_figure=True)
            elif draft is not None:
                self._add_passages(draft, found, lang)
        if draft is None:
            draft = self._passages(found, lang)
            if figure_question:
                self._check_period(question, draft, lang)
        draft.extra["evidence"] = {
            "best_coverage": round(found.best, 3),
            "threshold": self.refuse_below[lang],
            "unknown_terms": unknown,
        }
        answer, report = ground_answer(
            "\n".join(draft.lines),
            [c["quote"] for c in draft.citations],
            draft.figures,
            draft.names,
        )
        status = draft.status
        if not report.ok:
            status = "partial" if status == "answered" else status
            answer = f"{answer}\n\n{phrases(lang)['removed_numbers']}".strip()
        if not answer.strip():
            answer = str(phrases(lang)["refused"])
        trace = {
            "route": draft.route,
            "index_version": self.assistant.index.snapshot().version,
            "timings_ms": {"total": round((time.perf_counter() - started) * 1000)},
            "grounding": report.to_dict(),
            **draft.extra,
        }
        return AskResult(
            status=status,
            answer=answer,
            language=lang,
            conversation_id=conversation_id or uuid.uuid4().hex,
            citations=draft.citations,
            figures=draft.figures,
            trace=trace,
        )

    # ----- figures ------------------------------------------------------------------------
    def _figures(
        self, question: str, filters: SearchFilters, lang: Language, terms: list[Term]
    ) -> _Draft | None:
        """``terms``: the question's terms (``question_terms``), to judge weakly matched rows."""
        result = self.assistant.figures.answer(
            question,
            FigureFilters(municipality=filters.municipality, doc_id=filters.doc_id),
            access=filters.access,
        )
        docs = self.assistant.index.snapshot().documents
        rows = [
            r
            for r in result.rows
            if self._fits(r, terms, filters.access)
            and (filters.year is None or docs.get(r["doc_id"], {}).get("year") == filters.year)
            and (
                filters.doc_type is None
                or docs.get(r["doc_id"], {}).get("doc_type") == filters.doc_type
            )
        ]
        if not rows:
            return None
        top = rows[0].get("match_score") or 1.0
        shown = _distinct(rows)
        p = phrases(lang)
        status: Status = "partial" if result.status == "partial" else "answered"
        lines = [str(p["intro_partial"] if status == "partial" else p["intro_answered"]), ""]
        citations: list[dict[str, Any]] = []
        for row in shown:
            ev = self.evidence.figure_line(row, round(float(row.get("match_score") or 0) / top, 4))
            cid = f"c{len(citations) + 1}"
            if ev is not None:
                citations.append(self.evidence.citation(cid, ev))
            lines.append(f"- {describe_row(row, cid if ev else '-', lang)}")
            if ev is not None and not any(c["quote"] == ev.quote for c in citations[:-1]):
                lines.append(f"  “{ev.quote}”")
        quarter = result.query.quarter if result.query else None
        notes = (
            describe_missing(result.reasons, shown, quarter, lang) if status == "partial" else []
        )
        conflict = describe_conflict(shown, lang)
        lines.extend(["", *notes, *([conflict] if conflict else [])])
        return _Draft(
            status,
            "metrics",
            lines,
            citations,
            [row_to_public(r) for r in shown],
            extra={
                "figure_status": result.status,
                "partial_reasons": result.reasons,
                "top_match": float(top),
            },
        )

    def _fits(self, row: dict[str, Any], terms: list[Term], access: tuple[str, ...] | None) -> bool:
        """A row the metrics module matches well, or whose own text (measure, subject and
        quote) holds enough of the question's terms ("onderwijsroute"). Words are weighed
        over the documents the asker may see."""
        if float(row.get("match_score") or 0.0) >= WEAK_FIGURE_MATCH:
            return True
        text = " ".join(str(row.get(k) or "") for k in ("measure", "subject", "quote"))
        return coverage(terms, text, self.evidence.idf(access)) >= ROW_COVERAGE

    def _add_passages(self, draft: _Draft, found: PassageEvidence, lang: Language) -> None:
        """Beside figure rows, the best passage sentences that hold a figure (route ``both``)."""
        room = MAX_CITATIONS - len(draft.citations)
        extra = [
            ev
            for ev in found.picked
            if has_figure(ev.quote)
            and ev.coverage >= EXTRA_MIN_COVERAGE
            and not any(
                c["doc_id"] == ev.doc_id
                and c["line_start"] <= ev.line_end
                and ev.line_start <= c["line_end"]
                for c in draft.citations
            )
        ][: max(room, 0)]
        if not extra:
            return
        draft.lines.extend(["", str(phrases(lang)["also"])])
        for ev in extra:
            cid = f"c{len(draft.citations) + 1}"
            draft.citations.append(self.evidence.citation(cid, ev))
            draft.lines.append(f"- “{ev.quote}” [{cid}]")
        draft.route = "both"

    # ----- passages -----------------------------------------------------------------------
    def _passages(self, found: PassageEvidence, lang: Language) -> _Draft:
        p = phrases(lang)
        citations = []
        lines = [str(p["passages_intro"]), ""]
        for number, ev in enumerate(found.picked[:MAX_CITATIONS], start=1):
            cid = f"c{number}"
            citations.append(self.evidence.citation(cid, ev))
            if number == QUOTED + 1:
                lines.extend(["", str(p["see_also"])])
            lines.append(f"- “{ev.quote}” [{cid}]")
        return _Draft("answered", "passages", lines, citations, [])

    def _check_period(self, question: str, draft: _Draft, lang: Language) -> None:
        """A figure question answered from passages of another period is ``partial``."""
        documents = self.assistant.index.snapshot().documents
        notes = period_notes(question, draft.citations, documents, lang, quoted=QUOTED)
        if notes:
            draft.status = "partial"
            draft.lines.extend(["", *notes])
            draft.extra["partial_reasons"] = ["period: the quoted passages cover another period"]

    @staticmethod
    def _figure_missing(draft: _Draft | None, found: PassageEvidence, lang: Language) -> bool:
        """A Dutch figure question whose words no figure-bearing sentence holds, and that no
        figure row matches well: the documents speak of the subject, but give no figure.
        (English questions share too few words with the Dutch text for this test.)"""
        if lang != "nl":
            return False
        if draft is not None and draft.extra.get("top_match", 0.0) >= STRONG_FIGURE_MATCH:
            return False
        with_figure = [ev.coverage for ev in found.picked if has_figure(ev.quote)]
        return max(with_figure, default=0.0) < FIGURE_SENTENCE_COVERAGE

    def _refusal(self, hits: list[SearchHit], lang: Language, *, no_figure: bool = False) -> _Draft:
        p = phrases(lang)
        nearest: dict[str, SearchHit] = {}
        for hit in hits:
            nearest.setdefault(hit.title, hit)
        named = list(nearest.values())[:3]
        lines = [str(p["refused_no_figure" if no_figure else "refused"])]
        if named:
            titles = "; ".join(h.title for h in named)
            lines.append(str(p["refused_nearest"]).format(titles=titles))
        documents = [{"doc_id": h.doc_id, "title": h.title, "source": h.source} for h in named]
        return _Draft(
            "refused",
            "none",
            lines,
            [],
            [],
            names=[h.title for h in named],
            extra={"named_documents": documents},
        )


def _distinct(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The best rows, one per value, period, municipality and kind; every conflicting row."""
    seen: set[tuple[Any, ...]] = set()
    out: list[dict[str, Any]] = []
    for row in rows:
        key = (row["value"], row["period"], row["municipality"], row["kind"], row["unit"])
        if key in seen and not row.get("conflict"):
            continue
        seen.add(key)
        if row.get("conflict") or len(out) < MAX_FIGURE_ROWS:
            out.append(row)
    return out


def _merge(first: list[SearchHit], more: list[SearchHit]) -> list[SearchHit]:
    seen = {h.chunk_id for h in first}
    return [*first, *(h for h in more if h.chunk_id not in seen)]
