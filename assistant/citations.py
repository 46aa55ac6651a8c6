"""How a person reads a source: document title, page and lines, ready to paste.

One place formats every readable source (the answer text, the CLI, the chat page, the copied
citation): :func:`format_location` ("p. 2, r. 36–39"; a DOCX by heading and paragraph,
"§ 2.4 Uitstroom naar werk, alinea 37–39"), :func:`format_source` (the title before it) and
:func:`format_citation` (with municipality, year and quote). File names belong in the API
fields only. A location comes from ``corpus.locate`` (``SourceLines.location`` at answer time).
"""

from __future__ import annotations

from typing import Any, Literal

from corpus import Location

Lang = Literal["nl", "en"]
_WORDS: dict[str, dict[str, str]] = {
    "nl": {"page": "p.", "line": "r.", "paragraph": "alinea"},
    "en": {"page": "p.", "line": "l.", "paragraph": "para."},
}
DASH = "–"


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}{DASH}{last}"


def format_location(
    where: Location | int | None,
    line_start: int | None = None,
    line_end: int | None = None,
    *,
    lang: Lang = "nl",
) -> str:
    """A place as a reader finds it: "p. 2, r. 36–39", "p. 2, r. 40 – p. 3, r. 2", "r. 83–98"
    (a text file), "§ 2.4 Uitstroom naar werk, alinea 37–39" (a DOCX without known pages).

    ``where`` is a :class:`~corpus.Location`, or (older callers) the page with the cited
    ``line_start`` and ``line_end``.
    """
    if not isinstance(where, Location):
        start = int(line_start or 0)
        where = Location(where, start, int(line_end if line_end is not None else start))
    words = _WORDS.get(lang, _WORDS["nl"])
    unit = words[where.unit]
    parts: list[str] = []
    if where.page is not None:
        parts.append(f"{words['page']} {where.page}")
    if where.heading:
        parts.append(f"§ {where.heading}")
    if where.page_end is not None and where.page_end != where.page:
        parts.append(
            f"{unit} {where.line_start} {DASH} {words['page']} {where.page_end}, "
            f"{unit} {where.line_end}"
        )
    else:
        parts.append(f"{unit} {_span(where.line_start, where.line_end)}")
    return ", ".join(parts)


def format_source(title: str, where: Location, *, lang: Lang = "nl") -> str:
    """``Uitvoeringsprogramma EAA 2025, p. 2, r. 36–39``."""
    place = format_location(where, lang=lang)
    return f"{title}, {place}" if title else place


def format_citation(
    doc: dict[str, Any],
    where: Location | int | None,
    line_start: int | None = None,
    line_end: int | None = None,
    quote: str = "",
    *,
    lang: Lang = "nl",
) -> str:
    """``Title (Municipality, 2025), p. 2, r. 36–39: “quote”`` (the file name is left out:
    it is in the API fields; it names only a document without a title)."""
    where_from = ", ".join(str(p) for p in (doc.get("municipality"), doc.get("year")) if p)
    title = str(doc.get("title") or doc.get("source") or "")
    head = f"{title} ({where_from})" if where_from else title
    place = format_location(where, line_start, line_end, lang=lang)
    compact = " ".join(quote.split())
    return f"{head}, {place}: “{compact}”" if compact else f"{head}, {place}"
