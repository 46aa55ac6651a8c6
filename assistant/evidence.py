"""Evidence for an answer: figure rows and passage sentences, as citations with exact lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.language import content_stems
from assistant.sentences import (
    Sentence,
    coverage,
    idf_table,
    matches,
    split_sentences,
    usable,
)
from ingest import SearchHit

if TYPE_CHECKING:
    from assistant.services import PolicyAssistant

CONTEXT_LINES = 3  # lines read around a hit, so its sentences are whole
HITS_READ = 6  # top search hits whose sentences are scored
MAX_SENTENCES = 3
KEEP_RATIO = 0.7  # a further sentence must score at least this share of the best


@dataclass(slots=True)
class Evidence:
    """One cited place: a sentence of a hit, or the line of a figure row."""

    doc_id: str
    page: int | None
    line_start: int
    line_end: int
    quote: str
    score: float


@dataclass(slots=True)
class PassageEvidence:
    picked: list[Evidence]
    best: float  # coverage of the best sentence (0..1): the refusal signal
    terms: list[str]


class EvidenceFinder:
    """Reads the raw source lines of hits and figure rows through the assistant."""

    def __init__(self, assistant: PolicyAssistant) -> None:
        self.assistant = assistant
        self._idf: tuple[str, dict[str, float]] | None = None

    def idf(self) -> dict[str, float]:
        snap = self.assistant.index.snapshot()
        if self._idf is None or self._idf[0] != snap.version:
            self._idf = (snap.version, idf_table(snap.chunks["text"].astype(str)))
        return self._idf[1]

    def _sentences(self, hit: SearchHit) -> list[Sentence]:
        doc = self.assistant.index.snapshot().document(hit.doc_id)
        if doc is None:
            return []
        first = hit.line_start - CONTEXT_LINES
        lines = [
            (sl.line, sl.text)
            for sl in doc.lines
            if first <= sl.line <= hit.line_end + CONTEXT_LINES
            and (hit.page is None or sl.page == hit.page)
        ]
        sentences = split_sentences(lines)
        # a sentence cut off by the start of the read window is not quoted
        return [
            s
            for s in sentences
            if usable(s) and not (s.line_start == lines[0][0] and s.text[:1].islower())
        ]

    def passages(self, question: str, hits: Sequence[SearchHit]) -> PassageEvidence:
        terms = content_stems(question)
        idf = self.idf()
        scored: list[tuple[float, Evidence]] = []
        seen: set[tuple[str, str]] = set()
        for rank, hit in enumerate(hits[:HITS_READ], start=1):
            for sentence in self._sentences(hit):
                key = (hit.doc_id, sentence.text)
                if key in seen:
                    continue
                seen.add(key)
                cover = coverage(terms, sentence.text, idf)
                score = cover + 0.02 / rank
                scored.append(
                    (
                        cover,
                        Evidence(
                            hit.doc_id,
                            hit.page,
                            sentence.line_start,
                            sentence.line_end,
                            sentence.text,
                            round(score, 4),
                        ),
                    )
                )
        if not scored:
            return PassageEvidence([], 0.0, terms)
        scored.sort(key=lambda t: -t[1].score)
        best = scored[0][0]
        picked = [ev for cover, ev in scored if cover >= best * KEEP_RATIO][:MAX_SENTENCES]
        return PassageEvidence(picked, best, terms)

    def unknown_terms(self, terms: Sequence[str]) -> list[str]:
        """Question terms (4+ letters) that occur nowhere in the corpus, not even as a prefix."""
        vocab = self.idf()
        out = []
        for term in sorted(set(terms)):
            if len(term) < 4 or term in vocab:
                continue
            if len(term) >= 5 and any(matches(term, {v}) for v in vocab):
                continue
            out.append(term)
        return out

    def figure_line(self, row: dict[str, Any], score: float) -> Evidence | None:
        """The full source line of a figure row, read through ``PolicyAssistant.passage``."""
        try:
            passage = self.assistant.passage(
                str(row["doc_id"]), int(row["line"]), int(row["line"]), page=row.get("page")
            )
        except Exception:  # a row of a document no longer in the index
            return None
        quote = " ".join(passage.text.split())
        if not quote:
            return None
        return Evidence(
            passage.doc_id, passage.page, passage.line_start, passage.line_end, quote, score
        )

    def citation(self, cid: str, ev: Evidence) -> dict[str, Any]:
        entry = self.assistant.index.snapshot().documents.get(ev.doc_id, {})
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
