"""The evaluation run: question sets through ``PolicyAssistant.ask`` (the ``/ask`` code path).

``evaluate`` asks every question with a fresh conversation, times each call, checks every
citation against the source text and scores the answers (``assistant.eval_scoring``). A
``Subset`` file (TOML: ``sets``, ``ids`` and ``[floors]``) picks a fixed part of the sets, as the
CI gate does with ``eval/gate.toml``; a report lists every score below its floor.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.eval_report import SCORE_LABELS, EvalReport
from assistant.eval_scoring import score_answer, summarize
from assistant.quotes import quote_parts
from corpus import Document, InvalidRequestError, PolicyAssistantError

if TYPE_CHECKING:
    from assistant.services import PolicyAssistant

TEXT_SUFFIXES = (".txt", ".md")
RowHook = Callable[[dict[str, Any]], None]


@dataclass(slots=True)
class Subset:
    """A fixed selection of questions with the floor of each score (e.g. ``eval/gate.toml``)."""

    path: Path
    sets: list[Path]
    ids: list[str]
    floors: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem


def _split_test_part(path: Path) -> tuple[list[str], list[str]]:
    """The sets and test ids of a split file (``eval/split.json``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return list(data["sets"]), list(data["test"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidRequestError(
            f"cannot read split {path}: {exc}", code="invalid_subset"
        ) from exc


def load_subset(path: Path) -> Subset:
    """Read a subset file: ``sets`` (relative to the file's folder) and ``ids``, or
    ``split = "split.json"`` for the frozen test part of that split; and ``floors``."""
    try:
        with Path(path).open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, ValueError) as exc:  # TOMLDecodeError is a ValueError
        raise InvalidRequestError(
            f"cannot read subset {path}: {exc}", code="invalid_subset"
        ) from exc
    floors, sets, ids = data.get("floors", {}), data.get("sets", []), data.get("ids")
    if isinstance(data.get("split"), str):  # the frozen test part of a split file
        sets, ids = _split_test_part(Path(path).parent / data["split"])
    if not (
        isinstance(floors, dict)
        and all(isinstance(v, int | float) for v in floors.values())
        and isinstance(sets, list)
        and all(isinstance(s, str) for s in sets)
        and isinstance(ids, list)
    ):
        raise InvalidRequestError(
            f"subset {path}: `ids` and `sets` are lists of strings, `floors` maps a score to a "
            "number",
            code="invalid_subset",
        )
    unknown = sorted(set(floors) - set(SCORE_LABELS))
    if unknown or not ids:
        raise InvalidRequestError(
            f"subset {path}: {'unknown scores ' + str(unknown) if unknown else 'no ids'}",
            code="invalid_subset",
        )
    folder = Path(path).parent
    return Subset(
        path=Path(path),
        sets=[folder / s for s in sets],
        ids=[str(i) for i in ids],
        floors={str(k): float(v) for k, v in floors.items()},
    )


def select(questions: list[dict[str, Any]], subset: Subset) -> list[dict[str, Any]]:
    """The subset's questions in the sets' order; every listed id must exist."""
    wanted = set(subset.ids)
    missing = sorted(wanted - {q["id"] for q in questions})
    if missing:
        raise InvalidRequestError(
            f"subset {subset.path}: ids not in the question sets: {', '.join(missing)}",
            code="invalid_subset",
        )
    return [q for q in questions if q["id"] in wanted]


class SourceTexts:
    """The cited lines as the source holds them, to check that each quote stands there.

    A text file still on disk in a corpus folder, unchanged since ingest (same sha256), is read
    directly; other formats (PDF pages, DOCX) use the lines recorded at ingest.
    """

    def __init__(self, assistant: PolicyAssistant) -> None:
        self.assistant = assistant
        self._files: dict[str, list[str] | None] = {}
        self._documents: dict[str, Document | None] = {}

    def _file_lines(self, doc_id: str, source: str) -> list[str] | None:
        if source not in self._files:
            self._files[source] = None
            entry = self.assistant.index.snapshot().documents.get(doc_id, {})
            if Path(source).suffix.lower() in TEXT_SUFFIXES:
                for folder in self.assistant.settings.corpus_dirs:
                    path = Path(folder) / source
                    if path.is_file() and _sha256(path) == entry.get("sha256"):
                        self._files[source] = path.read_text(encoding="utf-8").split("\n")
                        break
        return self._files[source]

    def text(self, citation: dict[str, Any]) -> str:
        start, end = int(citation["line_start"]), int(citation["line_end"])
        lines = self._file_lines(citation["doc_id"], citation["source"])
        if lines is not None:
            return "\n".join(lines[start - 1 : end])
        doc_id = citation["doc_id"]
        if doc_id not in self._documents:
            self._documents[doc_id] = self.assistant.index.snapshot().document(doc_id)
        doc = self._documents[doc_id]
        if doc is None:
            return ""
        try:
            return doc.text_between(start, end, citation.get("page"), citation.get("page_end"))
        except PolicyAssistantError:  # a place the document lacks
            return ""

    def holds(self, citation: dict[str, Any]) -> bool:
        """Whether the quote stands verbatim (whitespace collapsed) at the cited place; a quote
        shortened to its best rows (``assistant.quotes``), every part of it, in order."""
        text = " ".join(self.text(citation).split())
        cursor = 0
        parts = quote_parts(str(citation["quote"]))
        for part in parts:
            needle = " ".join(part.split())
            at = text.find(needle, cursor)
            if at < 0:
                return False
            cursor = at + len(needle)
        return bool(parts)


def _load_average() -> float | None:
    """The 1-minute load average: latency means little on a busy machine."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def evaluate(
    assistant: PolicyAssistant,
    questions: Sequence[dict[str, Any]],
    *,
    name: str,
    floors: dict[str, float] | None = None,
    progress: bool = True,
    on_row: RowHook | None = None,
    models: Mapping[str, tuple[Any, ...]] | None = None,
) -> EvalReport:
    """Ask every question through ``PolicyAssistant.ask`` and score the answers. With
    ``models`` (document -> ranker, answerability and lead sentence model, as
    ``training.lodo_for`` gives), each question is answered by the models of its ``source``
    document: leave one out."""
    from tqdm import tqdm

    if not assistant.index.ready():
        from corpus import IndexNotReadyError

        raise IndexNotReadyError("the index is empty: run `policy-assistant ingest` first")
    assistant.warm_up()
    load_start = _load_average()
    sources = SourceTexts(assistant)
    rows = []
    started = time.perf_counter()
    for question in tqdm(
        questions, desc=f"eval {name}", unit="question", disable=not progress, file=sys.stderr
    ):
        if models is not None:
            assistant.pipeline.use(*models[Path(str(question["source"])).stem])
        t0 = time.perf_counter()
        response = assistant.ask(question["question"]).to_dict()
        latency_ms = (time.perf_counter() - t0) * 1000
        faithful = [sources.holds(c) for c in response["citations"]]
        row = score_answer(question, response, faithful, latency_ms)
        rows.append(row)
        if on_row is not None:
            on_row(row)
    if models is not None:
        assistant.pipeline.use(None, None)  # back to the committed models
    meta = {
        "leave_one_document_out": models is not None,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "embedder": assistant.settings.embedding.backend,
        "llm": assistant.settings.llm.backend,
        "index_version": assistant.index.snapshot().version,
        "sets": sorted({q.get("set", "") for q in questions}),
        "load_average": {"start": load_start, "end": _load_average()},
    }
    return build_report(name, rows, meta, floors or {})


def build_report(
    name: str, rows: list[dict[str, Any]], meta: dict[str, Any], floors: dict[str, float]
) -> EvalReport:
    summary = summarize(rows)
    return EvalReport(
        name=name,
        summary=summary,
        by_set=_grouped(rows, "set"),
        by_type=_grouped(rows, "type"),
        rows=rows,
        by_document=_grouped(rows, "document"),
        meta=meta,
        floors=floors,
        below_floors=below_floors(summary, floors),
    )


def below_floors(summary: dict[str, Any], floors: dict[str, float]) -> list[dict[str, Any]]:
    """Every score under its floor; a score that could not be computed fails too."""
    return [
        {"score": score, "value": summary.get(score), "floor": floor}
        for score, floor in floors.items()
        if summary.get(score) is None or summary[score] < floor
    ]


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row[key]), []).append(row)
    return {name: summarize(group) for name, group in sorted(groups.items())}


def default_name(paths: Sequence[Path]) -> str:
    """The results' name: the set's stem, or the stems joined (``own-000+dev-004``)."""
    stems = [Path(p).stem for p in paths]
    joined = "+".join(stems)
    return joined if len(joined) <= 60 else f"{stems[0]}+{len(stems) - 1}-more"
