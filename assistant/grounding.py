"""Numeric grounding: every number in an answer must stand in a cited quote or a figure row.

Citation labels (``[c1]``), places (``regel 89``, ``p. 2, r. 36–39``, ``§ 2.4 Uitstroom,
alinea 37``), file names and the names of documents (the titles of the figure rows and
citations too) are references, not claims, and are left out of the check. A line of the answer
with a number found in no source is removed, and the check is recorded for the trace.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.figure_text import share_forms
from assistant.markup import plain_text
from assistant.numeric import is_grounded, numbers_in, value_pool
from metrics import spelled_figures

_REFERENCES = (
    re.compile(r"\[c\d+\]"),
    re.compile(r"§[^,\n]*"),
    re.compile(
        r"\b(?:regels?|lines?|p\.|r\.|l\.|alinea|para\.|par\.)\s*\d+(?:\s*[-–]\s*\d+)?", re.I
    ),
    re.compile(r"[\w-]+\.(?:txt|md|pdf|docx|html?)\b", re.I),
)


@dataclass(slots=True)
class GroundingReport:
    numbers: int = 0
    grounded: int = 0
    removed_lines: list[str] = field(default_factory=list)
    ungrounded: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.ungrounded

    def to_dict(self) -> dict[str, Any]:
        return {
            "checked": True,
            "numbers": self.numbers,
            "grounded": self.grounded,
            "ok": self.ok,
            "ungrounded": self.ungrounded,
            "removed_lines": self.removed_lines,
            "ignored": "citation labels, line references, file names, document names",
        }


def strip_references(text: str, names: Iterable[str] = ()) -> str:
    """The claims of an answer's text: its Markdown escapes undone (document text goes in
    escaped, :mod:`assistant.markup`), without its references."""
    text = plain_text(text)
    for name in sorted(set(names), key=len, reverse=True):
        if name:
            text = text.replace(name, " ")
    for pattern in _REFERENCES:
        text = pattern.sub(" ", text)
    return text


def figure_texts(rows: Sequence[dict[str, Any]]) -> list[str]:
    return [f"{r.get('quote', '')} {r.get('period', '')}" for r in rows]


def spelled_values(quotes: Sequence[str]) -> list[float]:
    """The counts the quotes state in words ("vijftig": 50), which an answer may write in
    digits."""
    return [value for quote in quotes for _, value in spelled_figures(quote)]


def row_values(rows: Sequence[dict[str, Any]]) -> list[float]:
    """The values rows state, in every form an answer shows them: a share (0.9) also as its
    percentage and as the two numbers of its row's words ("negen van de tien": 9 and 10)."""
    out: list[float] = []
    for row in rows:
        out.append(float(row["value"]))
        forms = share_forms(row)
        if forms is not None:
            out.append(forms[0])
            out.extend(forms[1] or ())
    return out


def _pool(quotes: Sequence[str], rows: Sequence[dict[str, Any]]) -> set[float]:
    """Every value the quotes and rows state, in every form an answer may show it."""
    return value_pool([*quotes, *figure_texts(rows)], row_values(rows) + spelled_values(quotes))


def ground_answer(
    answer: str,
    quotes: Sequence[str],
    rows: Sequence[dict[str, Any]],
    names: Iterable[str] = (),
) -> tuple[str, GroundingReport]:
    """Drop the answer lines holding an ungrounded number; report what was checked."""
    pool = _pool(quotes, rows)
    names = [*names, *(str(r.get("title") or "") for r in rows)]
    report = GroundingReport()
    kept: list[str] = []
    for line in answer.split("\n"):
        bad = []
        for token, readings in numbers_in(strip_references(line, names)):
            report.numbers += 1
            if is_grounded(readings, pool):
                report.grounded += 1
            else:
                bad.append(token)
        if bad:
            report.ungrounded.extend(bad)
            report.removed_lines.append(line)
        else:
            kept.append(line)
    return "\n".join(kept).strip(), report


def ungrounded_numbers(
    answer: str, quotes: Sequence[str], rows: Sequence[dict[str, Any]], names: Iterable[str] = ()
) -> list[str]:
    """The numbers of ``answer`` found in no quote or figure row (for tests and the bench)."""
    pool = _pool(quotes, rows)
    text = strip_references(answer, [*names, *(str(r.get("title") or "") for r in rows)])
    return [tok for tok, readings in numbers_in(text) if not is_grounded(readings, pool)]
