"""Issue 17's "Done when", measured end to end: the five bundled documents as PDFs (a running
header and a page number on every page) and as DOCX files, against their text files, through
the real ingest and ``PolicyAssistant.ask`` (the ``/ask`` code path) with the product's e5
embedder.

Usage: ``python -m bench.paged_citations [--every N] [--no-docx] [--leg KIND ...]
[--source DOC ...] [--id ID ...] [--save | --json PATH]``.

Every question of the eval set (``eval/questions/*.jsonl``, ``eval/shared/dev-004.jsonl``,
``eval/holdout/*.jsonl``; every N-th with ``--every``; with ``--source`` or ``--id``, only the
questions whose expected source file starts with one of the ``--source`` prefixes, and those
``--id`` names, for a short run on the documents a change concerns) is asked of fresh indexes
in a temporary data folder (each starts from a copy of ``data/embed_cache.sqlite`` when there
is one, so known text is not embedded again): the text files (as the PDFs show them,
``bench.pdf_renderings``), their PDF renderings ("pdf" as drawn; "pdf_tagged" the same pages
with a structure tree, a ``P`` for every paragraph of the text file, as an export with
accessibility tags writes it) and their DOCX renderings (one paragraph per line, no page
breaks; "docx" with an empty paragraph for every blank line of the text file,
"docx_lines_only" without); ``--leg`` keeps only the PDF (or DOCX) renderings it names. It
measures:

* **same passages**: a PDF citation's page and lines, mapped back to the text file's lines
  through the rendering, are the text answer's (exactly, in the same order; and, looser, every
  cited place overlaps one of the other answer's); the quote stands at the cited PDF page and
  lines; a citation that runs over a page break names both pages;
* **no furniture**: every sentence, list and table of the PDFs is the text file's unit on the
  same lines, word for word; every chunk is a stretch of its text file; every figure stands on
  a text line (no page number became one); no header or footer drawn on a page (one the text
  file does not hold) stands in any chunk, unit, figure quote, answer or quote;
* **quotes**: the longest quote in a citation and in an answer text, for all three corpora;
* **DOCX**: no citation says "p. 1" (the DOCX renderings have no known pages).

Results: ``bench/results/paged_citations.{json,md}`` (``--save``), with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.pdf_renderings import (  # noqa: E402
    Comparison,
    check_figures,
    check_lines,
    docx_corpus,
    docx_place,
    pdf_corpus,
    pdf_place,
    tally,
)
from tests.support.renderings import Rendering, renderable_copy  # noqa: E402

QUESTION_SETS = [
    *sorted((REPO / "eval" / "questions").glob("*.jsonl")),
    REPO / "eval" / "shared" / "dev-004.jsonl",
    *sorted((REPO / "eval" / "holdout").glob("*.jsonl")),
]
MODEL = REPO / "data" / "models" / "multilingual-e5-small"
CACHE = REPO / "data" / "embed_cache.sqlite"
QUOTE_LIMIT = 1500
# the DOCX renderings: one paragraph per text line, with an empty paragraph for every blank
# line (the empty line Word shows, where the text file and the PDF set a paragraph apart), or
# without (every paragraph end is then the reader's guess from the text)
DOCX_LEGS = {"docx": True, "docx_lines_only": False}
# the PDF renderings: the pages as drawn ("pdf"), and the same pages with a structure tree, a
# ``P`` for every paragraph of the text file (an export with accessibility tags, PDF/UA)
PDF_LEGS = {"pdf": False, "pdf_tagged": True}
_QUOTED = re.compile(r"“([^”]*)”")
_PAGE_ONE = re.compile(r"\bp\. 1\b")
_LINE_WITHOUT_PAGE = re.compile(r"\((?:r|l)\. \d")
_BARE_NUMBER = re.compile(r"\d+|[ivxlc]+", re.IGNORECASE)


def norm(text: str) -> str:
    return " ".join(text.split())


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass(slots=True)
class Furniture:
    """Where page furniture could have stayed in the PDF index, and what was found there."""

    drawn: int = 0  # header and footer lines drawn on the pages
    foreign: list[str] = field(default_factory=list)  # those the text file does not hold
    units: int = 0
    units_same: int = 0  # the text file's unit on the same lines, word for word
    units_over_a_page_break: int = 0
    units_different: list[str] = field(default_factory=list)
    chunks: int = 0
    chunks_off_text: list[str] = field(default_factory=list)  # not a stretch of the text file
    found_in: dict[str, list[str]] = field(default_factory=dict)  # where a foreign line stands

    def summary(self) -> dict[str, Any]:
        return {
            "furniture_lines_drawn": self.drawn,
            "furniture_texts_not_in_the_text_files": len(self.foreign),
            "units": self.units,
            "units_same_as_text": self.units_same,
            "units_over_a_page_break": self.units_over_a_page_break,
            "chunks": self.chunks,
            "chunks_not_a_stretch_of_the_text": len(self.chunks_off_text),
            **{f"furniture_in_{where}": len(found) for where, found in self.found_in.items()},
        }


def _units(assistant: Any) -> Any:
    return assistant.pipeline.passages.units()


def check_furniture(
    txt: Any, pdf: Any, renderings: dict[str, tuple[str, Rendering]], texts: Path
) -> Furniture:
    """Every unit and chunk of the PDFs against the text files', and the furniture drawn (the
    lines the text file does not hold) searched for in the units, chunks and figures."""
    out = Furniture(found_in={"chunks": [], "units": [], "figures": []})
    snap = pdf.index.snapshot()
    txt_units = _units(txt)
    by_lines: dict[tuple[str, int, int], set[str]] = {}  # the text file's units on lines a..b
    for i in range(len(txt_units)):
        unit_doc, _, start, end = txt_units.place(i)
        by_lines.setdefault((unit_doc, start, end), set()).add(norm(txt_units.texts[i]))
    pdf_units = _units(pdf)
    figures = pdf.figures.frame()
    for name, (txt_name, rendering) in renderings.items():
        doc_id = name.removesuffix(".pdf")
        doc = snap.document(doc_id)
        assert doc is not None, name
        body = (texts / txt_name).read_text(encoding="utf-8")
        flat, whole = f" {norm(body)} ", squash(body)
        out.drawn += len(rendering.furniture)
        # a bare page number ("7", "iv") stands in the text anywhere: the units, chunks and
        # figures are compared with the text file's instead
        foreign = sorted(
            {
                t
                for _, t in rendering.furniture
                if f" {norm(t)} " not in flat and not _BARE_NUMBER.fullmatch(t.strip())
            }
        )
        out.foreign += foreign
        place = {sl.line: (sl.page, sl.ref) for sl in doc.lines}
        txt_doc = txt_name.removesuffix(".txt")
        for i in range(len(pdf_units)):
            unit_doc, _, start, end = pdf_units.place(i)
            if unit_doc != doc_id:
                continue
            out.units += 1
            first, last = place.get(start), place.get(end)
            a = rendering.text_line(*first) if first else None
            b = rendering.text_line(*last) if last else None
            text = pdf_units.texts[i]
            if first and last and first[0] != last[0]:
                out.units_over_a_page_break += 1
            if a is not None and b is not None and norm(text) in by_lines.get((txt_doc, a, b), ()):
                out.units_same += 1
            else:
                out.units_different.append(f"{doc_id} lines {start}-{end}: {text[:80]}")
            out.found_in["units"] += [f"{doc_id}: {t}" for t in foreign if norm(t) in norm(text)]
        chunks = snap.chunks[snap.chunks["doc_id"] == doc_id]
        for text in chunks["quote"].astype(str):
            out.chunks += 1
            if squash(text) not in whole:
                out.chunks_off_text.append(f"{doc_id}: {text[:80]}")
            out.found_in["chunks"] += [f"{doc_id}: {t}" for t in foreign if norm(t) in norm(text)]
        for text in figures[figures["doc_id"] == doc_id]["quote"].astype(str):
            out.found_in["figures"] += [f"{doc_id}: {t}" for t in foreign if norm(t) in norm(text)]
    return out


@dataclass(slots=True)
class Answers:
    """What one corpus answered: the longest quotes, and the citations a reader must not see."""

    answers: int = 0
    citations: int = 0
    longest_citation_quote: int = 0
    longest_answer_quote: int = 0
    quotes_over_limit: list[str] = field(default_factory=list)
    citations_saying_p_1: int = 0
    citations_with_a_page: int = 0
    citations_over_a_page_break: int = 0
    answers_naming_a_line_without_its_page: int = 0

    def add(self, qid: str, result: Any, paged: bool) -> None:
        self.answers += 1
        quoted = [len(q) for q in _QUOTED.findall(result.answer)]
        for c in result.citations:
            self.citations += 1
            quoted.append(len(str(c["quote"])))
            self.longest_citation_quote = max(self.longest_citation_quote, len(str(c["quote"])))
            self.citations_saying_p_1 += bool(_PAGE_ONE.search(str(c.get("location", ""))))
            self.citations_with_a_page += c.get("page") is not None
            self.citations_over_a_page_break += (c.get("page_end") or c.get("page")) != c.get(
                "page"
            )
        in_text = [len(q) for q in _QUOTED.findall(result.answer)]
        self.longest_answer_quote = max([self.longest_answer_quote, *in_text])
        if quoted and max(quoted) > QUOTE_LIMIT:
            self.quotes_over_limit.append(f"{qid}: {max(quoted)}")
        if paged and _LINE_WITHOUT_PAGE.search(result.answer):
            self.answers_naming_a_line_without_its_page += 1

    def summary(self) -> dict[str, Any]:
        return {
            "answers": self.answers,
            "citations": self.citations,
            "longest_citation_quote_chars": self.longest_citation_quote,
            "longest_quote_in_answer_text_chars": self.longest_answer_quote,
            f"answers_with_a_quote_over_{QUOTE_LIMIT}": len(self.quotes_over_limit),
            "citations_with_a_page": self.citations_with_a_page,
            "citations_saying_p_1": self.citations_saying_p_1,
            "citations_over_a_page_break": self.citations_over_a_page_break,
            "answers_naming_a_line_without_its_page": self.answers_naming_a_line_without_its_page,
        }


def compare(
    txt: Any,
    other: Any,
    place_of: Any,
    questions: list[dict[str, Any]],
    answered: dict[str, Any],
    out: Comparison,
    seen: Answers,
    furniture: list[str] | None = None,
    titles: tuple[str, ...] = (),
) -> list[str]:
    """``bench.pdf_renderings.compare_answers`` over answers asked once (``answered``: the text
    corpus's), each of the other corpus's answers checked for quotes, pages and furniture."""
    from assistant.evaluation import SourceTexts

    texts = SourceTexts(other)
    found: list[str] = []
    for q in questions:
        a, b = answered[q["id"]], other.ask(q["question"])
        seen.add(q["id"], b, paged=furniture is not None)
        tally(out, q, a, b, texts, place_of)
        if furniture is not None:
            text = b.answer
            for title in titles:  # the answer names a document by its title
                text = text.replace(title, "")
            quotes = " ".join([*(str(c["quote"]) for c in b.citations), *_QUOTED.findall(text)])
            found += [
                f"{q['id']}: {t}" for t in furniture if norm(t) in norm(text) or norm(t) in quotes
            ]
    return found


def _assistant(data_dir: Path, corpus: Path) -> Any:
    from assistant import PolicyAssistant
    from corpus import Settings

    data_dir.mkdir(parents=True)
    if CACHE.is_file():
        shutil.copy2(CACHE, data_dir / CACHE.name)
    embedding = {"backend": "sentence-transformers", "model_path": MODEL}
    settings = Settings(data_dir=data_dir, corpus_dirs=[corpus], embedding=embedding)  # type: ignore[arg-type]
    return PolicyAssistant(settings)


def _left_out(kind: str, family: dict[str, bool], legs: Sequence[str]) -> bool:
    """Whether ``legs`` leaves out the rendering ``kind``: it names others of its family (the
    PDF or the DOCX renderings) and not this one."""
    return kind not in legs and any(leg in family for leg in legs)


def _pdf_checks(
    txt: Any, pdf: Any, renderings: dict[str, tuple[str, Rendering]], texts: Path
) -> tuple[Furniture, Comparison]:
    """The furniture, unit, chunk, line and figure checks of one PDF corpus."""
    furniture = check_furniture(txt, pdf, renderings, texts)
    lines = Comparison()
    check_lines(pdf, renderings, texts, lines)
    check_figures(txt, pdf, renderings, lines)
    return furniture, lines


def _furniture_summary(furniture: Furniture, lines: Comparison) -> dict[str, Any]:
    summary = lines.summary()
    return {
        **furniture.summary(),
        **{
            k: summary[k]
            for k in (
                "pdf_lines_checked",
                "pdf_lines_not_in_text",
                "furniture_lines_left_out",
                "figures_txt",
                "figures_pdf",
                "figures_same",
                "figures_not_on_a_text_line",
            )
        },
    }


def run(
    every: int,
    docx: bool = True,
    sources: Sequence[str] = (),
    ids: Sequence[str] = (),
    legs: Sequence[str] = (),
) -> dict[str, Any]:
    from assistant import load_questions
    from corpus import BUNDLED_CORPUS_DIR

    load_before = os.getloadavg()
    root = Path(tempfile.mkdtemp(prefix="paged-citations-"))
    texts = renderable_copy(BUNDLED_CORPUS_DIR, root / "txt")
    corpora = {"txt": texts}
    renderings: dict[str, dict[str, tuple[str, Rendering]]] = {}
    for kind, tagged in PDF_LEGS.items():  # untagged ("pdf") and tagged ("pdf_tagged")
        if _left_out(kind, PDF_LEGS, legs):
            continue
        renderings[kind] = pdf_corpus(root / kind, tagged=tagged)
        corpora[kind] = root / kind
    paragraphs: dict[str, dict[str, tuple[str, list[int]]]] = {}
    if docx:  # the blank lines as empty paragraphs ("docx"), and left out ("docx_lines_only")
        for kind, empty_lines in DOCX_LEGS.items():
            if _left_out(kind, DOCX_LEGS, legs):
                continue
            paragraphs[kind] = docx_corpus(texts, root / kind, empty_lines=empty_lines)
            corpora[kind] = root / kind
    meta: dict[str, Any] = {"embedder": "sentence-transformers", "cores": os.cpu_count()}
    assistants = {}
    for kind, corpus in corpora.items():
        assistant = _assistant(root / f"data-{kind}", corpus)
        started = time.perf_counter()
        report = assistant.ingest()
        meta[f"ingest_{kind}_s"] = round(time.perf_counter() - started, 1)
        assert not report.failed, report.failed
        assistants[kind] = assistant
    txt = assistants["txt"]
    questions = load_questions(QUESTION_SETS)[::every]
    if sources or ids:
        questions = [
            q
            for q in questions
            if q["id"] in ids or str(q.get("source", "")).startswith(tuple(sources))
        ]
    started = time.perf_counter()
    seen = {kind: Answers() for kind in assistants}
    answered = {}
    for q in questions:
        answered[q["id"]] = txt.ask(q["question"])
        seen["txt"].add(q["id"], answered[q["id"]], paged=False)
    comparisons: dict[str, Comparison] = {}
    checks: dict[str, tuple[Furniture, Comparison]] = {}
    for kind, drawn in renderings.items():
        pdf = assistants[kind]
        checks[kind] = _pdf_checks(txt, pdf, drawn, texts)
        furniture = checks[kind][0]
        comparisons[kind] = Comparison()
        titles = tuple(str(d["title"]) for d in pdf.index.snapshot().documents.values())
        furniture.found_in["answers"] = compare(
            txt,
            pdf,
            pdf_place(drawn),
            questions,
            answered,
            comparisons[kind],
            seen[kind],
            furniture.foreign,
            titles,
        )
    for kind, places in paragraphs.items():
        comparisons[kind] = Comparison()
        compare(
            txt,
            assistants[kind],
            docx_place(places),
            questions,
            answered,
            comparisons[kind],
            seen[kind],
        )
    meta["asking_s"] = round(time.perf_counter() - started, 1)
    meta["load_average"] = [round(x, 2) for x in load_before]
    meta["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    drawn_once = next(iter(renderings.values()), {})
    meta["pages"] = {name: r.pages for name, (_, r) in drawn_once.items()}
    meta["question_sets"] = [str(p.relative_to(REPO)) for p in QUESTION_SETS]
    meta["questions"] = len(questions)
    if sources or ids or legs:
        meta["selected"] = {"sources": list(sources), "ids": list(ids), "legs": list(legs)}
    agreement = {}
    for kind, c in comparisons.items():
        summary = c.summary()
        agreement[kind] = {
            k: summary[k]
            for k in (
                "questions",
                "same_status",
                "same_citations",
                "overlapping_citations",
                "first_citation_same",
                "pdf_citations",
                "pdf_citations_faithful",
            )
        }
    return {
        "agreement": agreement,
        "furniture": {kind: _furniture_summary(*found) for kind, found in checks.items()},
        "answers": {kind: a.summary() for kind, a in seen.items()},
        "meta": meta,
        "details": {
            "differences": {kind: c.differences for kind, c in comparisons.items()},
            **{
                f"{name}_{kind}" if kind != "pdf" else name: value
                for kind, (furniture, lines) in checks.items()
                for name, value in (
                    ("units_different", furniture.units_different[:50]),
                    ("chunks_off_text", furniture.chunks_off_text[:50]),
                    ("furniture_found", furniture.found_in),
                    ("foreign_furniture", furniture.foreign[:20]),
                    ("lines_not_in_text", lines.foreign_lines[:20]),
                    ("figures_not_on_a_text_line", lines.figures_off_text[:20]),
                )
            },
            "quotes_over_limit": {k: a.quotes_over_limit for k, a in seen.items()},
        },
    }


def _table(rows: dict[str, dict[str, Any]]) -> str:
    kinds = list(rows)
    keys = list(dict.fromkeys(k for kind in kinds for k in rows[kind]))
    head = "| measure | " + " | ".join(kinds) + " |\n|---|" + "--:|" * len(kinds) + "\n"
    return head + "\n".join(
        f"| {k} | " + " | ".join(str(rows[kind].get(k, "–")) for kind in kinds) + " |" for k in keys
    )


def _selected(meta: dict[str, Any]) -> str:
    """The command line's selection (``--leg``, ``--source``, ``--id``), as given."""
    chosen = meta.get("selected", {})
    flags = [("--leg", "legs"), ("--source", "sources"), ("--id", "ids")]
    return "".join(f" {flag} {v}" for flag, key in flags for v in chosen.get(key, []))


def markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    ingest = ", ".join(
        f"{k.removeprefix('ingest_').removesuffix('_s')} {v} s"
        for k, v in meta.items()
        if k.startswith("ingest")
    )
    return (
        "# Issue 17, measured: PDF and DOCX renderings of the bundled documents against their "
        "text files\n\n"
        f"`python -m bench.paged_citations --save{_selected(meta)}`: {meta['questions']} "
        "questions "
        f"({', '.join(meta['question_sets'])}) through the real ingest and "
        "`PolicyAssistant.ask`, e5 embedder (multilingual-e5-small), a temporary data folder "
        f"per corpus. Pages per PDF: {meta['pages']}. {meta['cores']} cores shared; load "
        f"average {meta['load_average']} before, {meta['load_average_after']} after. Ingest: "
        f"{ingest}; asking: {meta['asking_s']} s.\n\n"
        "## The same passages cited (mapped back to the text file's lines)\n\n"
        "PDF renderings: `pdf` the pages as drawn, `pdf_tagged` the same pages with a "
        "structure tree (a `P` for every paragraph of the text file and an empty one for "
        "every blank line, as an export with accessibility tags writes them; the reader takes "
        "paragraph ends from it, `corpus/readers/pdf_structure.py`). "
        "DOCX renderings, one paragraph per text line: `docx` with an empty paragraph for "
        "every blank line of the text file (the empty line Word shows), `docx_lines_only` "
        "with the blank lines left out (every paragraph end is then the reader's guess from "
        "the text, `corpus.page_layout.paragraph_breaks`).\n\n"
        + _table(result["agreement"])
        + "\n\n## No page furniture (PDF)\n\n"
        + _table(result["furniture"])
        + "\n\n## Quotes and citations in the answers\n\n"
        + _table(result["answers"])
        + "\n\nThe citations that differ are listed in `paged_citations.json` (details).\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=int, default=1, help="Ask every N-th question.")
    parser.add_argument("--no-docx", action="store_true", help="Leave the DOCX leg out.")
    parser.add_argument(
        "--source",
        action="append",
        default=[],
        help="Only the questions whose source file starts with this (repeatable).",
    )
    parser.add_argument("--id", action="append", default=[], help="And this question (repeatable).")
    parser.add_argument(
        "--docx-leg",
        "--leg",
        dest="legs",
        action="append",
        default=[],
        choices=[*PDF_LEGS, *DOCX_LEGS],
        help="Only this PDF or DOCX rendering (repeatable; default: all).",
    )
    parser.add_argument("--save", action="store_true", help="Write bench/results/.")
    parser.add_argument("--json", type=Path, help="Write the whole result here.")
    args = parser.parse_args(argv)
    result = run(
        args.every, docx=not args.no_docx, sources=args.source, ids=args.id, legs=args.legs
    )
    if args.json:
        args.json.write_text(
            json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    print(json.dumps({k: v for k, v in result.items() if k != "details"}, indent=1))
    if args.save:
        out = REPO / "bench" / "results"
        (out / "paged_citations.json").write_text(
            json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (out / "paged_citations.md").write_text(markdown(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
