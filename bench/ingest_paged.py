"""Ingest time of a 50-page PDF and a 50-page DOCX, on this machine.

Usage: ``python -m bench.ingest_paged [--embedder sentence-transformers|fake] [--pages 50]``.

The PDF is bundled text laid out on A4 pages with a running header and a page number on every
page (``tests/support/renderings.py``); the DOCX holds the same text, one paragraph per line,
with an explicit page break every 40 paragraphs. Each is ingested alone into a fresh data
folder with the given embedder (default: the product's e5 model) and an empty embedding cache:
the wall time of reading the file (``document_from_bytes``: text layer, furniture, layout) and of
the whole ``policy-assistant ingest`` (chunks, embeddings, sentence units and their vectors,
figures). Results: ``bench/results/ingest_paged.{json,md}`` (``--save``), with the load average,
as the two cores are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.renderings import render_docx, render_pdf  # noqa: E402

PARAGRAPHS_PER_PAGE = 40


def source_text() -> list[str]:
    from corpus import BUNDLED_CORPUS_DIR

    lines: list[str] = []
    for name in ("002_9a8395ceee984767.txt", "000_8b61c92ddb7f1bd9.txt"):
        lines += (BUNDLED_CORPUS_DIR / name).read_text(encoding="utf-8").split("\n")
    return lines


def make_pdf(pages: int) -> tuple[bytes, int]:
    text = source_text()
    lo, hi = 100, len(text)
    while lo < hi:  # the longest prefix that fits on ``pages`` pages
        mid = (lo + hi + 1) // 2
        if render_pdf(text[:mid], "Werk maken van werk", "pagina-van").pages <= pages:
            lo = mid
        else:
            hi = mid - 1
    rendering = render_pdf(text[:lo], "Werk maken van werk", "pagina-van")
    return rendering.data, rendering.pages


def make_docx(pages: int) -> bytes:
    text = [t for t in source_text() if t.strip()][: pages * PARAGRAPHS_PER_PAGE]
    return render_docx(text, "Werk maken van werk", breaks_every=PARAGRAPHS_PER_PAGE)


def measure(name: str, data: bytes, embedder: str, model: Path | None) -> dict[str, Any]:
    from assistant import PolicyAssistant
    from corpus import Settings, document_from_bytes

    started = time.perf_counter()
    doc = document_from_bytes(data, name, max_bytes=len(data) + 1)
    read_s = time.perf_counter() - started
    root = Path(tempfile.mkdtemp(prefix="ingest-paged-"))
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / name).write_bytes(data)
    embedding: dict[str, Any] = {"backend": embedder}
    if model is not None:
        embedding["model_path"] = model
    settings = Settings(data_dir=root / "data", corpus_dirs=[corpus], embedding=embedding)  # type: ignore[arg-type]
    assistant = PolicyAssistant(settings)
    assistant.embedder.warm_up()  # the model load is not the document's ingest time
    load = os.getloadavg()[0]
    started = time.perf_counter()
    report = assistant.ingest()
    total_s = time.perf_counter() - started
    load_after = os.getloadavg()[0]
    assert not report.failed, report.failed
    return {
        "file": name,
        "bytes": len(data),
        "pages": doc.meta.pages,
        "lines": sum(1 for sl in doc.lines if sl.text),
        "chunks": report.chunks,
        "sentence_units": report.steps.get("sentences", {}).get("sentences"),
        "figures": report.steps.get("metrics", {}).get("figures"),
        "read_s": round(read_s, 2),
        "ingest_s": round(total_s, 1),
        "load_average": round(load, 2),
        "load_average_after": round(load_after, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedder", default="sentence-transformers")
    parser.add_argument(
        "--model-path", type=Path, default=REPO / "data/models/multilingual-e5-small"
    )
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args(argv)
    model = args.model_path if args.embedder == "sentence-transformers" else None
    pdf, pages = make_pdf(args.pages)
    rows = [
        measure(f"nota-{pages}p.pdf", pdf, args.embedder, model),
        measure(f"nota-{args.pages}p.docx", make_docx(args.pages), args.embedder, model),
    ]
    result = {"embedder": args.embedder, "cores": os.cpu_count(), "rows": rows}
    print(json.dumps(result, indent=1))
    if args.save:
        out = REPO / "bench" / "results"
        (out / "ingest_paged.json").write_text(json.dumps(result, indent=1) + "\n", "utf-8")
        table = "\n".join(
            f"| {r['file']} | {r['pages']} | {r['lines']} | {r['chunks']} | {r['sentence_units']} "
            f"| {r['figures']} | {r['read_s']} | {r['ingest_s']} "
            f"| {r['load_average']} → {r['load_average_after']} |"
            for r in rows
        )
        (out / "ingest_paged.md").write_text(
            "# Ingest of a 50-page PDF and a 50-page DOCX\n\n"
            f"`python -m bench.ingest_paged --save`; embedder {args.embedder}, "
            f"{os.cpu_count()} cores (shared: see the load average), empty embedding cache.\n\n"
            "| file | pages | text lines | chunks | sentence units | figures | read (s) "
            "| ingest (s) | load avg (1 min, before → after) |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n"
            + table
            + "\n",
            "utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
