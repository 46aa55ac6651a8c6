"""Ready-to-paste citation strings for clerks."""

from __future__ import annotations

from typing import Any


def format_location(page: int | None, line_start: int, line_end: int) -> str:
    lines = f"regel {line_start}" if line_start == line_end else f"regels {line_start}-{line_end}"
    return f"p. {page}, {lines}" if page else lines


def format_citation(
    doc: dict[str, Any], page: int | None, line_start: int, line_end: int, quote: str
) -> str:
    """``Title (Municipality, 2025), regels 83-98: "quote"``, for a person to paste.

    The document is named by its title; the file name appears only for a document without one.
    """
    where = ", ".join(str(p) for p in (doc.get("municipality"), doc.get("year")) if p)
    name = str(doc.get("title") or doc.get("source") or "")
    head = f"{name} ({where})" if where else name
    compact = " ".join(quote.split())
    return f"{head}, {format_location(page, line_start, line_end)}: “{compact}”"
