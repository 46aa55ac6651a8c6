"""How long a quote may be: a passage over QUOTE_CHARS is cut, or quoted by its best rows.

At ingest every quotable unit (``assistant.sentence_index``) is kept under QUOTE_CHARS: a longer
one is cut at line boundaries, and a single longer line (a DOCX paragraph, a table dumped on one
line) at its clauses, every piece verbatim in its line. At answer time :func:`best_rows`
quotes a passage that is still too long (a figure's whole source line, say) by its lead and the
rows that hold most of the question's words, in their order, with an ellipsis where rows are
left out; the citation keeps the passage's full range.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.language import Term
from assistant.sentences import Sentence, coverage, split_sentences

QUOTE_CHARS = 1200  # a quote (a list, a table, a run of sentences) is about this long at most
ELLIPSIS = "…"
_CLAUSE_END = re.compile(r"(?<=[.;:!?,|])\s+")


def _clauses(text: str, limit: int) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` characters, at clause ends where it can,
    else between words; the pieces joined by spaces give the text back (whitespace collapsed)."""
    words = text.split()
    pieces: list[str] = []
    current = ""
    for part in _CLAUSE_END.split(" ".join(words)):
        for word in [part] if len(part) <= limit else part.split():
            joined = f"{current} {word}" if current else word
            if len(joined) <= limit:
                current = joined
                continue
            if current:
                pieces.append(current)
            current = word[:limit]
    if current:
        pieces.append(current)
    return pieces


def split_long(unit: Sentence, lines: dict[int, str], limit: int = QUOTE_CHARS) -> list[Sentence]:
    """A unit over ``limit`` characters as pieces under it: runs of whole lines, and a longer
    line by its clauses. ``lines`` are the unit's lines (number -> text, whitespace collapsed)."""
    if len(unit.text) <= limit:
        return [unit]
    numbers = [n for n in sorted(lines) if unit.line_start <= n <= unit.line_end and lines[n]]
    out: list[Sentence] = []
    group: list[int] = []

    def flush() -> None:
        if group:
            out.append(Sentence(" ".join(lines[n] for n in group), group[0], group[-1]))
            group.clear()

    for n in numbers:
        if len(lines[n]) > limit:
            flush()
            out.extend(Sentence(piece, n, n) for piece in _clauses(lines[n], limit))
            continue
        if group and len(" ".join(lines[k] for k in [*group, n])) > limit:
            flush()
        group.append(n)
    flush()
    return out or [unit]


def _rows(quote: str, source_rows: Sequence[str]) -> list[str]:
    """The quote cut at its source lines (the rows of a list or table), else at sentences;
    a row still over half the limit is cut at its clauses."""
    text = " ".join(quote.split())
    rows: list[str] = []
    cursor = 0
    for raw in source_rows:
        row = " ".join(raw.split())
        at = text.find(row, cursor) if row else -1
        if at < 0:
            continue
        if text[cursor:at].strip():
            rows.append(text[cursor:at].strip())
        rows.append(row)
        cursor = at + len(row)
    if text[cursor:].strip():
        rows.append(text[cursor:].strip())
    if len(rows) <= 1:
        rows = [s.text for s in split_sentences([(1, text)])] or [text]
    out: list[str] = []
    for row in rows:
        out.extend(_clauses(row, QUOTE_CHARS // 2) if len(row) > QUOTE_CHARS // 2 else [row])
    return out


def best_rows(
    quote: str,
    source_rows: Sequence[str],
    terms: Sequence[Term],
    idf: dict[str, float],
    limit: int = QUOTE_CHARS,
) -> str:
    """``quote`` itself when it is at most ``limit`` long; else its first row (the lead, the
    caption or the table head) and the rows that hold most of the question's ``terms``, in
    their order, joined with an ellipsis where rows are left out."""
    if len(quote) <= limit:
        return quote
    rows = _rows(quote, source_rows)
    ranked = sorted(
        range(1, len(rows)), key=lambda i: (-coverage(terms, rows[i], idf) if terms else 0, i)
    )
    keep = {0}
    size = len(rows[0])
    for i in ranked:
        if size + len(rows[i]) + 3 > limit:
            continue
        keep.add(i)
        size += len(rows[i]) + 3
    parts: list[str] = []
    for i in range(len(rows)):
        if i in keep:
            parts.append(rows[i])
        elif not parts or parts[-1] != ELLIPSIS:
            parts.append(ELLIPSIS)
    return " ".join(parts)


def quote_parts(quote: str) -> list[str]:
    """The verbatim parts of a quote that :func:`best_rows` shortened (the quote itself when
    it holds no ellipsis)."""
    return [p.strip() for p in quote.split(f" {ELLIPSIS}") if p.strip() and p.strip() != ELLIPSIS]
