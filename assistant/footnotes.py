"""An answer as plain readable text: ``[c1]`` labels become ``[1]`` footnote markers, and the
cited sources follow as a numbered list (title, municipality, year, and the place as a reader
finds it: page and lines, or a DOCX's heading and paragraph; the file name stays in the
structured fields).

For clients that show only text (the OpenAI-compatible face, chat front-ends): the structured
citations stay available beside it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_LABELS = re.compile(r"\[(c\d+(?:\s*,\s*c\d+)*)\]")
_HEADINGS = {"nl": "Bronnen", "en": "Sources"}


def location(page: int | None, line_start: int, line_end: int, language: str = "nl") -> str:
    """``p. 3, regels 83-98`` (Dutch) or ``p. 3, lines 83-98`` (English)."""
    one, many = ("regel", "regels") if language != "en" else ("line", "lines")
    lines = f"{one} {line_start}" if line_start == line_end else f"{many} {line_start}-{line_end}"
    return f"p. {page}, {lines}" if page else lines


def source_line(citation: Mapping[str, Any], language: str = "nl") -> str:
    """``Title (Enschede, 2025), p. 2, r. 36–39``: where a citation stands (its ``location``,
    ``assistant.locator``; from page and lines for a citation without one)."""
    where = ", ".join(str(p) for p in (citation.get("municipality"), citation.get("year")) if p)
    title = " ".join(str(citation.get("title") or citation.get("source") or "").split())
    head = f"{title} ({where})" if where else title
    place = str(citation.get("location") or "") or location(
        citation.get("page"), int(citation["line_start"]), int(citation["line_end"]), language
    )
    return ", ".join(p for p in (head, place) if p)


def footnoted(answer: str, citations: Sequence[Mapping[str, Any]], language: str = "nl") -> str:
    """The answer with ``[1]``-style markers and its numbered sources below it.

    Markers follow the order of ``citations`` (c1 is [1]); a citation the text never names is
    still listed, since its quote may be shown elsewhere. Without citations the text is
    returned unchanged.
    """
    if not citations:
        return answer
    numbers = {str(c["id"]): n for n, c in enumerate(citations, start=1)}

    def marker(match: re.Match[str]) -> str:
        labels = [label.strip() for label in match.group(1).split(",")]
        if not all(label in numbers for label in labels):
            return match.group(0)
        return "".join(f"[{numbers[label]}]" for label in labels)

    text = _LABELS.sub(marker, answer).rstrip()
    heading = _HEADINGS.get(language, _HEADINGS["nl"])
    sources = "\n".join(
        f"- [{numbers[str(c['id'])]}] {source_line(c, language)}" for c in citations
    )
    return f"{text}\n\n**{heading}**\n\n{sources}"
