"""Answer a chat question from the figures table and from passages, with line-exact citations.

Routing: a figure question goes to ``FigureService.answer``; when it finds rows the route is
``metrics`` (each row cited by its source line), else the question falls back to passages.
Passages: the most relevant sentences of the top hits, quoted and cited. When even the best
sentence covers too little of the question, the answer is ``refused`` and names the nearest
documents. Every number in the final text is checked against the cited quotes and figure rows.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from assistant.evidence import Evidence, EvidenceFinder, PassageEvidence
from assistant.figure_fit import asks_money
from assistant.figure_pick import pick_figures
from assistant.figure_text import (
    describe_conflict,
    describe_missing,
    describe_row,
    phrases,
    spelled_note,
)
from assistant.figures import FigureFilters, row_to_public
from assistant.grounding import ground_answer
from assistant.language import (
    Language,
    Term,
    counted_terms,
    detect_language,
    is_figure_question,
    stems,
    whole_year_asked,
)
from assistant.markup import as_text
from assistant.passage_fit import has_figure
from assistant.period_check import period_notes
from assistant.sentences import coverage, split_sentences
from ingest import SearchFilters, SearchHit
from metrics import parse_question

if TYPE_CHECKING:
    from assistant.services import PolicyAssistant

Status = Literal["answered", "partial", "refused"]
Route = Literal["metrics", "passages", "both", "none"]

# Refusal, calibrated on our own question sets (eval/questions/*.jsonl) and the shared dev-004
# set with the e5 index (policy-assistant eval; eval/holdout is not used for this): refuse when
# the best passage covers less than this idf-weighted share of the question's content words,
# or when this share of those words occurs nowhere in the corpus. English questions meet the
# Dutch text through the synonym groups only, so their coverage refuses only a best passage
# sharing no word, and they are refused on unknown words only when 3/4 of their terms are words
# outside the groups that occur nowhere in the corpus ("the price of a swimming pool pass").
REFUSE_BELOW: dict[str, float] = {"nl": 0.2, "en": 0.01}
UNKNOWN_SHARE: dict[str, float] = {"nl": 0.4, "en": 0.75}
# A figure question is refused when no figure-bearing passage among the FIGURE_CHECKED best
# covers this share of its words: the documents speak of the subject but give no figure for it
# (English lower: see above). Calibrated the same way; English 0.2-0.3 refuse the same questions.
FIGURE_SENTENCE_COVERAGE: dict[str, float] = {"nl": 0.28, "en": 0.25}
FIGURE_CHECKED = 5
MAX_CITATIONS = 5  # figure rows and passage sentences cited in one answer
MAX_ROW_QUOTE = 700  # a figure row is quoted with its whole passage up to this length
_AMOUNT = re.compile(r"€|\beuro\b|\bmiljoen\b|\bmln\b|\bmiljard\b|\d{1,3}(?:\.\d{3}){2,}", re.I)
_MONEY_STEMS = frozenset(
    stems("budget begroting geld middelen kosten kost bedrag money funding cost")
)
QUOTED = 3  # passage sentences quoted in the answer; the rest are listed as "see also"
EXTRA_MIN_COVERAGE = 0.5  # beside figure rows, a passage must match the question this well
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
            filters=filters,
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
            draft = self._figures(question, filters, lang, found)
            if self._figure_missing(question, found, lang, filters):
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
        self, question: str, filters: SearchFilters, lang: Language, found: PassageEvidence
    ) -> _Draft | None:
        """The figure rows of the best passages (``assistant.figure_pick``), each cited by the
        sentence that states it; None when no row of those passages fits the question."""
        frame = self.assistant.figures.filter(
            FigureFilters(municipality=filters.municipality, doc_id=filters.doc_id),
            filters.access,
        )
        docs = self.assistant.index.snapshot().documents
        if filters.year is not None or filters.doc_type is not None:
            keep = [
                d
                for d, e in docs.items()
                if (filters.year is None or e.get("year") == filters.year)
                and (filters.doc_type is None or e.get("doc_type") == filters.doc_type)
            ]
            frame = frame[frame["doc_id"].isin(keep)]
        pick = pick_figures(
            question, found.ranked, frame, found.scored, self.evidence.idf(filters.access)
        )
        if pick is None:
            return None
        shown = pick.rows
        p = phrases(lang)
        status: Status = pick.status
        lines = [str(p["intro_partial"] if status == "partial" else p["intro_answered"]), ""]
        citations: list[dict[str, Any]] = []
        for row in shown:
            ev = self._row_evidence(row, round(float(row["match_score"]) / pick.top, 4))
            same = next((c for c in citations if ev is not None and c["quote"] == ev.quote), None)
            cid = same["id"] if same else f"c{len(citations) + 1}"
            if ev is not None and same is None:
                citations.append(self.evidence.citation(cid, ev))
            lines.append(f"- {describe_row(row, cid if ev else '-', lang)}")
            if ev is not None and same is None:
                lines.append(f"  “{as_text(ev.quote)}”")
        quarter = pick.query.quarter if pick.query else None
        notes = describe_missing(pick.reasons, shown, quarter, lang) if status == "partial" else []
        if status == "answered" and whole_year_asked(question):
            # "in heel 2024" answered from a report over its first three quarters
            notes = period_notes(question, citations, docs, lang, quoted=len(citations))
            status = "partial" if notes else status
        conflict = describe_conflict(shown, lang)
        lines.extend(["", *notes, *([conflict] if conflict else [])])
        return _Draft(
            status,
            "metrics",
            lines,
            citations,
            [row_to_public(r) for r in shown],
            extra={
                "figure_status": status,
                "partial_reasons": pick.reasons
                or (["period: part of the asked year"] if notes else []),
                "top_match": pick.top,
            },
        )

    def _row_evidence(self, row: dict[str, Any], score: float) -> Evidence | None:
        """A row is cited by the passage it was found in (a list or a pair of sentences holds
        the figures beside it), or by the sentence through its line when that passage is long."""
        passage = row.pop("passage", None)
        if isinstance(passage, Evidence) and len(passage.quote) <= MAX_ROW_QUOTE:
            return replace(passage, score=score)
        return self.evidence.figure_line(row, score)

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
            draft.lines.append(f"- “{as_text(ev.quote)}” [{cid}]{spelled_note(ev.quote, lang)}")
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
            lines.append(f"- “{as_text(ev.quote)}” [{cid}]{spelled_note(ev.quote, lang)}")
        return _Draft("answered", "passages", lines, citations, [])

    def _check_period(self, question: str, draft: _Draft, lang: Language) -> None:
        """A figure question answered from passages of another period is ``partial``."""
        documents = self.assistant.index.snapshot().documents
        notes = period_notes(question, draft.citations, documents, lang, quoted=QUOTED)
        if notes:
            draft.status = "partial"
            draft.lines.extend(["", *notes])
            draft.extra["partial_reasons"] = ["period: the quoted passages cover another period"]

    def _figure_missing(
        self, question: str, found: PassageEvidence, lang: Language, filters: SearchFilters
    ) -> bool:
        """A figure question whose words no figure-bearing passage among the best holds, none
        names what it counts ("hoeveel no-riskpolissen?"), or (money asked: "hoeveel budget
        krijgt Werkcentrum Twente?") none on its subject states an amount: the documents speak
        of the subject, but give no figure for it. (English questions meet the Dutch text
        through the synonym groups only, so their bar is lower.)"""
        figured = [ev for ev in found.ranked[:FIGURE_CHECKED] if has_figure(ev.quote)]
        if max((ev.coverage for ev in figured), default=0.0) < FIGURE_SENTENCE_COVERAGE[lang]:
            return True
        idf = self.evidence.idf(filters.access)
        if asks_money(parse_question(question)):
            subject = [t for t in found.scored if not _money_term(t)]
            return not any(
                _AMOUNT.search(ev.quote) and (not subject or coverage(subject, ev.quote, idf))
                for ev in figured
            )
        counted = counted_terms(question)
        if not counted:
            return False
        return not any(coverage(counted, _figure_sentences(ev), idf) for ev in figured)

    def _refusal(self, hits: list[SearchHit], lang: Language, *, no_figure: bool = False) -> _Draft:
        p = phrases(lang)
        nearest: dict[str, SearchHit] = {}
        for hit in hits:
            nearest.setdefault(hit.title, hit)
        named = list(nearest.values())[:3]
        lines = [str(p["refused_no_figure" if no_figure else "refused"])]
        if named:
            titles = "; ".join(as_text(h.title) for h in named)
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


def _money_term(term: Term) -> bool:
    """A question term that names money ("budget", "geld"), not what the money is for."""
    forms = term if isinstance(term, tuple) else (term,)
    return any(form in _MONEY_STEMS for form in forms)


def _figure_sentences(ev: Evidence) -> str:
    """The sentences of a passage that state a figure, with the headings and list lead over a
    list or table (what a figure of it is about)."""
    if ev.block:
        return f"{ev.context} {ev.quote}"
    stating = [s.text for s in split_sentences([(0, ev.quote)]) if has_figure(s.text)]
    return f"{ev.context} {' '.join(stating)}"


def _merge(first: list[SearchHit], more: list[SearchHit]) -> list[SearchHit]:
    seen = {h.chunk_id for h in first}
    return [*first, *(h for h in more if h.chunk_id not in seen)]
