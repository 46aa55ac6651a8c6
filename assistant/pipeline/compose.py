"""Stage 6, compose: the answer's lines and citations from the ranked evidence.

Three shapes: figure rows (each cited by the passage that states it, with the best other
figure-bearing passages beside them), quoted passages, or a refusal that names the nearest
documents. Every answer opens with a lead of at most about 40 words (``lead.py``), then short
quotes while the answer stays within about 120 words; the rest of the evidence is ``more``,
shown collapsed under "meer in de bronnen". Each citation is named page-exact once, when it
is made (``Places``, the locator the pipeline passes in). The phrases are data
(``assistant/vocab/phrases.toml``); quotes are the raw source text of the cited lines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from assistant.citations import Lang, format_location
from assistant.figure_text import (
    Note,
    describe_conflict,
    describe_missing,
    describe_row,
    phrases,
    spelled_note,
)
from assistant.figures import row_to_public
from assistant.language import Language, Term
from assistant.markup import as_text
from assistant.pipeline.candidates import Evidence
from assistant.pipeline.lead import (
    ANSWER_WORDS,
    excerpt,
    told_figures,
    with_sentence,
    word_count,
)
from assistant.pipeline.lead_choice import LeadModel, LeadPool, told
from assistant.pipeline.retrieve import verbatim
from assistant.pipeline.units import figure_count
from assistant.sentences import MAX_CHARS, Sentence, split_sentences, without_bullet
from assistant.source_lines import SourceLines
from ingest import SearchHit

Status = Literal["answered", "partial", "refused"]
Route = Literal["metrics", "passages", "both", "none"]

MAX_CITATIONS = 5  # figure rows and passages cited in one answer
QUOTED = 3  # passages quoted in the answer; the rest are listed as "see also"
MAX_ROW_QUOTE = 700  # a figure row is quoted with its whole passage up to this length
EXTRA_MIN_COVERAGE = 0.5  # beside figure rows, a passage must match the question this well
CONTEXT_LINES = 3


@dataclass(slots=True)
class Draft:
    """An answer before grounding. ``lead`` and ``lines`` (what is shown) are laid out by
    :meth:`Composer.finish` from the parts: the rows the lead rests on, the notes on what is
    missing, the short quotes; ``more`` is the rest of the evidence, shown collapsed."""

    status: Status
    route: Route
    lead: str  # the short direct answer: the answer's first line
    lines: list[str]
    citations: list[dict[str, Any]]
    figures: list[dict[str, Any]]
    names: list[str] = field(default_factory=list)  # document titles named (not claims)
    extra: dict[str, Any] = field(default_factory=dict)
    more: list[str] = field(default_factory=list)  # under "meer in de bronnen", collapsed
    cited: list[Evidence] = field(default_factory=list)  # each citation's document lines
    notes: list[Note] = field(default_factory=list)  # what a partial answer lacks
    lead_rows: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (row, cid)
    # ... the lead states as many of them as fit
    quotes: list[str] = field(default_factory=list)  # short quotes under the lead, best first
    row_quotes: dict[str, str] = field(default_factory=dict)  # a row citation's short quote
    after: list[str] = field(default_factory=list)  # shown below the notes (a conflict)
    closest: list[dict[str, Any]] = field(default_factory=list)  # a refusal's nearest passages


class Places(Protocol):
    """Names a citation's place as a reader finds it (``assistant.locator.Locator``)."""

    def publish(self, citation: dict[str, Any], terms: Sequence[Term], lang: Lang = "nl") -> None:
        """Set the citation's page, lines, ``page_end`` and ``location``; cut a long quote."""


class Composer:
    """Builds drafts; reads the source lines to quote a figure row's sentence, and names
    every citation's place once, page-exact (``places``), before any text cites it."""

    def __init__(
        self,
        lines: SourceLines,
        documents: Mapping[str, Mapping[str, Any]],
        terms: Sequence[Term] = (),
        idf: dict[str, float] | None = None,
        *,
        places: Places | None = None,
        place_terms: Sequence[Term] = (),
        figure: bool = False,
        counts: bool = True,
        years: Sequence[str] = (),
        fits: Callable[[str], bool] | None = None,
        lead_model: LeadModel | None = None,
        pools: list[LeadPool] | None = None,
    ) -> None:
        self.lines = lines
        self.documents = documents
        self.terms = terms
        self.idf = idf or {}
        self.places = places
        self.place_terms = place_terms  # the question's words a long quote is cut by
        self.figure = figure  # the question asks a figure: leads and quotes state one
        # a figure in the lead's sentence is a count, not a list's or a definition's number:
        # the lead keeps it and the figures beside it
        self.counts = counts
        self.years = years  # the years the question asks: a lead names what they held
        # whether a sentence states a figure of the kind asked (a count, a share, an amount)
        self.fits = fits
        # which sentence a passages lead quotes (``lead_choice``); None: ``lead.best_sentence``
        self.lead_model = lead_model
        self.pools = pools  # when a list, each passages lead's pool is added (training)

    def citation(self, cid: str, ev: Evidence, lang: Language = "nl") -> dict[str, Any]:
        entry = self.documents.get(ev.doc_id, {})
        citation = {
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
        if self.places is not None:
            self.places.publish(citation, self.place_terms, "en" if lang == "en" else "nl")
        else:
            citation["page_end"] = None
            citation["location"] = format_location(ev.page, ev.line_start, ev.line_end)
        return citation

    def cite(self, draft: Draft, ev: Evidence, lang: Language) -> dict[str, Any]:
        """Add a citation of ``ev`` to the draft (its id the next ``c<n>``)."""
        citation = self.citation(f"c{len(draft.citations) + 1}", ev, lang)
        draft.citations.append(citation)
        draft.cited.append(ev)
        return citation

    def short_quote(self, citation: Mapping[str, Any], lang: Language) -> str:
        quote = str(citation["quote"])
        short = excerpt(quote, self.terms, self.idf, self.figure)
        return f"- “{as_text(short)}” [{citation['id']}]{spelled_note(short, lang)}"

    def more_quote(self, citation: Mapping[str, Any], lang: Language) -> str:
        quote = str(citation["quote"])
        return f"- “{as_text(quote)}” [{citation['id']}]{spelled_note(quote, lang)}"

    # ----- layout -------------------------------------------------------------------------
    def finish(self, draft: Draft, lang: Language) -> None:
        """Lay the draft out: the lead (at most ``lead.LEAD_WORDS`` words), the notes, the short
        quotes while the answer stays within ANSWER_WORDS words (at least one), and in
        ``more`` the full quotes of the citations whose quote is not shown whole."""
        if draft.route == "none":
            return
        fixed = [*(n.text for n in draft.notes), *draft.after]
        if draft.lead_rows:
            # the first row's quote is always shown: the lead states further rows only in
            # the words the answer has left
            first = draft.row_quotes.get(draft.lead_rows[0][1], "")
            room = ANSWER_WORDS - sum(word_count(t) for t in [*fixed, first])
            draft.lead, stated = told_figures(draft.lead_rows, draft.notes, lang, room)
            # the first row's own sentence, when it states a figure beside it (a target, the
            # national figure, the parts) and the lead has room
            row, cid = draft.lead_rows[0]
            cited = next((c for c in draft.citations if c["id"] == cid), None)
            if cited is not None:
                line = str(row.get("quote") or "")
                quote = str(cited["quote"])
                draft.lead = with_sentence(draft.lead, quote, line, self.terms, self.idf, lang)
            cids = dict.fromkeys(cid for _, cid in draft.lead_rows[:stated])
            draft.quotes = [draft.row_quotes[c] for c in cids if c in draft.row_quotes]
        else:
            pool = LeadPool(
                tuple(draft.citations[:QUOTED]),
                tuple(draft.notes),
                tuple(self.terms),
                self.idf,
                self.figure,
                self.counts,
                tuple(self.years),
                self.fits,
                lang,
            )
            if self.pools is not None:
                self.pools.append(pool)
            draft.lead = told(pool, self.lead_model.choice(pool) if self.lead_model else None)
        used = word_count(draft.lead) + sum(word_count(t) for t in fixed)
        shown: list[str] = []
        for line in draft.quotes[:QUOTED]:
            if shown and used + word_count(line) > ANSWER_WORDS:
                break
            shown.append(line)
            used += word_count(line)
        draft.lines = [*shown, *([""] if shown and fixed else []), *fixed]
        if draft.route == "passages":  # its quotes are its citations', in order
            rest = [
                self.more_quote(c, lang)
                for c, line in zip(draft.citations, draft.quotes, strict=True)
                if line not in shown or line != self.more_quote(c, lang)
            ]
            draft.more = [*rest, *draft.more]

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
        notes: Sequence[Note],
    ) -> Draft:
        """The figure rows, best first (the best row of each part of the question first): the
        lead states as many of them as fit (``lead.told_figures``), a short quote of each
        stated row's citation stands under it, and every row with its whole quote is in
        ``more``."""
        draft = Draft(status, "metrics", "", [], [], [], notes=list(notes))
        for row in rows:
            entry = self.documents.get(str(row["doc_id"]), {})
            if not row.get("title") and entry.get("title"):
                row["title"] = entry["title"]
            ev = self.row_evidence(row, round(float(row["match_score"]) / top, 4) if top else 0.0)
            number = next(
                (i for i, c in enumerate(draft.cited) if ev is not None and c.quote == ev.quote),
                None,
            )
            citation = None
            if ev is not None:
                citation = (
                    draft.citations[number] if number is not None else self.cite(draft, ev, lang)
                )
            cid = str(citation["id"]) if citation else "-"
            draft.lead_rows.append((row, cid))
            if citation is not None and number is None:
                draft.row_quotes[cid] = self.short_quote(citation, lang)
            draft.more.append(f"- {describe_row(row, cid, lang)}")
            if citation is not None and number is None:
                draft.more.append(f"  “{as_text(str(citation['quote']))}”")
        conflict = describe_conflict(list(rows), lang)
        draft.after = [conflict] if conflict else []
        draft.figures = [row_to_public(r) for r in rows]
        return draft

    def missing_notes(
        self,
        reasons: Sequence[str],
        rows: Sequence[dict[str, Any]],
        quarter: int | None,
        lang: Language,
    ) -> list[Note]:
        return describe_missing(list(reasons), list(rows), quarter, lang)

    def add_passages(self, draft: Draft, ranked: Sequence[Evidence], lang: Language) -> None:
        """Beside figure rows, the best passages that hold a figure (route ``both``), in
        ``more``."""
        room = MAX_CITATIONS - len(draft.citations)
        extra = [
            ev
            for ev in ranked
            if figure_count(ev.quote) > 0
            and ev.coverage >= EXTRA_MIN_COVERAGE
            and not any(
                c.doc_id == ev.doc_id
                and c.line_start <= ev.line_end
                and ev.line_start <= c.line_end
                for c in draft.cited
            )
        ][: max(room, 0)]
        if not extra:
            return
        for ev in extra:
            draft.more.append(self.more_quote(self.cite(draft, ev, lang), lang))
        draft.route = "both"

    # ----- passages -----------------------------------------------------------------------
    def passages(
        self, ranked: Sequence[Evidence], lang: Language, notes: Sequence[Note] = ()
    ) -> Draft:
        """The best passages: the lead quotes the best one's best sentence, short quotes of
        up to QUOTED of them follow, and the whole quotes are in ``more``."""
        draft = Draft("partial" if notes else "answered", "passages", "", [], [], [])
        draft.notes = list(notes)
        for ev in ranked[:MAX_CITATIONS]:
            draft.quotes.append(self.short_quote(self.cite(draft, ev, lang), lang))
        return draft

    # ----- refusal ------------------------------------------------------------------------
    def refusal(
        self,
        hits: Sequence[SearchHit],
        lang: Language,
        *,
        no_figure: bool = False,
        unknown: Sequence[str] = (),
        closest: Sequence[Evidence] = (),
    ) -> Draft:
        """The refusal, naming the nearest documents (and the asked names no document uses),
        and quoting the ``closest`` passages with their places, as the nearest thing the documents
        hold."""
        p = phrases(lang)
        nearest: dict[str, SearchHit] = {}
        for hit in hits:
            nearest.setdefault(hit.title, hit)
        named = list(nearest.values())[:3]
        lead = str(p["refused_no_figure" if no_figure else "refused"])
        if unknown:
            key = "refused_unknown_name" if self.figure else "refused_unknown_subject"
            lead = str(p[key]).format(names=", ".join(f"‘{n}’" for n in unknown))
        lines = []
        if named:
            titles = "; ".join(as_text(h.title) for h in named)
            lines.append(str(p["refused_nearest"]).format(titles=titles))
        documents = [{"doc_id": h.doc_id, "title": h.title, "source": h.source} for h in named]
        draft = Draft(
            "refused",
            "none",
            lead,
            lines,
            [],
            [],
            names=[h.title for h in named],
            extra={"named_documents": documents},
        )
        if closest:
            # the nearest thing the documents hold, placed and quoted as a citation is, but not
            # among the citations: a refusal cites nothing (API.md)
            lines.append(str(p["refused_nearest_passage"]))
            for n, ev in enumerate(closest, start=1):
                place = self.citation(f"n{n}", ev, lang)
                draft.closest.append(place)
                short = excerpt(str(place["quote"]), self.terms, self.idf, self.figure)
                lines.append(
                    f"- “{as_text(short)}” ({as_text(place['title'])}, {place['location']})"
                )
        return draft
