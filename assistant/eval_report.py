"""The evaluation report: scores per set and per question type, as JSON and Markdown tables."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# every score of a summary, in table order, with its label ("lower" when lower is better)
SCORE_LABELS: dict[str, str] = {
    "status_accuracy": "status accuracy",
    "scope_status_accuracy": "scope questions, status",
    "refused_when_expected": "refused when expected",
    "answerable_wrongly_refused": "answerable wrongly refused (lower)",
    "number_accuracy": "number accuracy",
    "lead_number_accuracy": "numbers in the lead",
    "lead_within_words": "lead within 40 words",
    "evidence_hit@1": "evidence hit@1",
    "evidence_hit@5": "evidence hit@5",
    "evidence_hit@10": "evidence hit@10",
    "evidence_mrr": "evidence MRR",
    "citation_faithfulness": "citation faithfulness",
    "grounded_numbers": "grounded numbers",
    "language": "language",
    "keyword_recall": "key words stated (extra)",
    "latency_ms_p50": "latency p50 ms (lower)",
    "latency_ms_p95": "latency p95 ms (lower)",
}
TYPE_SCORES = (
    "status_accuracy",
    "refused_when_expected",
    "number_accuracy",
    "evidence_hit@1",
    "evidence_hit@5",
    "evidence_mrr",
)


@dataclass(slots=True)
class EvalReport:
    """Per-question rows, the overall summary, summaries per set and type, and floor checks."""

    name: str
    summary: dict[str, Any]
    by_set: dict[str, dict[str, Any]]
    by_type: dict[str, dict[str, Any]]
    rows: list[dict[str, Any]]
    by_document: dict[str, dict[str, Any]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    floors: dict[str, float] = field(default_factory=dict)
    below_floors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.below_floors

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, default=str) + "\n"

    def markdown(self) -> str:
        """The scores table (one column per set, then all), the floors, and types."""
        m = self.meta
        lines = [
            f"# Evaluation: {self.name}",
            "",
            f"{self.summary['questions']} questions through `PolicyAssistant.ask` (the `/ask` "
            f"code path); embedder `{m.get('embedder')}`, LLM `{m.get('llm')}`, index "
            f"`{m.get('index_version')}`, {m.get('created_at')}, {m.get('seconds')} s, load "
            f"average {m.get('load_average', {}).get('start')} → "
            f"{m.get('load_average', {}).get('end')}. Scores as defined in eval/FORMAT.md.",
            "",
        ]
        columns: dict[str, dict[str, Any]] = dict(self.by_set) if len(self.by_set) > 1 else {}
        columns["all"] = self.summary
        lines += _table(list(SCORE_LABELS), columns, self.floors)
        if self.floors:
            lines.append("")
            if self.passed:
                lines.append("All scores are at or above their floors.")
            else:
                lines.append(
                    "**Below floor:** " + ", ".join(_shortfall(b) for b in self.below_floors)
                )
        if self.by_document:
            lines += ["", "## By document", ""]
            short = {k.split("_")[0]: v for k, v in self.by_document.items()}
            lines += _table(list(TYPE_SCORES), short, {})
        lines += ["", "## By question type", ""]
        lines += _table(list(TYPE_SCORES), self.by_type, {})
        return "\n".join(lines) + "\n"

    def write(self, out_dir: Path) -> tuple[Path, Path]:
        """``<out_dir>/<name>.json`` and ``<out_dir>/<name>.md``."""
        out_dir.mkdir(parents=True, exist_ok=True)
        json_path, md_path = out_dir / f"{self.name}.json", out_dir / f"{self.name}.md"
        json_path.write_text(self.to_json(), encoding="utf-8")
        md_path.write_text(self.markdown(), encoding="utf-8")
        return json_path, md_path


def _cell(value: Any, score: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.0f}" if score.startswith("latency") else f"{value:.3f}"
    return str(value)


def _table(
    scores: list[str], columns: dict[str, dict[str, Any]], floors: dict[str, float]
) -> list[str]:
    head = ["score", *columns, *(["floor"] if floors else [])]
    lines = [
        "| " + " | ".join(head) + " |",
        "|---|" + "--:|" * (len(head) - 1),
        "| questions | "
        + " | ".join(str(c["questions"]) for c in columns.values())
        + (" | |" if floors else " |"),
    ]
    for score in scores:
        cells = [_cell(c.get(score), score) for c in columns.values()]
        if floors:
            cells.append(_cell(floors[score], score) if score in floors else "")
        lines.append(f"| {SCORE_LABELS[score]} | " + " | ".join(cells) + " |")
    return lines


def _shortfall(item: dict[str, Any]) -> str:
    return f"{SCORE_LABELS[item['score']]} {_cell(item['value'])} < {_cell(item['floor'])}"


def describe_row(row: dict[str, Any]) -> str:
    """One line per question (``-v``): ok/BAD, id, wanted and got status, route, coverage."""
    mark = "ok " if row["status_ok"] else "BAD"
    line = (
        f"{mark} {row['id']:<7} want {row['expect_status']:<8} got {row['status']:<8} "
        f"{row['route'] or '-':<8} cov={row['best_coverage']} {row['question'][:70]}"
    )
    extra = []
    if row["scored_for_evidence"]:
        extra.append(f"hit@{row['hit_rank']}" if row["hit_rank"] else "no-hit")
    if row["numbers_missing"]:
        extra.append("missing " + ",".join(row["numbers_missing"]))
    if row["ungrounded_numbers"]:
        extra.append("ungrounded " + ",".join(row["ungrounded_numbers"]))
    unfaithful = [c["id"] for c in row["citations"] if not c["faithful"]]
    if unfaithful:
        extra.append("unfaithful " + ",".join(unfaithful))
    return f"{line}  [{'; '.join(extra)}]" if extra else line
