"""The answering pipeline: one question through the stages, in order, one way.

``understand`` -> ``retrieve`` -> ``features`` -> ``rank`` -> answerability -> figures or
passages -> ``check scope`` -> ``compose`` -> ``ground``. Each stage is a module of this package
with typed inputs and outputs; none calls back into the object that called it. The trace of
the result records what each stage decided.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from assistant.figure_text import describe_scope, phrases
from assistant.figures import FigureFilters, FigureService
from assistant.grounding import ground_answer
from assistant.language import Language, question_terms
from assistant.locator import Locator
from assistant.pipeline.answerability import (
    AnswerabilityModel,
    create_answerability,
    names_unknown,
    question_features,
    states_no_figure,
)
from assistant.pipeline.candidates import Ranked
from assistant.pipeline.compose import QUOTED, Composer, Draft, Status
from assistant.pipeline.features import passage_features
from assistant.pipeline.figure_fit import states_unit_asked
from assistant.pipeline.figures import FigurePick, pick_figures
from assistant.pipeline.lead_choice import LeadModel, LeadPool, create_lead_model
from assistant.pipeline.question import Question, understand
from assistant.pipeline.ranking import PassageRanker, create_passage_ranker, rank, with_tails
from assistant.pipeline.retrieve import PassageRetriever
from assistant.pipeline.scope import Scope, check, rows_on
from assistant.sentence_index import one_blas_thread
from ingest import HybridRetriever, SearchFilters, SearchIndex, common_words
from metrics import FigureResult, FigureRows


@dataclass(slots=True)
class AskResult:
    """The ``/ask`` response (API.md)."""

    status: Status
    answer: str
    language: Language
    conversation_id: str
    lead: str = ""  # the short direct answer, also the first line of ``answer``
    more: str = ""  # the collapsed "meer in de bronnen" part, also the end of ``answer``
    citations: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    trace: dict[str, Any] = field(default_factory=dict)
    closest: list[dict[str, Any]] = field(default_factory=list)  # a refusal's nearest passages

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class AnswerPipeline:
    """The default writer: no language model; sentences built from figure rows and quoted
    sources, ranked and judged by the learned models."""

    def __init__(
        self,
        index: SearchIndex,
        retriever: HybridRetriever,
        figures: FigureService,
        *,
        ranker: PassageRanker | None = None,
        answerability: AnswerabilityModel | None = None,
        lead_model: LeadModel | None = None,
        locator: Locator | None = None,
    ) -> None:
        self.index = index
        self.locator = locator or Locator(index)
        self.passages = PassageRetriever(index, retriever, figures)
        self.figures = figures
        self._ranker = ranker
        self._answerability = answerability
        self._lead_model = lead_model
        # when a list, every passages lead's pool is added to it (``training.lead_pools``)
        self.lead_pools: list[LeadPool] | None = None

    @property
    def ranker(self) -> PassageRanker:
        if self._ranker is None:
            self._ranker = create_passage_ranker()
        return self._ranker

    @property
    def answerability(self) -> AnswerabilityModel:
        if self._answerability is None:
            self._answerability = create_answerability()
        return self._answerability

    @property
    def lead_model(self) -> LeadModel:
        if self._lead_model is None:
            self._lead_model = create_lead_model()
        return self._lead_model

    def warm_up(self) -> None:
        """Load the models, general language's words (``names_unknown``) and the index
        version's units and their verbatim checks (not at import, not per question); numpy's
        BLAS on one thread from now on (``one_blas_thread``)."""
        one_blas_thread()
        _ = self.ranker, self.answerability, self.lead_model, common_words()
        if self.index.ready():
            self.passages.units()
            self.passages.read_units()
            self.passages.check_verbatim()
            self.figures.rows()

    def use(
        self,
        ranker: PassageRanker | None,
        answerability: AnswerabilityModel | None,
        lead_model: LeadModel | None = None,
    ) -> None:
        """Answer with other models (leave-one-document-out evaluation); None: the committed."""
        self._ranker, self._answerability = ranker, answerability
        self._lead_model = lead_model

    def understand(self, text: str, filters: SearchFilters, language: Language | None) -> Question:
        return understand(
            text, self.passages.documents(), self.passages.idf(filters.access), language=language
        )

    def rank(self, question: Question, filters: SearchFilters) -> Ranked:
        found = self.passages.retrieve(question, filters)
        return rank(found, self.ranker.score(passage_features(found)))

    def ask(
        self,
        text: str,
        conversation_id: str | None = None,
        filters: SearchFilters | None = None,
        *,
        language: Language | None = None,
    ) -> AskResult:
        started = time.perf_counter()
        filters = filters or SearchFilters()
        question = self.understand(text, filters, language)
        ranked = self.rank(question, filters)
        found = ranked.candidates
        lang = question.language
        composer = Composer(
            self.passages.lines,
            found.documents,
            question.scored,
            found.idf,
            places=self.locator,
            place_terms=question_terms(question.text),
            # a comparison ("hoe heeft ... zich ontwikkeld?") is told by its figures too
            figure=question.asks_figure or question.answer_type == "comparison",
            counts=question.answer_type not in ("list", "definition", "reason"),
            years=question.period_years,
            fits=partial(states_unit_asked, question.figure_query),
            # while pools are collected to fit the lead model, the rule picks the sentence
            lead_model=self.lead_model if self.lead_pools is None else None,
            pools=self.lead_pools,
        )
        frame = self._frame(filters, found.documents)
        pick = self.pick(question, ranked, frame, self.figures.rows())
        signals = question_features(ranked, pick)
        p_refused = self.answerability.p_refused(signals)
        quoted = with_tails(ranked)  # decided on the passages, quoted with their figures
        draft: Draft | None = None
        unknown = names_unknown(found)
        if unknown:
            draft = composer.refusal(found.hits, lang, unknown=unknown)
        elif p_refused >= self.answerability.threshold or not ranked.passages:
            draft = composer.refusal(found.hits, lang)
        elif states_no_figure(ranked, pick, QUOTED):
            draft = composer.refusal(
                found.hits, lang, no_figure=True, closest=quoted.passages[:QUOTED]
            )
        elif pick is not None:
            draft = self._figures(question, quoted, pick, composer)
        if draft is None:
            draft = self._passages(question, quoted, composer)
        composer.finish(draft, lang)
        draft.extra["evidence"] = {
            "best_coverage": round(signals["best_coverage"], 3),
            "p_refused": round(p_refused, 3),
            "threshold": self.answerability.threshold,
            "unknown_terms": found.unknown_terms,
        }
        heading = str(phrases(lang)["more_sources"])
        blocks = [[draft.lead], draft.lines, [heading, *draft.more] if draft.more else []]
        answer, report = ground_answer(
            "\n\n".join("\n".join(b) for b in blocks if b).strip(),
            [c["quote"] for c in (*draft.citations, *draft.closest)],
            draft.figures,
            [*draft.names, *(str(c["title"]) for c in draft.citations)],
        )
        status = draft.status
        rest = collapsed(answer, heading) if draft.more else ""
        if not report.ok:
            status = "partial" if status == "answered" else status
            shown = answer[: len(answer) - len(rest)].strip()
            answer = "\n\n".join(
                t for t in (shown, str(phrases(lang)["removed_numbers"]), rest) if t
            )
        if not answer.strip():
            answer = str(phrases(lang)["refused"])
        trace = {
            "route": draft.route,
            "index_version": self.index.snapshot().version,
            "timings_ms": {"total": round((time.perf_counter() - started) * 1000)},
            "grounding": report.to_dict(),
            "question": {
                "answer_type": question.answer_type,
                "municipality": question.municipality,
                "region": question.region,
                "period": question.period,
                "kind": question.kind,
            },
            **draft.extra,
        }
        lead = draft.lead if answer.startswith(draft.lead) else ""
        return AskResult(
            status=status,
            answer=answer,
            language=lang,
            conversation_id=conversation_id or uuid.uuid4().hex,
            lead=lead,
            more=rest,
            citations=draft.citations,
            figures=draft.figures,
            trace=trace,
            closest=draft.closest,
        )

    # ----- figures ------------------------------------------------------------------------
    def figure_answer(
        self, text: str, figure_filters: FigureFilters, access: tuple[str, ...] | None = None
    ) -> FigureResult:
        """``/metrics?q=``: the rows ``/ask`` would answer a figure question with (one figure
        path), from the table narrowed by the filters; status ``none`` when no row fits."""
        filters = SearchFilters(
            municipality=figure_filters.municipality, doc_id=figure_filters.doc_id, access=access
        )
        question = self.understand(text, filters, None)
        ranked = self.rank(question, filters)
        frame = self.figures.filter(figure_filters, access)
        pick = self.pick(question, ranked, frame, self.figures.rows())
        if pick is None:
            return FigureResult("none", [], [], [], question.figure_query)
        rows = [{k: v for k, v in r.items() if k != "passage"} for r in pick.rows]
        clashing = [str(r["figure_id"]) for r in rows if r.get("conflict")]
        return FigureResult(
            pick.status,
            rows,
            list(pick.reasons),
            [clashing] if len(clashing) > 1 else [],
            pick.query,
        )

    def _frame(self, filters: SearchFilters, documents: Mapping[str, Mapping[str, Any]]) -> Any:
        frame = self.figures.filter(
            FigureFilters(municipality=filters.municipality, doc_id=filters.doc_id), filters.access
        )
        if filters.year is not None or filters.doc_type is not None:
            keep = [
                d
                for d, e in documents.items()
                if (filters.year is None or e.get("year") == filters.year)
                and (filters.doc_type is None or e.get("doc_type") == filters.doc_type)
            ]
            frame = frame[frame["doc_id"].isin(keep)]
        return frame

    @staticmethod
    def pick(
        question: Question, ranked: Ranked, frame: Any, rows: FigureRows | None = None
    ) -> FigurePick | None:
        """The figure rows of the best passages that answer a figure question
        (``assistant.pipeline.figures``); None for another question, or when no row fits.
        ``rows``: the whole table's ``FigureRows`` (``FigureService.rows``)."""
        if not question.asks_figure:
            return None
        found = ranked.candidates
        return pick_figures(
            question.text,
            ranked.passages,
            frame,
            list(question.scored),
            found.idf,
            rows,
        )

    def _figures(
        self, question: Question, ranked: Ranked, pick: FigurePick, composer: Composer
    ) -> Draft:
        """The picked figure rows, each cited by the passage that states it."""
        found = ranked.candidates
        lang = question.language
        status: Status = pick.status
        notes = (
            composer.missing_notes(pick.reasons, pick.rows, question.quarter, lang)
            if status == "partial"
            else []
        )
        draft = composer.figures(pick.rows, pick.top, status, lang, notes)
        if status == "answered" and question.whole_year and draft.cited and pick.rows:
            # "in heel 2019": the best row's own period (place, level and kind the figure stage
            # weighed already), narrowed to the document's when that is part of the year
            scope = check(question, draft.cited[0], found.documents, pick.rows[:1])
            if "whole_year" in scope.missing:
                scope = Scope(("whole_year",), {"whole_year": scope.found["whole_year"]})
                draft.extra["scope"] = {"missing": ["whole_year"], "found": dict(scope.found)}
                draft.status = "partial"
                scoped = describe_scope(scope.missing, scope.found, lang, draft.citations[0]["id"])
                draft.notes = [*scoped, *draft.notes]
        draft.extra.update(
            figure_status=draft.status,
            partial_reasons=[*pick.reasons, *draft.extra.get("scope", {}).get("missing", [])],
            top_match=pick.top,
        )
        composer.add_passages(draft, ranked.passages, lang)
        return draft

    def _scope(self, question: Question, ranked: Ranked) -> Scope | None:
        """Whether the best passage holds the scope asked (``scope.check``); None without
        passages."""
        if not ranked.passages:
            return None
        ev = ranked.passages[0]
        frame = self.figures.frame()
        return check(question, ev, ranked.candidates.documents, rows_on(frame, ev))

    def _passages(self, question: Question, ranked: Ranked, composer: Composer) -> Draft:
        """The quoted passages; ``partial`` when the best one misses an asked scope, its
        notes saying which."""
        lang = question.language
        scope = self._scope(question, ranked)
        missing = [] if scope is None or scope.holds else list(scope.missing)
        notes = describe_scope(missing, scope.found, lang) if scope and missing else []
        draft = composer.passages(ranked.passages, lang, notes)
        if scope is not None:
            draft.extra["scope"] = {"missing": list(scope.missing), "found": dict(scope.found)}
        if missing:
            draft.extra["partial_reasons"] = missing
        return draft


def answer_more(answer: str, lang: Language) -> str:
    """The collapsed "meer in de bronnen" part at the end of an answer text (a stored turn's
    ``more``); empty when it has none."""
    return collapsed(answer, str(phrases(lang)["more_sources"]))


def collapsed(answer: str, heading: str) -> str:
    """The collapsed part of an answer: from its "meer in de bronnen" heading line on (the
    answer's end)."""
    at = max(
        answer.rfind(f"\n{heading}\n"), answer.rfind(f"\n{heading}", len(answer) - 1 - len(heading))
    )
    if answer.startswith(heading):
        return answer
    return answer[at + 1 :] if at >= 0 else ""
