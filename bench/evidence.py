"""Where a question's evidence is (eval/FORMAT.md), shared by the benchmarks.

A place counts when it is in the question's ``source`` (or an ``also`` source) and overlaps
``evidence_lines`` give or take ``SLACK`` lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SLACK = 2


def targets(q: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(file name, first line, last line) of every evidence place, widened by ``SLACK``."""
    places = [q, *q.get("also", [])]
    return [
        (Path(p["source"]).name, p["evidence_lines"][0] - SLACK, p["evidence_lines"][-1] + SLACK)
        for p in places
        if p.get("evidence_lines")
    ]


def in_targets(
    source: str, line_start: int, line_end: int, tgts: list[tuple[str, int, int]]
) -> bool:
    name = Path(source).name
    return any(name == s and line_start <= hi and line_end >= lo for s, lo, hi in tgts)
