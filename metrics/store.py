"""The metrics store: the figures table persisted as Parquet inside each index version.

:class:`FigureStep` is the index step that builds ``figures.parquet`` beside the chunks, so
ingest, re-ingest and delete keep both in step. :class:`PandasMetricsStore` reads it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from corpus import Document, read_stored_document
from metrics.schema import empty_frame, figures_frame, validate

FIGURES_FILE = "figures.parquet"
FIGURES_META = "figures_meta.json"
EXTRACTOR_VERSION = "16"


class FigureStep:
    """Extract figures of new documents; carry over the rows of unchanged ones."""

    name = "metrics"
    version = EXTRACTOR_VERSION

    def build(
        self,
        version_dir: Path,
        new_docs: Sequence[Document],
        carried: Sequence[str],
        previous: Path | None,
    ) -> dict[str, Any]:
        from metrics.extract import extract_figures

        frames = []
        reuse: set[str] = set()
        if (
            previous is not None
            and (previous / FIGURES_FILE).is_file()
            and (previous / FIGURES_META).is_file()
        ):
            meta = json.loads((previous / FIGURES_META).read_text(encoding="utf-8"))
            if meta.get("extractor") == EXTRACTOR_VERSION:
                reuse = set(carried) & set(meta.get("documents", []))
                old = pd.read_parquet(previous / FIGURES_FILE)
                frames.append(old[old["doc_id"].isin(sorted(reuse))])
        docs = list(new_docs)
        for doc_id in carried:
            if doc_id not in reuse:  # no usable rows from before: extract from the stored text
                docs.append(read_stored_document(version_dir, doc_id))
        rows: list[dict[str, Any]] = []
        for doc in docs:
            for n, row in enumerate(extract_figures(doc)):
                rows.append({**row, "figure_id": f"{doc.meta.doc_id}:{row['line']}:{n}"})
        frames.append(figures_frame(rows) if rows else empty_frame())
        non_empty = [f for f in frames if len(f)]
        frame = pd.concat(non_empty, ignore_index=True) if non_empty else empty_frame()
        frame = validate(frame.astype(empty_frame().dtypes.to_dict()))
        frame.to_parquet(version_dir / FIGURES_FILE, index=False)
        documents = sorted(reuse | {d.meta.doc_id for d in docs})
        (version_dir / FIGURES_META).write_text(
            json.dumps({"extractor": EXTRACTOR_VERSION, "documents": documents}), encoding="utf-8"
        )
        per_doc = frame.groupby("doc_id").size().to_dict()
        return {"figures": len(frame), "per_document": {str(k): int(v) for k, v in per_doc.items()}}


class MetricsStore(Protocol):
    def frame(self) -> pd.DataFrame: ...


class PandasMetricsStore:
    """The figures table of one index version, loaded once."""

    def __init__(self, version_dir: Path) -> None:
        path = version_dir / FIGURES_FILE
        self._frame = pd.read_parquet(path) if path.is_file() else empty_frame()

    def frame(self) -> pd.DataFrame:
        return self._frame
