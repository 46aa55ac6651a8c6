#!/usr/bin/env python3
"""Validate hand-written question sets (eval/shared/FORMAT.md, plus the optional `tags` list).

Checks, per line:
  * JSON parses; the required FORMAT.md fields are present with the right types
    and values; ids run h-01 .. h-40; `also` entries are well-formed;
  * type `unanswerable` <=> expect_status `refused`; refused lines have empty
    evidence_lines, evidence_quote and must_include;
  * `source` (and each `also` source) is a corpus file and evidence_lines lie in it;
  * evidence_quote (and each `also` quote) stands verbatim in the
    whitespace-collapsed join (lines joined with a space) of its evidence_lines;
  * every numeric must_include value occurs as a number in the evidence text
    (main span plus `also` spans), after normalising number formats
    (6.143 = 6143, 21,29 = 21.29, spelled Dutch numbers such as "zeven" = 7);
  * every must_include item also occurs in the reference answer (numbers
    normalised the same way, key words case-insensitively);
  * for Dutch questions, key-word must_include items occur in the evidence text.
Warnings (not failures): long evidence spans, and questions that share a run of
7 or more words with their source document (i.e. look copied).

Usage: python3 eval/check_questions.py FILE.jsonl [FILE.jsonl ...]
Exits 1 when any check fails.
"""

import contextlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "corpus"
DEFAULT = HERE / "holdout" / "holdout-000.jsonl"

REQUIRED = [
    "id",
    "lang",
    "question",
    "answer",
    "type",
    "expect_status",
    "source",
    "evidence_lines",
    "evidence_quote",
    "must_include",
]
ALLOWED = set(REQUIRED) | {"also", "tags"}
TAGS = {
    "scope:municipality",
    "scope:region",
    "scope:period",
    "scope:cumulative",
    "scope:peildatum",
    "scope:kind",
    "scope:forecast",
    "scope:conflict",
    "scope:trend",
    "near_miss",
    "unknown_words",
}
TYPES = {"metric", "policy", "definition", "comparison", "list", "unanswerable"}
STATUSES = {"answered", "partial", "refused"}
LANGS = {"nl", "en"}

# Spelled numbers (the glossary mentions e.g. "vijftig", "honderd"). "een" is left
# out on purpose: it is mostly the article.
NUM_WORDS = {
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
    "elf": 11,
    "twaalf": 12,
    "twintig": 20,
    "dertig": 30,
    "veertig": 40,
    "vijftig": 50,
    "zestig": 60,
    "zeventig": 70,
    "tachtig": 80,
    "negentig": 90,
    "honderd": 100,
    "duizend": 1000,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twenty": 20,
    "fifty": 50,
    "hundred": 100,
}
NUM_RE = re.compile(r"\d+(?:[.,]\d+)*")
WORD_RE = re.compile(r"[a-zà-ÿ]+", re.IGNORECASE)


def collapse(text):
    return " ".join(text.split())


def token_values(tok):
    """All plausible values of a numeric token under Dutch and English formats."""
    vals = set()
    cands = [
        tok.replace(".", "").replace(",", "."),  # Dutch: 6.143 -> 6143, 21,29 -> 21.29
        tok.replace(",", ""),  # English: 6,143 -> 6143, 63.1 -> 63.1
        tok,
    ]
    for c in cands:
        with contextlib.suppress(ValueError):
            vals.add(round(float(c), 6))
    return vals


def numbers_in(text):
    vals = set()
    for tok in NUM_RE.findall(text):
        vals |= token_values(tok)
    for w in WORD_RE.findall(text.lower()):
        if w in NUM_WORDS:
            vals.add(float(NUM_WORDS[w]))
    return vals


def as_number(item):
    """A must_include item as a number, or None if it is a key word."""
    if isinstance(item, bool):
        return None
    if isinstance(item, (int, float)):
        return round(float(item), 6)
    if isinstance(item, str):
        s = item.strip().rstrip("%").strip().lstrip("€").strip()
        if NUM_RE.fullmatch(s):
            vals = token_values(s)
            # prefer the Dutch reading for strings such as "21,29%" or "6.143"
            return round(float(s.replace(".", "").replace(",", ".")), 6) if vals else None
    return None


_doc_cache = {}


def doc_lines(name):
    if name not in _doc_cache:
        p = CORPUS / name
        _doc_cache[name] = p.read_text(encoding="utf-8").splitlines() if p.is_file() else None
    return _doc_cache[name]


def span_text(name, lines):
    dl = doc_lines(name)
    a, b = lines
    return collapse(" ".join(dl[a - 1 : b]))


def check_span(errs, where, source, lines, quote):
    """Validate one (source, evidence_lines, evidence_quote) triple; return its text."""
    if not isinstance(source, str) or doc_lines(source) is None:
        errs.append(f"{where}: source {source!r} is not a file in {CORPUS}")
        return ""
    if (
        not isinstance(lines, list)
        or len(lines) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in lines)
    ):
        errs.append(f"{where}: evidence_lines must be [first, last] integers, got {lines!r}")
        return ""
    a, b = lines
    n = len(doc_lines(source))
    if not (1 <= a <= b <= n):
        errs.append(f"{where}: evidence_lines {lines} out of range 1..{n} or reversed")
        return ""
    text = span_text(source, lines)
    if not isinstance(quote, str) or not collapse(quote):
        errs.append(f"{where}: empty evidence_quote")
    elif collapse(quote) not in text:
        errs.append(f"{where}: quote not verbatim in {source} lines {a}-{b}: {quote[:80]!r}")
    return text


def shared_run(question, doc_text, n=7):
    qw = [w.lower() for w in WORD_RE.findall(question)]
    dw = " " + " ".join(w.lower() for w in WORD_RE.findall(doc_text)) + " "
    for i in range(len(qw) - n + 1):
        if " " + " ".join(qw[i : i + n]) + " " in dw:
            return " ".join(qw[i : i + n])
    return None


def main(paths):
    errs, warns = [], []
    rows = []
    raw = [ln for p in paths for ln in Path(p).read_text(encoding="utf-8").splitlines()]
    path = ", ".join(str(p) for p in paths)
    for ln, line in enumerate(raw, 1):
        if not line.strip():
            errs.append(f"line {ln}: empty line")
            continue
        try:
            rows.append((ln, json.loads(line)))
        except json.JSONDecodeError as e:
            errs.append(f"line {ln}: invalid JSON: {e}")

    ids = []
    for ln, q in rows:
        qid = q.get("id", f"line {ln}")
        where = f"{qid}"
        ids.append(q.get("id"))
        missing = [k for k in REQUIRED if k not in q]
        extra = [k for k in q if k not in ALLOWED]
        if missing:
            errs.append(f"{where}: missing fields {missing}")
            continue
        if extra:
            errs.append(f"{where}: unknown fields {extra}")
        for k in ("id", "question", "answer", "source", "evidence_quote"):
            if not isinstance(q[k], str):
                errs.append(f"{where}: {k} must be a string")
        for k in ("question", "answer"):
            if isinstance(q[k], str) and not q[k].strip():
                errs.append(f"{where}: empty {k}")
        tags = q.get("tags", [])
        if not isinstance(tags, list) or any(t not in TAGS for t in tags):
            errs.append(f"{where}: tags must be a list drawn from {sorted(TAGS)}")
        if q["lang"] not in LANGS:
            errs.append(f"{where}: lang {q['lang']!r} not in {sorted(LANGS)}")
        if q["type"] not in TYPES:
            errs.append(f"{where}: type {q['type']!r} not in {sorted(TYPES)}")
        if q["expect_status"] not in STATUSES:
            errs.append(f"{where}: expect_status {q['expect_status']!r} not in {sorted(STATUSES)}")
        if (q["type"] == "unanswerable") != (q["expect_status"] == "refused"):
            errs.append(
                f"{where}: type unanswerable must go with expect_status refused (and only then)"
            )
        if not isinstance(q["must_include"], list):
            errs.append(f"{where}: must_include must be a list")
            continue

        if q["expect_status"] == "refused":
            if q["evidence_lines"] != [] or collapse(q["evidence_quote"]) or q["must_include"]:
                errs.append(
                    f"{where}: refused question must have evidence_lines [], "
                    f"evidence_quote '' and must_include []"
                )
            if "also" in q:
                errs.append(f"{where}: refused question must not have 'also'")
            if doc_lines(q["source"]) is None:
                errs.append(f"{where}: source {q['source']!r} is not a corpus file")
            continue

        # answerable (answered / partial)
        if not q["must_include"]:
            errs.append(f"{where}: answerable question needs must_include items")
        texts = [check_span(errs, where, q["source"], q["evidence_lines"], q["evidence_quote"])]
        if isinstance(q["evidence_lines"], list) and len(q["evidence_lines"]) == 2:
            a, b = q["evidence_lines"]
            if isinstance(a, int) and isinstance(b, int) and b - a + 1 > 20:
                warns.append(f"{where}: evidence span is {b - a + 1} lines")
        also = q.get("also", [])
        if not isinstance(also, list):
            errs.append(f"{where}: also must be a list")
            also = []
        for i, al in enumerate(also):
            aw = f"{where} also[{i}]"
            if not isinstance(al, dict) or set(al) != {
                "source",
                "evidence_lines",
                "evidence_quote",
            }:
                errs.append(f"{aw}: must be {{source, evidence_lines, evidence_quote}}")
                continue
            texts.append(
                check_span(errs, aw, al["source"], al["evidence_lines"], al["evidence_quote"])
            )
        evidence = " ".join(texts)
        ev_nums = numbers_in(evidence)
        ans_nums = numbers_in(q["answer"])
        for item in q["must_include"]:
            if not isinstance(item, (str, int, float)) or isinstance(item, bool):
                errs.append(f"{where}: must_include item {item!r} must be a number or string")
                continue
            num = as_number(item)
            if num is not None:
                if num not in ev_nums:
                    errs.append(
                        f"{where}: must_include {item!r} not found as a number in the evidence text"
                    )
                if num not in ans_nums:
                    errs.append(
                        f"{where}: must_include {item!r} not stated in the reference answer"
                    )
            else:
                if item.lower() not in q["answer"].lower():
                    errs.append(f"{where}: key word {item!r} not in the reference answer")
                if q["lang"] == "nl" and item.lower() not in evidence.lower():
                    errs.append(f"{where}: key word {item!r} not in the (Dutch) evidence text")

        src_lines = doc_lines(q["source"])
        if src_lines is not None:
            run = shared_run(q["question"], "\n".join(src_lines))
            if run:
                warns.append(f"{where}: question shares the run '{run}' with its source")

    # set-level checks
    dup = [k for k, v in Counter(ids).items() if v > 1]
    if dup:
        errs.append(f"duplicate ids: {dup}")

    qs = [q for _, q in rows]
    print(f"checked {len(qs)} questions in {path}")
    for field in ("source", "type", "expect_status", "lang"):
        c = Counter(q.get(field) for q in qs)
        print(
            f"  {field}: "
            + ", ".join(f"{k}={v}" for k, v in sorted(c.items(), key=lambda kv: str(kv[0])))
        )
    tag_count = Counter(t for q in qs for t in q.get("tags", []))
    print("  tags: " + ", ".join(f"{k}={v}" for k, v in sorted(tag_count.items())))
    for w in warns:
        print("WARN", w)
    for e in errs:
        print("FAIL", e)
    if errs:
        print(f"{len(errs)} failure(s)")
        return 1
    print(f"OK: all checks passed ({len(warns)} warning(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [DEFAULT]))
