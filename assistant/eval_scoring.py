"""The scores of ``eval/FORMAT.md``: one answered question scored, and a set summarised.

Pure functions over a question (one line of a JSON Lines question set) and the ``/ask``
response dict. Reading source files and calling the assistant are in ``assistant.evaluation``.

- evidence: a citation hits when it is in the question's ``source`` (or an ``also`` source)
  and overlaps ``evidence_lines`` give or take ``EVIDENCE_SLACK`` lines; hit@k and MRR over citations.
- numbers: the ``must_include`` numerals (ints, floats, or strings such as ``"21,29%"``) must all
  stand in the answer, compared after normalising ``6.143`` / ``6,143`` / ``6143``.
- status, refusals, grounded numbers, language and latency as FORMAT.md defines them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from assistant.grounding import ungrounded_numbers
from assistant.numeric import numbers_in, readings
from assistant.pipeline.lead import LEAD_WORDS
from corpus import InvalidRequestError

EVIDENCE_SLACK = 2
HIT_KS = (1, 5, 10)
STATUSES = ("answered", "partial", "refused")
REQUIRED_FIELDS = ("id", "lang", "question", "type", "expect_status", "source")
_NUMERAL = re.compile(r"^(?:€\s*)?(\d+(?:[.,]\d+)*)\s*%?$")

Place = tuple[str, int, int]


# ----- question sets ----------------------------------------------------------------------
def load_questions(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Every question of the JSON Lines files, each tagged with its set (the file stem)."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in paths:
        before = len(out)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidRequestError(
                f"cannot read {path}: {exc.strerror}", code="not_found"
            ) from exc
        except ValueError as exc:  # not UTF-8, or a NUL in the path
            raise InvalidRequestError(
                f"cannot read {path}: {exc}", code="invalid_question_set"
            ) from exc
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                question = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidRequestError(
                    f"{path}:{number}: not JSON ({exc.msg})", code="invalid_question_set"
                ) from exc
            if not isinstance(question, dict):
                raise InvalidRequestError(
                    f"{path}:{number}: not a JSON object", code="invalid_question_set"
                )
            missing = [f for f in REQUIRED_FIELDS if f not in question]
            if missing or question.get("expect_status") not in STATUSES:
                raise InvalidRequestError(
                    f"{path}:{number}: missing {missing or ['a valid expect_status']}",
                    code="invalid_question_set",
                )
            if not all(isinstance(question[f], str) for f in ("id", "question", "source")):
                raise InvalidRequestError(
                    f"{path}:{number}: id, question and source must be strings",
                    code="invalid_question_set",
                )
            if question["id"] in seen:
                raise InvalidRequestError(
                    f"{path}:{number}: duplicate id {question['id']}", code="invalid_question_set"
                )
            seen.add(question["id"])
            out.append({**question, "set": Path(path).stem})
        if len(out) == before:
            raise InvalidRequestError(f"{path}: no questions", code="invalid_question_set")
    return out


# ----- evidence ---------------------------------------------------------------------------
def evidence_places(question: dict[str, Any]) -> list[Place]:
    """(file name, first line, last line) of every evidence place, widened by ``EVIDENCE_SLACK``."""
    places = [question, *question.get("also", [])]
    return [
        (
            Path(p["source"]).name,
            p["evidence_lines"][0] - EVIDENCE_SLACK,
            p["evidence_lines"][-1] + EVIDENCE_SLACK,
        )
        for p in places
        if p.get("evidence_lines")
    ]


def in_places(source: str, line_start: int, line_end: int, places: Sequence[Place]) -> bool:
    name = Path(source).name
    return any(name == s and line_start <= hi and line_end >= lo for s, lo, hi in places)


def first_hit_rank(cited: Iterable[dict[str, Any]], places: Sequence[Place]) -> int | None:
    """1-based rank of the first citation (or search result) that lies in an evidence place."""
    for rank, c in enumerate(cited, start=1):
        if in_places(c["source"], c["line_start"], c["line_end"], places):
            return rank
    return None


# ----- numbers and key words --------------------------------------------------------------
def _is_numeral(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or bool(
        isinstance(value, str) and _NUMERAL.match(value.strip())
    )


def expected_numbers(must_include: Sequence[Any]) -> list[tuple[str, set[float]]]:
    """The numerals of ``must_include`` with every value each can stand for."""
    out = []
    for value in must_include:
        if not _is_numeral(value):
            continue
        if isinstance(value, str):
            match = _NUMERAL.match(value.strip())
            assert match is not None
            out.append((value, readings(match.group(1))))
        else:
            out.append((str(value), {float(value)}))
    return out


def key_words(must_include: Sequence[Any]) -> list[str]:
    return [str(v) for v in must_include if not _is_numeral(v)]


def states_number(answer: str, values: set[float]) -> bool:
    """Whether the answer states a number that can be read as one of ``values``."""
    wanted = {round(v, 6) for v in values}
    return any(wanted & {round(v, 6) for v in found} for _, found in numbers_in(answer))


# ----- one question -----------------------------------------------------------------------
def score_answer(
    question: dict[str, Any],
    response: dict[str, Any],
    faithful: Sequence[bool],
    latency_ms: float,
) -> dict[str, Any]:
    """The per-question row: what was expected, what came back, and each check."""
    answer = response["answer"]
    citations = response["citations"]
    places = evidence_places(question)
    answerable = question["expect_status"] != "refused"
    numbers = expected_numbers(question.get("must_include", []))
    words = key_words(question.get("must_include", []))
    trace = response.get("trace", {})
    # document titles are references, not claims ("... re-integratiebeleid Hengelo 2016-2020")
    named = [d.get("title", "") for d in trace.get("named_documents", [])]
    named += [str(c.get("title", "")) for c in citations]
    ungrounded = ungrounded_numbers(
        answer,
        [c["quote"] for c in (*citations, *response.get("closest", []))],
        response["figures"],
        named,
    )
    tags = [str(t) for t in question.get("tags", [])]
    return {
        "id": question["id"],
        "set": question.get("set", ""),
        "document": Path(str(question["source"])).stem,
        "tags": tags,
        "scope": any(t.startswith("scope:") for t in tags),
        "type": question["type"],
        "lang": question["lang"],
        "question": question["question"],
        "expect_status": question["expect_status"],
        "status": response["status"],
        "status_ok": response["status"] == question["expect_status"],
        "route": trace.get("route"),
        "best_coverage": trace.get("evidence", {}).get("best_coverage"),
        "hit_rank": first_hit_rank(citations, places) if answerable and places else None,
        "scored_for_evidence": bool(answerable and places),
        "numbers_expected": [token for token, _ in numbers],
        "numbers_missing": [t for t, values in numbers if not states_number(answer, values)],
        "lead_numbers_missing": [
            t for t, values in numbers if not states_number(response.get("lead", ""), values)
        ],
        "keywords_expected": words,
        "keywords_missing": [w for w in words if w.lower() not in answer.lower()],
        "citations": [
            {
                "id": c["id"],
                "where": f"{c['source']}:{c['line_start']}-{c['line_end']}",
                "faithful": ok,
            }
            for c, ok in zip(citations, faithful, strict=True)
        ],
        "figures": len(response["figures"]),
        "ungrounded_numbers": ungrounded,
        "language": response["language"],
        "language_ok": response["language"] == question["lang"],
        "latency_ms": round(latency_ms, 1),
        "answer": answer,
        "lead": response.get("lead", ""),
        "more": response.get("more", ""),
    }


# ----- a set ------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0..100), linearly interpolated between ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(value, 1)


def _share(values: Sequence[bool]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def summarize(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Every FORMAT.md score over ``rows``, with the size of each denominator."""
    answerable = [r for r in rows if r["expect_status"] != "refused"]
    refusable = [r for r in rows if r["expect_status"] == "refused"]
    evidence = [r for r in answerable if r["scored_for_evidence"]]
    numeric = [r for r in answerable if r["numbers_expected"]]
    worded = [r for r in answerable if r["keywords_expected"]]
    citations = [c for r in rows for c in r["citations"]]
    latencies = [r["latency_ms"] for r in rows]
    ranks = [r["hit_rank"] for r in evidence]
    scoped = [r for r in rows if r.get("scope")]
    out: dict[str, Any] = {
        "questions": len(rows),
        "status_accuracy": _share([r["status_ok"] for r in rows]),
        "scope_status_accuracy": _share([r["status_ok"] for r in scoped]),
        "refused_when_expected": _share([r["status"] == "refused" for r in refusable]),
        "answerable_wrongly_refused": _share([r["status"] == "refused" for r in answerable]),
        "number_accuracy": _share([not r["numbers_missing"] for r in numeric]),
        # issue 19: the lead (the short direct answer) states the expected numbers itself
        "lead_number_accuracy": _share([not r.get("lead_numbers_missing") for r in numeric]),
        "lead_within_words": _share(
            [len(r.get("lead", "").split()) <= LEAD_WORDS for r in rows if r["status"] != "refused"]
        ),
    }
    for k in HIT_KS:
        out[f"evidence_hit@{k}"] = _share([rank is not None and rank <= k for rank in ranks])
    out["evidence_mrr"] = (
        round(sum(1 / rank for rank in ranks if rank) / len(ranks), 3) if ranks else None
    )
    out.update(
        {
            "citation_faithfulness": _share([c["faithful"] for c in citations]),
            "grounded_numbers": _share([not r["ungrounded_numbers"] for r in rows]),
            "language": _share([r["language_ok"] for r in rows]),
            "keyword_recall": _share([not r["keywords_missing"] for r in worded]),
            "latency_ms_p50": percentile(latencies, 50),
            "latency_ms_p95": percentile(latencies, 95),
            "counts": {
                "answerable": len(answerable),
                "refused_expected": len(refusable),
                "scored_for_evidence": len(evidence),
                "with_numbers": len(numeric),
                "with_key_words": len(worded),
                "scope": len(scoped),
                "citations": len(citations),
            },
        }
    )
    return out
