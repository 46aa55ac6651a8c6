"""Figure extraction against hand labels: recall, precision, unit/period/kind accuracy.

Usage: ``python -m bench.figures_eval`` (from the repo root). Labels were written by reading
the documents; a label file may cover only part of a document (``bench/labels/README-*.txt``).
A prediction matches a label when the values are equal and the lines differ by at most one.
Writes ``bench/results/figures_eval.{json,md,png}``.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "bench" / "labels"
RESULTS = REPO / "bench" / "results"
SHARED = REPO / "eval" / "shared"  # a copy of ../shared/eval
TOLERANCE = 1


def label_sets() -> list[tuple[Path, Path | None]]:
    """(label file, coverage readme or None) pairs that exist."""
    out: list[tuple[Path, Path | None]] = []
    dev = SHARED / "dev-004-figures.csv"
    if dev.is_file():
        out.append((dev, None))
    for path in sorted(LABELS.glob("figures-*.csv")):
        readme = LABELS / path.name.replace("figures-", "README-").replace(".csv", ".txt")
        out.append((path, readme if readme.is_file() else None))
    return out


def coverage(readme: Path | None) -> tuple[int, int] | None:
    if readme is None:
        return None
    m = re.search(r"lines\s+(\d+)\s*-\s*(\d+)", readme.read_text(encoding="utf-8"))
    return (int(m.group(1)), int(m.group(2))) if m else None


def read_labels(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["line"] = int(row["line"])
        row["value"] = float(row["value"])
    return rows


def load_doc(file_name: str) -> Any:
    from corpus import BUNDLED_CORPUS_DIR, document_from_bytes, load_manifest

    manifest = load_manifest(BUNDLED_CORPUS_DIR)
    path = BUNDLED_CORPUS_DIR / file_name
    return document_from_bytes(path.read_bytes(), path.name, overrides=manifest.get(path.name))


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-6)


def match(labels: list[dict[str, Any]], preds: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (label index, prediction index), exact lines first."""
    pairs: list[tuple[int, int]] = []
    used: set[int] = set()
    matched: set[int] = set()
    for tolerance in range(TOLERANCE + 1):
        for li, label in enumerate(labels):
            if li in matched:
                continue
            for pi, pred in enumerate(preds):
                if pi in used or abs(pred["line"] - label["line"]) != tolerance:
                    continue
                if _same(pred["value"], label["value"]):
                    pairs.append((li, pi))
                    used.add(pi)
                    matched.add(li)
                    break
    return pairs


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def score(labels: list[dict[str, Any]], preds: list[dict[str, Any]]) -> dict[str, Any]:
    pairs = match(labels, preds)
    unit = sum(labels[li]["unit"] == preds[pi]["unit"] for li, pi in pairs)
    period = sum(labels[li]["period"] == preds[pi]["period"] for li, pi in pairs)
    kind = sum(labels[li]["kind"] == preds[pi]["kind"] for li, pi in pairs)
    matched_l = {li for li, _ in pairs}
    matched_p = {pi for _, pi in pairs}
    return {
        "labels": len(labels),
        "predictions": len(preds),
        "matched": len(pairs),
        "recall": _ratio(len(pairs), len(labels)),
        "precision": _ratio(len(pairs), len(preds)),
        "unit_acc": _ratio(unit, len(pairs)),
        "period_acc": _ratio(period, len(pairs)),
        "kind_acc": _ratio(kind, len(pairs)),
        "_counts": {"unit": unit, "period": period, "kind": kind},
        "misses": [
            {k: labels[li][k] for k in ("line", "value", "unit", "period", "kind", "quote")}
            for li in range(len(labels))
            if li not in matched_l
        ],
        "false_positives": [
            {k: preds[pi][k] for k in ("line", "value", "unit", "period", "kind", "quote")}
            for pi in range(len(preds))
            if pi not in matched_p
        ],
        "wrong": [
            {
                "line": labels[li]["line"],
                "value": labels[li]["value"],
                "via": preds[pi].get("_via", ""),
                **{
                    f: f"{labels[li][f]} != {preds[pi][f]}"
                    for f in ("unit", "period", "kind")
                    if labels[li][f] != preds[pi][f]
                },
            }
            for li, pi in pairs
            if any(labels[li][f] != preds[pi][f] for f in ("unit", "period", "kind"))
        ],
    }


def evaluate() -> dict[str, Any]:
    from tqdm import tqdm

    from metrics.extract import extract_traced

    per_doc: dict[str, Any] = {}
    for path, readme in tqdm(label_sets(), desc="documents", unit="doc"):
        labels = read_labels(path)
        file_name = labels[0]["seed_file"]
        doc = load_doc(file_name)
        span = coverage(readme) or (1, max(sl.line for sl in doc.lines))
        preds = [r for r in extract_traced(doc) if span[0] <= r["line"] <= span[1]]
        labels = [r for r in labels if span[0] <= r["line"] <= span[1]]
        per_doc[file_name] = {"label_file": path.name, "lines": list(span), **score(labels, preds)}
    totals = {k: sum(d[k] for d in per_doc.values()) for k in ("labels", "predictions", "matched")}
    counts = {k: sum(d["_counts"][k] for d in per_doc.values()) for k in ("unit", "period", "kind")}
    overall = {
        **totals,
        "recall": _ratio(totals["matched"], totals["labels"]),
        "precision": _ratio(totals["matched"], totals["predictions"]),
        **{f"{k}_acc": _ratio(v, totals["matched"]) for k, v in counts.items()},
    }
    return {"overall": overall, "documents": per_doc, "tolerance_lines": TOLERANCE}


_COLS = (
    "labels",
    "predictions",
    "matched",
    "recall",
    "precision",
    "unit_acc",
    "period_acc",
    "kind_acc",
)


def table(result: dict[str, Any]) -> str:
    head = "| document | " + " | ".join(_COLS) + " |"
    lines = [head, "|" + "---|" * (len(_COLS) + 1)]
    for name, d in [*result["documents"].items(), ("OVERALL", result["overall"])]:
        lines.append(f"| {name} | " + " | ".join(str(d[c]) for c in _COLS) + " |")
    return "\n".join(lines)


def markdown(result: dict[str, Any]) -> str:
    out = ["# Figure extraction vs hand labels", "", table(result), ""]
    for name, d in result["documents"].items():
        out.append(f"## {name} ({d['label_file']}, lines {d['lines'][0]}-{d['lines'][1]})")
        for title, key in (("Misses", "misses"), ("False positives", "false_positives")):
            out.append(f"\n### {title} ({len(d[key])})\n")
            out += [
                f"- L{r['line']} {r['value']} {r['unit']} {r['period']} {r['kind']} — `{r['quote']}`"
                for r in d[key]
            ]
        out.append(f"\n### Wrong attributes ({len(d['wrong'])})\n")
        out += [f"- {json.dumps(r, ensure_ascii=False)}" for r in d["wrong"]]
        out.append("")
    return "\n".join(out)


def chart(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [*result["documents"], "OVERALL"]
    data = [*result["documents"].values(), result["overall"]]
    metrics = ("recall", "precision", "unit_acc", "period_acc", "kind_acc")
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / len(metrics)
    for k, metric in enumerate(metrics):
        xs = [i + k * width for i in range(len(names))]
        ax.bar(xs, [d[metric] for d in data], width, label=metric)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(names))])
    ax.set_xticklabels([n[:3] if n != "OVERALL" else n for n in names])
    ax.axhline(0.9, color="grey", linestyle="--", linewidth=0.8)
    ax.set_ylim(0, 1.05)
    ax.set_title("Figure extraction vs hand labels")
    ax.legend(fontsize=7, ncol=len(metrics), loc="upper center", bbox_to_anchor=(0.5, -0.1))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    result = evaluate()
    args.out.mkdir(parents=True, exist_ok=True)
    public = {
        "overall": result["overall"],
        "tolerance_lines": result["tolerance_lines"],
        "documents": {
            k: {kk: vv for kk, vv in v.items() if kk != "_counts"}
            for k, v in result["documents"].items()
        },
    }
    (args.out / "figures_eval.json").write_text(
        json.dumps(public, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    (args.out / "figures_eval.md").write_text(markdown(result), encoding="utf-8")
    chart(result, args.out / "figures_eval.png")
    print(table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
