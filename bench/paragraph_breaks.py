"""Issue 17: can a learned model tell where a text paragraph ends between two lines better than
the hand rule (``corpus.page_layout.paragraph_breaks``), measured leaving one document out?

Usage: ``python -m bench.paragraph_breaks [--save]``.

A DOCX of one paragraph per printed line and no empty paragraphs (a PDF converted to Word)
does not show where a paragraph ends; the DOCX reader guesses it from the text with the hand
rule, which the PDF reader also applies at a page break. The bundled text files
(``corpus/*.txt``) mark every paragraph end with a blank line, so every place between two
consecutive non-blank lines is a labelled example (tabs as spaces, stripped, as the DOCX
reader sees the paragraphs; a paragraph ends there when at least one blank line stands between
them). The features (``FEATURES``) come from the two lines, the line after them and the
document's usual line width (``full``: the 0.9 quantile of its line lengths, as the DOCX reader
has it), the rule's own verdict among them.

Every document is read by a model fitted on the other four, its threshold chosen on those four
alone (each of them read by a model fitted on the other three: nested), by the best F1 or by
the fewest mistakes (breaks put in plus breaks missed). Variants: a logistic regression or
gradient-boosted trees, trained on all documents or without 004 (a text with an empty line
after every line: there, nearly every place is labelled a paragraph end).

Results: ``bench/results/paragraph_breaks.{json,md}`` (``--save``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from corpus.page_layout import (  # noqa: E402
    SHORT_LINE,
    _heading_like,
    _table_row,
    opens_with_heading,
    paragraph_breaks,
    typical,
)

CORPUS = REPO / "corpus"
WIDTH_SHARE = 0.9  # the document's line width: this quantile of its line lengths (docx.py)
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)
DOUBLE_SPACED = "004_"  # the text file with an empty line after every line
_CLOSED = re.compile(r"[.!?]['’”)\]]*$")
_LIST_ITEM = re.compile(r"^(?:[a-z0-9]{1,2}[.)]|[•\-–*\uf0b7])\s")

FEATURES: tuple[str, ...] = (
    "before_width",
    "after_width",
    "following_width",
    "width_drop",
    "slack",
    "next_word_fits",
    "before_short",
    "before_closed",
    "before_colon",
    "before_comma",
    "before_hyphen",
    "before_words",
    "after_capital",
    "after_lower",
    "after_digit",
    "after_other",
    "after_list_item",
    "after_closed",
    "before_heading",
    "after_heading",
    "opens_heading",
    "both_table_rows",
    "one_table_row",
    "closed_then_new",
    "closed_then_new_fits",
    "slack_then_new",
    "rule",
)


@dataclass(frozen=True, slots=True)
class Place:
    """The place between two consecutive non-blank lines, and whether a paragraph ends there."""

    before: str
    after: str
    following: str
    full: float
    ends: bool


def text_places(lines: Sequence[str]) -> list[Place]:
    """Every place between two consecutive non-blank lines of a text file, labelled."""
    texts: list[tuple[str, bool]] = []
    blank = False
    for raw in lines:
        text = raw.replace("\t", " ").strip()
        if not text:
            blank = True
            continue
        texts.append((text, blank))
        blank = False
    full = typical([float(len(t)) for t, _ in texts], WIDTH_SHARE)
    return [
        Place(
            texts[i - 1][0],
            texts[i][0],
            texts[i + 1][0] if i + 1 < len(texts) else "",
            full,
            texts[i][1],
        )
        for i in range(1, len(texts))
    ]


def _width(text: str, full: float) -> float:
    return min(1.5, len(text) / full) if full > 0 else 1.0


def features(before: str, after: str, following: str, full: float) -> list[float]:
    """The features (``FEATURES``, in order) of the place between ``before`` and ``after``."""
    words = after.split()
    fits = full > 0 and len(before) + 1 + len(words[0] if words else "") <= full
    short = len(before) < SHORT_LINE * full
    start = after[:1]
    starts_new = start.isupper() or start.isdigit() or (bool(start) and not start.isalnum())
    closed = bool(_CLOSED.search(before))
    slack = max(0.0, 1.0 - _width(before, full))
    table = (_table_row(before), _table_row(after))
    values = {
        "before_width": _width(before, full),
        "after_width": _width(after, full),
        "following_width": _width(following, full),
        "width_drop": _width(before, full) - _width(after, full),
        "slack": slack,
        "next_word_fits": fits,
        "before_short": short,
        "before_closed": closed,
        "before_colon": before.endswith(":"),
        "before_comma": before.endswith((",", ";")),
        "before_hyphen": before.endswith(("-", "‐")) and not before.endswith(" -"),
        "before_words": min(len(before.split()), 12) / 12,
        "after_capital": start.isupper(),
        "after_lower": start.islower(),
        "after_digit": start.isdigit(),
        "after_other": bool(start) and not start.isalnum(),
        "after_list_item": bool(_LIST_ITEM.match(after)),
        "after_closed": bool(_CLOSED.search(after)),
        "before_heading": _heading_like(before),
        "after_heading": _heading_like(after),
        "opens_heading": opens_with_heading(after, following),
        "both_table_rows": all(table),
        "one_table_row": any(table) and not all(table),
        "closed_then_new": closed and starts_new,
        "closed_then_new_fits": closed and starts_new and fits,
        "slack_then_new": slack * starts_new,
        "rule": paragraph_breaks(before, after, following, short),
    }
    return [float(values[name]) for name in FEATURES]


Table = tuple[np.ndarray, np.ndarray]
Fit = Callable[[np.ndarray, np.ndarray], Callable[[np.ndarray], np.ndarray]]


def corpus_tables(folder: Path = CORPUS) -> dict[str, Table]:
    """The features and labels of every text file in ``folder`` (name -> (x, y))."""
    out = {}
    for path in sorted(folder.glob("*.txt")):
        places = text_places(path.read_text(encoding="utf-8").split("\n"))
        x = np.array([features(p.before, p.after, p.following, p.full) for p in places])
        out[path.name] = (x.reshape(len(places), len(FEATURES)), np.array([p.ends for p in places]))
    return out


def logistic(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=3000).fit((x - mean) / scale, y)
    return lambda z: model.predict_proba((z - mean) / scale)[:, 1]


def trees(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(
        max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0
    ).fit(x, y)
    return lambda z: model.predict_proba(z)[:, 1]


MODELS: dict[str, Fit] = {"logistic": logistic, "trees": trees}


def scores(said: np.ndarray, ends: np.ndarray) -> dict[str, Any]:
    tp = int((said & ends).sum())
    fp = int((said & ~ends).sum())
    fn = int((~said & ends).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "places": int(ends.size),
        "ends": int(ends.sum()),
        "put_in": fp,
        "missed": fn,
        "wrong": fp + fn,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def _threshold(probabilities: np.ndarray, ends: np.ndarray, by: str) -> float:
    if by == "f1":
        best = [scores(probabilities >= t, ends)["f1"] for t in THRESHOLDS]
        return float(THRESHOLDS[int(np.argmax(best))])
    wrong = [int(((probabilities >= t) != ends).sum()) for t in THRESHOLDS]
    return float(THRESHOLDS[int(np.argmin(wrong))])


def _fit_on(fit: Fit, tables: dict[str, Table], names: Sequence[str]) -> Any:
    return fit(
        np.vstack([tables[n][0] for n in names]), np.concatenate([tables[n][1] for n in names])
    )


def held_out(
    tables: dict[str, Table], fit: Fit, by: str, train: Callable[[str], bool]
) -> dict[str, tuple[np.ndarray, float]]:
    """Every document's verdicts from a model fitted on the others (those ``train`` admits),
    with a threshold chosen on those others alone, each read by a model that did not see it."""
    out = {}
    for name in tables:
        others = [n for n in tables if n != name and train(n)]
        inner = {
            g: _fit_on(fit, tables, [n for n in others if n != g])(tables[g][0]) for g in others
        }
        threshold = _threshold(
            np.concatenate([inner[g] for g in others]),
            np.concatenate([tables[g][1] for g in others]),
            by,
        )
        said = _fit_on(fit, tables, others)(tables[name][0]) >= threshold
        out[name] = (said, threshold)
    return out


def run() -> dict[str, Any]:
    tables = corpus_tables()
    rule = FEATURES.index("rule")
    rule_said = {n: x[:, rule] > 0 for n, (x, _) in tables.items()}
    result: dict[str, Any] = {
        "rule": {n: scores(rule_said[n], y) for n, (_, y) in tables.items()},
        "variants": {},
    }
    ends = np.concatenate([y for _, y in tables.values()])
    result["rule"]["all"] = scores(np.concatenate(list(rule_said.values())), ends)
    texts = {n: (CORPUS / n).read_text(encoding="utf-8").split("\n") for n in tables}
    result["chunks"] = {
        "text_blank_lines": same_chunks(texts, {n: y for n, (_, y) in tables.items()}),
        "rule": same_chunks(texts, rule_said),
    }
    closed = FEATURES.index("closed_then_new")
    result["closed_then_new"] = {
        n: {
            "places": int((x[:, closed] > 0).sum()),
            "ends": round(float(y[x[:, closed] > 0].mean()), 3),
        }
        for n, (x, y) in tables.items()
    }
    for model, fit in MODELS.items():
        for trained, train in (("all", lambda n: True), ("without_004", _single_spaced)):
            for by in ("f1", "fewest_wrong"):
                verdicts = held_out(tables, fit, by, train)
                per = {
                    n: {**scores(said, tables[n][1]), "threshold": t}
                    for n, (said, t) in verdicts.items()
                }
                per["all"] = scores(np.concatenate([s for s, _ in verdicts.values()]), ends)
                result["variants"][f"{model}/{trained}/{by}"] = per
                result["chunks"][f"{model}/{trained}/{by}"] = same_chunks(
                    texts, {n: said for n, (said, _) in verdicts.items()}
                )
    result["features"] = list(FEATURES)
    return result


def _chunk_texts(lines: list[str]) -> list[str]:
    from corpus.chunking import chunk_document
    from corpus.model import Document, DocumentMeta, SourceLine

    meta = DocumentMeta("d", "d.txt", "d", None, "nota", None, None, "", "txt")
    source = [SourceLine(line=i, text=t, page=None) for i, t in enumerate(lines, start=1)]
    return [" ".join(c.text.split()) for c in chunk_document(Document(meta, source))]


def same_chunks(texts: dict[str, list[str]], said: dict[str, np.ndarray]) -> dict[str, Any]:
    """Per document, how many of the text file's chunks (``corpus.chunking``) come out the
    same when its non-blank lines are read with a blank line only where ``said`` has a
    paragraph end (as a DOCX of one paragraph per line without empty paragraphs is read)."""
    out: dict[str, Any] = {}
    for name, raw in texts.items():
        lines = [t for t in (r.replace("\t", " ").strip() for r in raw) if t]
        read = lines[:1]
        for line, ends in zip(lines[1:], said[name], strict=True):
            read += ["", line] if ends else [line]
        reference = _chunk_texts(raw)
        out[name] = [len(set(_chunk_texts(read)) & set(reference)), len(reference)]
    out["all"] = [sum(v[0] for v in out.values()), sum(v[1] for v in out.values())]
    return out


def _single_spaced(name: str) -> bool:
    return not name.startswith(DOUBLE_SPACED)


def markdown(result: dict[str, Any]) -> str:
    names = list(result["rule"])
    lines = [
        "# Paragraph ends between two lines: the hand rule against learned models, one "
        "document held out",
        "",
        "`python -m bench.paragraph_breaks --save`. Every place between two consecutive "
        "non-blank lines of a bundled text file (`corpus/*.txt`); a paragraph ends there when a "
        "blank line stands between them. `rule`: `corpus.page_layout.paragraph_breaks` (what "
        "the DOCX reader applies between paragraphs in a DOCX without empty paragraphs). "
        "A model reads each document fitted on the other four (variant `without_004`: the "
        "other single-spaced ones), its threshold chosen on those alone (nested: each read by "
        "a model fitted on the other three) by the best F1 or the fewest mistakes. "
        "Wrong = breaks put in + breaks missed.",
        "",
        "## The rule and the best learned variant, per document (P / R / F1 / wrong)",
        "",
    ]
    best = max(result["variants"], key=lambda v: result["variants"][v]["all"]["f1"])
    lines += [
        f"| document | places | ends | rule | {best} | threshold |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for n in names:
        r, m = result["rule"][n], result["variants"][best][n]
        lines.append(
            f"| {n} | {r['places']} | {r['ends']} | {_cell(r)} | {_cell(m)} | "
            f"{m.get('threshold', '')} |"
        )
    lines += [
        "",
        "## Every variant, all five documents pooled (each read by a model that did not see it)",
        "",
        "| variant | P | R | F1 | put in | missed | wrong |",
        "|---|--:|--:|--:|--:|--:|--:|",
        _row("rule", result["rule"]["all"]),
        *(_row(v, per["all"]) for v, per in result["variants"].items()),
        "",
        "## Every variant, per document (F1 / wrong)",
        "",
        "| variant | " + " | ".join(n[:3] for n in names) + " |",
        "|---|" + "--:|" * len(names),
        "| rule | " + " | ".join(_short(result["rule"][n]) for n in names) + " |",
        *(
            f"| {v} | " + " | ".join(_short(per[n]) for n in names) + " |"
            for v, per in result["variants"].items()
        ),
        "",
        "## Chunks that come out as the text file's",
        "",
        "Every document's non-blank lines with a blank line only where the verdicts put a "
        "paragraph end, chunked (`corpus.chunking`): the text file's chunks that come out the "
        "same (same cleaned text). `text_blank_lines`: the text file's own paragraph ends "
        "(what a perfect guess gives; the blank-line runs of 004 count once).",
        "",
        "| verdicts | " + " | ".join(n[:3] for n in names) + " |",
        "|---|" + "--:|" * len(names),
        *(
            f"| {v} | " + " | ".join(f"{c[n][0]}/{c[n][1]}" for n in names) + " |"
            for v, c in result["chunks"].items()
        ),
        "",
        "## How the text files set a closed sentence apart",
        "",
        "The places where `before` closes a sentence and `after` starts anew (a capital, a "
        "digit, a bullet), and the share of them where the text file has a blank line:",
        "",
        "| document | places | share with a blank line |",
        "|---|--:|--:|",
        *(f"| {n} | {c['places']} | {c['ends']} |" for n, c in result["closed_then_new"].items()),
        "",
        "Features: " + ", ".join(f"`{f}`" for f in result["features"]) + ".",
        "",
    ]
    return "\n".join(lines)


def _cell(s: dict[str, Any]) -> str:
    return f"{s['precision']} / {s['recall']} / {s['f1']} / {s['wrong']}"


def _short(s: dict[str, Any]) -> str:
    return f"{s['f1']} / {s['wrong']}"


def _row(name: str, s: dict[str, Any]) -> str:
    return (
        f"| {name} | {s['precision']} | {s['recall']} | {s['f1']} | {s['put_in']} | "
        f"{s['missed']} | {s['wrong']} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--save", action="store_true", help="Write bench/results/.")
    args = parser.parse_args(argv)
    result = run()
    report = markdown(result)
    print(report)
    if args.save:
        out = REPO / "bench" / "results"
        (out / "paragraph_breaks.json").write_text(
            json.dumps(result, indent=1) + "\n", encoding="utf-8"
        )
        (out / "paragraph_breaks.md").write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
