"""How a candidate passage fits a question beyond its words and meaning: its kind (a list, a
definition, a reason), its place (the asked municipality), whether it quotes its lines
verbatim, and the figures that follow it. Used by ``assistant.evidence``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from assistant.language import has_marker
from assistant.sentences import Sentence

if TYPE_CHECKING:
    from assistant.evidence import Evidence

KIND_WEIGHT = 0.5  # a definition for a definition question, a reason for a why-question
LIST_WEIGHT = 0.1  # a list for a list question
PLACE_MIN_COVERAGE = 0.3  # a place counts when the passage holds this much of the question


def verbatim(sentence: Sentence, by_line: dict[int, str]) -> bool:
    """Whether a quote stands, as is (whitespace collapsed), in its cited lines."""
    span = " ".join(by_line.get(n, "") for n in range(sentence.line_start, sentence.line_end + 1))
    return " ".join(sentence.text.split()) in " ".join(span.split())


def kind_fit(asks: str, ev: Evidence) -> float:
    """A bonus for a passage of the kind the question asks: a list for a list question, a
    definition (or a passage under a "Beschrijving" heading) for a definition question, a
    reason for a why-question."""
    if asks == "list":
        return LIST_WEIGHT if ev.block else 0.0
    section = "definition_markers" if asks == "definition" else "reason_markers"
    return KIND_WEIGHT if has_marker(f"{ev.context} {ev.quote}", section) else 0.0


def place_fit(place: str, ev: Evidence, documents: dict[str, dict[str, Any]]) -> float:
    """+1 when a passage on the question's subject is about the asked municipality (its
    document's, or named in it), -1 when it is another municipality's document and does not
    name the asked one. (Being about the place alone makes no passage relevant.)"""
    own = str(documents.get(ev.doc_id, {}).get("municipality") or "")
    if own.lower() == place.lower() or place.lower() in ev.quote.lower():
        return 1.0 if ev.coverage >= PLACE_MIN_COVERAGE else 0.0
    return -1.0 if own else 0.0


def overlaps(a: Evidence, b: Evidence) -> bool:
    return a.doc_id == b.doc_id and a.line_start <= b.line_end and b.line_start <= a.line_end


def touches(a: Evidence, b: Evidence) -> bool:
    """Two different sentences that only share the line one ends and the other begins on."""
    first, second = (a, b) if a.line_start <= b.line_start else (b, a)
    return (
        first.doc_id == second.doc_id
        and first.line_end == second.line_start
        and first.line_start < second.line_start
        and first.line_end < second.line_end
        and " ".join(second.quote.split()[:3]) not in first.quote
    )


def with_following_figures(
    ev: Evidence, candidates: Sequence[Evidence], taken: Sequence[Evidence] = (), steps: int = 1
) -> Evidence:
    """A sentence quoted together with the sentences right after it when those hold the
    figures it introduces ("Het voorlopige budget is bekendgemaakt. Er is ... 114,46 miljoen
    euro toegekend."): up to ``steps`` times the shortest such run among the candidates, and
    never into a passage already ``taken`` (the run stops before it)."""
    for _ in range(steps):
        longer = [
            c
            for c in candidates
            if c.doc_id == ev.doc_id
            and c.line_start == ev.line_start
            and c.line_end > ev.line_end
            and c.quote.startswith(ev.quote)
            and has_figure(c.quote[len(ev.quote) :])
        ]
        if not longer:
            break
        run = min(longer, key=lambda c: len(c.quote))
        if any(overlaps(t, run) for t in taken):
            break
        ev = replace(ev, line_start=run.line_start, line_end=run.line_end, quote=run.quote)
    return ev


_FIGURE = re.compile(r"\d+(?:[.,]\d+)*\s*%|(?<![\w.,])(?!(?:19|20)\d\d(?![\d.,]))\d+(?:[.,]\d+)*")


def has_figure(text: str) -> bool:
    """A numeral that is not just a year."""
    return bool(_FIGURE.search(text))
