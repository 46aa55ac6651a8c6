"""Stage 6, compose: the answer's lines and citations from the ranked evidence.

Three shapes: figure rows (each cited by the passage that states it, with the best other
figure-bearing passages beside them), quoted passages, or a refusal that names the nearest
documents. The phrases are data (``assistant/vocab/phrases.toml``); quotes are the raw source
text of the cited lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from assistant.citations import format_location
from assistant.figure_text import (
    describe_conflict,
    describe_lead,
    describe_missing,
    describe_row,
    phrases,
    spelled_note,
)
from assistant.figures import row_to_public
from assistant.language import Language, Term
from assistant.markup import as_text
from assistant.pipeline.candidates import Evidence
from assistant.pipeline.retrieve import verbatim
from assistant.pipeline.units import figure_count
from assistant.sentences import MAX_CHARS, Sentence, coverage, split_sentences, without_bullet
from assistant.source_lines import SourceLines
from ingest import SearchHit

Status = Literal["answered", "partial", "refused"]
Route = Literal["metrics", "passages", "both", "none"]

MAX_CITATIONS = 5  # figure rows and passages cited in one answer
QUOTED = 3  # passages quoted in the answer; the rest are listed as "see also"
MAX_ROW_QUOTE = 700  # a figure row is quoted with its whole passage up to this length
EXTRA_MIN_COVERAGE = 0.5  # beside figure rows, a passage must match the question this well
CONTEXT_LINES = 3
LEAD_WORDS = 30  # a lead quotes at most this many words of its sentence


@dataclass(slots=True)
class Draft:
    """An answer before grounding."""

    status: Status
    route: Route
    lead: str  # the short direct answer: the answer's first line
    lines: list[str]
    citations: list[dict[str, Any]]
    figures: list[dict[str, Any]]
    names: list[str] = field(default_factory=list)  # document titles named (not claims)
    extra: dict[str, Any] = field(default_factory=dict)


def lead_sentence(quote: str, terms: Sequence[Term], idf: dict[str, float]) -> str:
    """The sentence of a quote that holds most of the question's words (the first on a tie),
    cut to LEAD_WORDS words."""
    sentences = [s.text for s in split_sentences([(0, quote)])] or [quote]
    best = max(sentences, key=lambda s: coverage(terms, s, idf)) if terms else sentences[0]
    words = best.split()
    return " ".join(words[:LEAD_WORDS]) + (" …" if len(words) > LEAD_WORDS else "")


class Composer:
    """Builds drafts; reads the source lines to quote a figure row's sentence."""

    def __init__(
        self,
        lines: SourceLines,
        documents: Mapping[str, Mapping[str, Any]],
        terms: Sequence[Term] = (),
        idf: dict[str, float] | None = None,
    ) -> None:
        self.lines = lines
        self.documents = documents
        self.terms = terms
        self.idf = idf or {}

    def passage_lead(self, citation: Mapping[str, Any], lang: Language) -> str:
        """ "Volgens <title> (<page, lines>): “<its best sentence>” [c1]"."""
        location = format_location(
            citation.get("page"), int(citation["line_start"]), int(citation["line_end"])
        )
        return str(phrases(lang)["lead_passage"]).format(
            title=as_text(str(citation.get("title") or citation.get("source"))),
            location=location,
            sentence=as_text(lead_sentence(str(citation["quote"]), self.terms, self.idf)),
            cid=citation["id"],
        )

    def citation(self, cid: str, ev: Evidence) -> dict[str, Any]:
        entry = self.documents.get(ev.doc_id, {})
        return {
            "id": cid,
            "doc_id": ev.doc_id,
            "title": entry.get("title", ""),
            "source": entry.get("source", ""),
            "municipality": entry.get("municipality"),
            "doc_type": entry.get("doc_type"),
            "year": entry.get("year"),
            "page": ev.page,
            "line_start": ev.line_start,
            "line_end": ev.line_end,
            "quote": ev.quote,
            "score": ev.score,
        }

    # ----- figure rows --------------------------------------------------------------------
    def figure_line(self, row: dict[str, Any], score: float) -> Evidence | None:
        """The sentence(s) through a figure row's line when short enough to quote, else the
        line itself."""
        doc_id, line, page = str(row["doc_id"]), int(row["line"]), row.get("page")
        page = None if page is None or page != page else int(page)
        window = self.lines.window(doc_id, line - CONTEXT_LINES, line + CONTEXT_LINES, page)
        own = " ".join(t for n, t in window if n == line)
        quote = without_bullet(" ".join(own.split()))
        if not quote:
            return None
        through = [
            s
            for s in split_sentences(window, self.lines.spaced(doc_id))
            if s.line_start <= line <= s.line_end
        ]
        if through:
            text = without_bullet(" ".join(s.text for s in through))
            whole = Sentence(text, through[0].line_start, through[-1].line_end)
            if len(quote) <= len(text) <= MAX_CHARS and verbatim(whole, dict(window)):
                return Evidence(doc_id, page, whole.line_start, whole.line_end, text, score)
        return Evidence(doc_id, page, line, line, quote, score)

    def row_evidence(self, row: dict[str, Any], score: float) -> Evidence | None:
        """A row is cited by the passage it was found in (a list or a pair of sentences holds
        the figures beside it), or by the sentence through its line when that is long."""
        passage = row.pop("passage", None)
        if isinstance(passage, Evidence) and len(passage.quote) <= MAX_ROW_QUOTE:
            return replace(passage, score=score)
        return self.figure_line(row, score)

    def figures(
        self,
        rows: Sequence[dict[str, Any]],
        top: float,
        status: Status,
        lang: Language,
        notes: Sequence[str],
    ) -> Draft:
        lines: list[str] = []
        citations: list[dict[str, Any]] = []
        lead = ""
        for row in rows:
            ev = self.row_evidence(row, round(float(row["match_score"]) / top, 4) if top else 0.0)
            same = next((c for c in citations if ev is not None and c["quote"] == ev.quote), None)
            cid = same["id"] if same else f"c{len(citations) + 1}"
            if ev is not None and same is None:
                citations.append(self.citation(cid, ev))
            lead = lead or describe_lead(row, cid if ev else "-", lang)
            lines.append(f"- {describe_row(row, cid if ev else '-', lang)}")
            if ev is not None and same is None:
                lines.append(f"  “{as_text(ev.quote)}”")
        conflict = describe_conflict(list(rows), lang)
        lead = " ".join([*notes[:1], lead]) if status == "partial" else lead
        lines.extend(["", *notes[1:], *([conflict] if conflict else [])])
        return Draft(status, "metrics", lead, lines, citations, [row_to_public(r) for r in rows])

    def missing_notes(
        self,
        reasons: Sequence[str],
        rows: Sequence[dict[str, Any]],
        quarter: int | None,
        lang: Language,
    ) -> list[str]:
        return describe_missing(list(reasons), list(rows), quarter, lang)

    def add_passages(self, draft: Draft, ranked: Sequence[Evidence], lang: Language) -> None:
        """Beside figure rows, the best passages that hold a figure (route ``both``)."""
        room = MAX_CITATIONS - len(draft.citations)
        extra = [
            ev
            for ev in ranked
            if figure_count(ev.quote) > 0
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
        draft.lines.extend(["", str(phrases(lang)["more_sources"])])
        for ev in extra:
            cid = f"c{len(draft.citations) + 1}"
            draft.citations.append(self.citation(cid, ev))
            draft.lines.append(f"- “{as_text(ev.quote)}” [{cid}]{spelled_note(ev.quote, lang)}")
        draft.route = "both"

    # ----- passages -----------------------------------------------------------------------
    def passages(self, ranked: Sequence[Evidence], lang: Language) -> Draft:
        """The best passages quoted: QUOTED of them, the rest under "meer in de bronnen"."""
        p = phrases(lang)
        citations = []
        lines: list[str] = []
        for number, ev in enumerate(ranked[:MAX_CITATIONS], start=1):
            cid = f"c{number}"
            citations.append(self.citation(cid, ev))
            if number == QUOTED + 1:
                lines.extend(["", str(p["more_sources"])])
            lines.append(f"- “{as_text(ev.quote)}” [{cid}]{spelled_note(ev.quote, lang)}")
        lead = self.passage_lead(citations[0], lang) if citations else ""
        return Draft("answered", "passages", lead, lines, citations, [])

    # ----- refusal ------------------------------------------------------------------------
    def refusal(
        self, hits: Sequence[SearchHit], lang: Language, *, no_figure: bool = False
    ) -> Draft:
        p = phrases(lang)
        nearest: dict[str, SearchHit] = {}
        for hit in hits:
            nearest.setdefault(hit.title, hit)
        named = list(nearest.values())[:3]
        lead = str(p["refused_no_figure" if no_figure else "refused"])
        lines = []
        if named:
            titles = "; ".join(as_text(h.title) for h in named)
            lines.append(str(p["refused_nearest"]).format(titles=titles))
        documents = [{"doc_id": h.doc_id, "title": h.title, "source": h.source} for h in named]
        return Draft(
            "refused",
            "none",
            lead,
            lines,
            [],
            [],
            names=[h.title for h in named],
            extra={"named_documents": documents},
        )
