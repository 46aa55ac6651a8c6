"""Small in-memory documents for the figure-extraction tests."""

from __future__ import annotations

from typing import Any

from corpus import Document, DocumentMeta, SourceLine


def make_doc(
    texts: list[str], period: str | None = "2024-Q1..Q3", doc_type: str = "raadsbrief"
) -> Document:
    meta = DocumentMeta(
        "d1", "d1.txt", "Raadsbrief", "Enschede", doc_type, 2025, period, "x", "txt"
    )
    return Document(meta, [SourceLine(i + 1, t) for i, t in enumerate(texts)])


def by_value(rows: list[dict[str, Any]]) -> dict[float, dict[str, Any]]:
    return {row["value"]: row for row in rows}
