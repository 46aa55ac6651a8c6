"""Output of ``bench/embedders.py``: the Markdown report, the console table and the plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def write_markdown(report: dict[str, Any], path: Path) -> None:
    rows = [r for r in report["results"] if "error" not in r]
    lines = [
        "# Embedder comparison: dense-only evidence retrieval",
        "",
        f"{report['date']}, {report['machine']['cores']} cores, Python "
        f"{report['machine']['python']}. {report['chunks']} chunks ({report['chunking']}), "
        f"batch {report['batch_size']}; {report['questions_answerable']} answerable questions "
        f"({', '.join(f'{k} {v}' for k, v in report['questions_by_lang'].items())}) from "
        f"{', '.join(Path(s).name for s in report['question_sets'])}. A hit is a chunk "
        f"overlapping the evidence lines ±{report['line_slack']}. torch + sentence-transformers "
        f"import ({report['torch_import_s']} s) is not in any load time.",
        "",
        "| embedder | dim | hit@1 | hit@5 | hit@10 | MRR@10 | nl hit@5 | nl MRR@10 | s / 1000 "
        "chunks | chunks/s | query ms | load s | CPU util |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        a, nl = r["all"], r["by_lang"].get("nl", {})
        lines.append(
            f"| `{r['name']}` {r['label']} | {r['dim']} | {a['hit@1']:.3f} | {a['hit@5']:.3f} | "
            f"{a['hit@10']:.3f} | {a['mrr']:.3f} | {nl.get('hit@5', float('nan')):.3f} | "
            f"{nl.get('mrr', float('nan')):.3f} | {r['s_per_1000_chunks']:.0f} | "
            f"{r['chunks_per_s']:.1f} | {r['queries_ms_each']:.0f} | {r['load_s']:.1f} | "
            f"{r['cpu_util']:.2f} |"
        )
    lines += [f"| `{r['name']}` | {r['error']} |" for r in report["results"] if "error" in r]
    sets = sorted({s for r in rows for s in r["by_set"]})
    lines += ["", "MRR@10 by question set:", "", "| embedder | " + " | ".join(sets) + " |"]
    lines.append("|---|" + "--:|" * len(sets))
    for r in rows:
        cells = " | ".join(f"{r['by_set'][s]['mrr']:.3f}" for s in sets)
        lines.append(f"| `{r['name']}` | {cells} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def print_table(rows: list[dict[str, Any]]) -> None:
    head = f"{'embedder':<11} {'dim':>4} {'load s':>7} {'chunks/s':>9} {'q ms':>6} "
    head += f"{'hit@1':>6} {'hit@5':>6} {'hit@10':>6} {'MRR@10':>6}"
    print(head)
    print("-" * len(head))
    for r in rows:
        if "error" in r:
            print(f"{r['name']:<11} {r['error']}")
            continue
        a = r["all"]
        print(
            f"{r['name']:<11} {r['dim']:>4} {r['load_s']:>7.1f} {r['chunks_per_s']:>9.1f} "
            f"{r['queries_ms_each']:>6.1f} {a['hit@1']:>6.3f} {a['hit@5']:>6.3f} "
            f"{a['hit@10']:>6.3f} {a['mrr']:>6.3f}"
        )


def plot(
    rows: list[dict[str, Any]], path: Path, n_questions: int, n_chunks: int, cores: int
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in rows if "error" not in r]
    metrics = ["hit@1", "hit@5", "hit@10", "mrr"]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [3, 1.3]})
    width = 0.8 / max(len(rows), 1)
    x = np.arange(len(metrics))
    for i, r in enumerate(rows):
        vals = [r["all"][m] for m in metrics]
        bars = ax.bar(x + i * width, vals, width, label=r["name"])
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks(x + width * (len(rows) - 1) / 2, ["hit@1", "hit@5", "hit@10", "MRR@10"])
    ax.set_ylim(0, 1)
    ax.set_title(f"Dense-only evidence retrieval ({n_questions} answerable questions)")
    ax.legend(fontsize=8)
    speeds = [r["chunks_per_s"] for r in rows]
    bars = ax2.bar([r["name"] for r in rows], speeds, color="gray")
    ax2.bar_label(bars, fmt="%.1f", fontsize=8)
    ax2.set_title(f"Passages/s ({n_chunks} chunks, {cores} cores)")
    ax2.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
