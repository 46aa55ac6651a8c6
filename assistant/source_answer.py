"""The answer to "waar staat dat?": the previous turn's citations again, with their quotes.

No new retrieval: the status, route, citations and figures are the previous turn's, and the
numbers of the text are checked like any answer's (they stand in the quotes they repeat).
"""

from __future__ import annotations

import time

from assistant.citations import format_location
from assistant.conversation import Turn
from assistant.followup import vocabulary
from assistant.grounding import ground_answer
from assistant.language import Language, detect_language, word_list, words
from assistant.markup import as_text
from assistant.pipeline.run import AskResult


def source_language(question: str, previous: Turn) -> Language:
    """The question's language, or the previous turn's when the question shows none ("bron?")."""
    tokens = set(words(question))
    if not tokens & (word_list("nl") | word_list("en")):
        return "en" if previous.language == "en" else "nl"
    return detect_language(question)


def answer_from_sources(question: str, previous: Turn, conversation_id: str) -> AskResult:
    started = time.perf_counter()
    lang = source_language(question, previous)
    phrases = vocabulary()["phrases"][lang]
    lines = [str(phrases["source_intro"] if previous.citations else phrases["source_none"])]
    for c in previous.citations:
        location = c.get("location") or format_location(
            c.get("page"), int(c["line_start"]), int(c["line_end"]), lang=lang
        )
        lines.append(
            str(phrases["source_line"]).format(
                cid=c["id"],
                title=as_text(str(c.get("title", ""))),
                source=as_text(str(c.get("source", ""))),
                location=location,
                quote=as_text(str(c["quote"])),
            )
        )
    answer, report = ground_answer(
        "\n".join(lines),
        [str(c["quote"]) for c in previous.citations],
        previous.figures,
        [str(c.get("title", "")) for c in previous.citations],
    )
    return AskResult(
        status=previous.status,  # type: ignore[arg-type]
        answer=answer,
        language=lang,
        conversation_id=conversation_id,
        citations=list(previous.citations),
        figures=list(previous.figures),
        trace={
            "route": previous.route,
            "index_version": previous.index_version,
            "timings_ms": {"total": round((time.perf_counter() - started) * 1000)},
            "grounding": report.to_dict(),
            "sources_of_turn": previous.turn,
        },
    )
