"""The five bundled documents as PDFs (and DOCX files), against their text files: the same
passages cited, now with the page.

Usage: ``python -m bench.pdf_renderings [--embedder fake|sentence-transformers] [--every N]``.

Each bundled ``.txt`` is laid out on A4 pages with a running header and a page number on every
page, each document in another style (``tests/support/renderings.py``). The text files (as the
PDFs show them: without the few characters the PDF font has no glyph for, such as "�") and the
PDFs are ingested into two fresh indexes with the same settings, and every question of
``eval/questions/own-*.jsonl`` (every N-th with ``--every``) is asked of both. A PDF citation's
page and lines are mapped back to the text file's lines through the rendering, and compared:

* **same passages**: the PDF answer cites the same places, in the same order, as the text
  answer (exactly; and, looser, every cited place overlaps one of the other answer's);
* **right page**: the quote stands verbatim at the cited page and lines of the PDF;
* **no furniture**: every line of the ingested PDFs is a line of the text file (no header,
  footer or page number left in any chunk, sentence, figure or answer), and every figure is
  the text file's figure (no page number became one);
* **quotes** stay under 1,500 characters, in the citations and in the answer text.

The same questions are asked of the text files written as DOCX files of one paragraph per line
without page breaks (a PDF converted to Word): the same passages, cited by paragraph, and no
citation that says "p. 1".

Results: ``bench/results/pdf_renderings.{json,md}`` (``--save``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.renderings import (  # noqa: E402
    BUNDLED_STYLES,
    Rendering,
    bundled_renderings,
    render_docx,
    renderable_copy,
)

QUESTIONS = sorted((REPO / "eval" / "questions").glob("own-*.jsonl"))
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class Comparison:
    questions: int = 0
    same_status: int = 0
    same_citations: int = 0  # the same places in the same order
    overlapping: int = 0  # every place of each answer overlaps one of the other's
    first_same: int = 0  # the first citation overlaps the text answer's first
    citations: int = 0
    faithful: int = 0  # the quote stands at the cited page and lines of the PDF
    lines_checked: int = 0
    foreign_lines: list[str] = field(default_factory=list)  # PDF lines no text line matches
    furniture_expected: int = 0
    furniture_found: int = 0
    figures_txt: int = 0
    figures_pdf: int = 0
    figures_same: int = 0
    figures_off_text: list[str] = field(default_factory=list)
    longest_quote: int = 0
    longest_answer_quote: int = 0  # the longest “...” in an answer text
    cited_page_one: int = 0  # citations that say "p. 1"
    citations_with_page: int = 0
    differences: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        n = max(self.questions, 1)
        return {
            "questions": self.questions,
            "same_status": round(self.same_status / n, 3),
            "same_citations": round(self.same_citations / n, 3),
            "overlapping_citations": round(self.overlapping / n, 3),
            "first_citation_same": round(self.first_same / n, 3),
            "pdf_citations": self.citations,
            "pdf_citations_faithful": round(self.faithful / max(self.citations, 1), 3),
            "pdf_lines_checked": self.lines_checked,
            "pdf_lines_not_in_text": len(self.foreign_lines),
            "furniture_lines_drawn": self.furniture_expected,
            "furniture_lines_left_out": self.furniture_found,
            "figures_txt": self.figures_txt,
            "figures_pdf": self.figures_pdf,
            "figures_same": self.figures_same,
            "figures_not_on_a_text_line": len(self.figures_off_text),
            "longest_quote_chars": self.longest_quote,
            "longest_quote_in_answer_chars": self.longest_answer_quote,
            "citations_with_a_page": self.citations_with_page,
            "citations_saying_p_1": self.cited_page_one,
        }


def pdf_corpus(
    folder: Path, only: Collection[str] | None = None, *, tagged: bool = False
) -> dict[str, tuple[str, Rendering]]:
    """Write the renderings (of the text files ``only`` names, when given; ``tagged``: with a
    structure tree) with the bundled manifest's titles; pdf name -> (txt, rendering)."""
    from corpus import BUNDLED_CORPUS_DIR, write_manifest

    folder.mkdir(parents=True, exist_ok=True)
    manifest = tomllib.loads((BUNDLED_CORPUS_DIR / "manifest.toml").read_text(encoding="utf-8"))
    out: dict[str, tuple[str, Rendering]] = {}
    entries: dict[str, dict[str, Any]] = {}
    for txt, rendering in bundled_renderings(BUNDLED_CORPUS_DIR, tagged=tagged).items():
        if only is not None and txt not in only:
            continue
        name = txt.replace(".txt", ".pdf")
        (folder / name).write_bytes(rendering.data)
        entries[name] = dict(manifest[txt])
        out[name] = (txt, rendering)
    write_manifest(folder, entries)
    return out


def _settings(data_dir: Path, corpus: Path, embedder: str, model: Path | None) -> Any:
    from corpus import Settings

    embedding: dict[str, Any] = {"backend": embedder}
    if model is not None:
        embedding["model_path"] = model
    return Settings(data_dir=data_dir, corpus_dirs=[corpus], embedding=embedding)  # type: ignore[arg-type]


def _same_text(a: str, b: str) -> bool:
    return _SPACE.sub("", a) == _SPACE.sub("", b)


def _txt_place(c: dict[str, Any], rendering: Rendering) -> tuple[int, int] | None:
    """A PDF citation's lines in the text file it was rendered from."""
    first = rendering.text_line(int(c["page"]), int(c["line_start"]))
    last_page = c.get("page_end") or c["page"]
    last = rendering.text_line(int(last_page), int(c["line_end"]))
    return (first, last) if first is not None and last is not None else None


def _overlap(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    return a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2]


def check_lines(
    pdf: Any, renderings: dict[str, tuple[str, Rendering]], texts: Path, out: Comparison
) -> None:
    """Every line of every ingested PDF is a line of its text file, and the furniture drawn
    is all left out."""
    snap = pdf.index.snapshot()
    for name, (txt, rendering) in renderings.items():
        doc = snap.document(name.removesuffix(".pdf"))
        assert doc is not None, name
        text = (texts / txt).read_text(encoding="utf-8").split("\n")
        for sl in doc.lines:
            if not sl.text:
                continue
            out.lines_checked += 1
            n = rendering.text_line(int(sl.page or 0), int(sl.ref or 0))
            if n is None or not _same_text(sl.text, text[n - 1]):
                out.foreign_lines.append(f"{name} p. {sl.page} r. {sl.ref}: {sl.text[:60]}")
        out.furniture_expected += len(rendering.furniture)
        left_out = {(sl.page, sl.text) for sl in doc.furniture}
        out.furniture_found += sum(1 for place in rendering.furniture if place in left_out)


def check_figures(
    txt: Any, pdf: Any, renderings: dict[str, tuple[str, Rendering]], out: Comparison
) -> None:
    """The PDFs' figures are the text files' figures, each on a text line."""
    from assistant.figures import row_to_public

    text_rows = {
        (r["source"], int(r["line"]), float(r["value"]))
        for r in txt.figures.frame().to_dict("records")
    }
    out.figures_txt = len(text_rows)
    mapped = set()
    for row in pdf.figures.frame().to_dict("records"):
        public = row_to_public(row)
        txt_name, rendering = renderings[str(public["source"])]
        n = rendering.text_line(int(public["page"] or 0), int(public["line"]))
        out.figures_pdf += 1
        if n is None:
            out.figures_off_text.append(
                f"{public['source']} p. {public['page']}: {public['quote']}"
            )
            continue
        mapped.add((txt_name, n, float(public["value"])))
    out.figures_same = len(mapped & text_rows)


Place = tuple[str, int, int]


def compare_answers(
    txt: Any,
    other: Any,
    place_of: Callable[[dict[str, Any]], Place],
    questions: list[dict[str, Any]],
    out: Comparison,
) -> None:
    """Ask both indexes every question; ``place_of`` maps the other's citation to the text
    file's lines."""
    from assistant.evaluation import SourceTexts

    texts = SourceTexts(other)
    for q in questions:
        a, b = txt.ask(q["question"]), other.ask(q["question"])
        tally(out, q, a, b, texts, place_of)
        quoted = [len(m) for m in re.findall(r"“([^”]*)”", b.answer)]
        out.longest_answer_quote = max([out.longest_answer_quote, *quoted])


def tally(
    out: Comparison,
    q: dict[str, Any],
    a: Any,
    b: Any,
    texts: Any,
    place_of: Callable[[dict[str, Any]], Place],
) -> None:
    """Count one question's two answers: the status, every citation of ``b`` (does the source
    hold its quote, its page, its length) and whether ``b`` cites the text file's places ``a``
    cites (``place_of`` maps ``b``'s citations to the text file's lines)."""
    out.questions += 1
    out.same_status += a.status == b.status
    mine = [(c["source"], int(c["line_start"]), int(c["line_end"])) for c in a.citations]
    theirs: list[Place] = []
    for c in b.citations:
        out.citations += 1
        out.faithful += texts.holds(c)
        out.longest_quote = max(out.longest_quote, len(c["quote"]))
        out.citations_with_page += c["page"] is not None
        out.cited_page_one += bool(re.search(r"\bp\. 1\b", c.get("location", "")))
        theirs.append(place_of(c))
    same = mine == theirs
    out.same_citations += same
    out.overlapping += all(any(_overlap(m, t) for t in theirs) for m in mine) and all(
        any(_overlap(t, m) for m in mine) for t in theirs
    )
    out.first_same += bool(mine and theirs and _overlap(mine[0], theirs[0])) or (
        not mine and not theirs
    )
    if not same:
        out.differences.append(
            {"id": q["id"], "status": [a.status, b.status], "txt": mine, "other": theirs}
        )


def pdf_place(renderings: dict[str, tuple[str, Rendering]]) -> Callable[[dict[str, Any]], Place]:
    def place(c: dict[str, Any]) -> Place:
        txt_name, rendering = renderings[c["source"]]
        found = _txt_place(c, rendering)
        return (txt_name, *found) if found else (txt_name, -1, -1)

    return place


def docx_corpus(
    texts: Path, folder: Path, *, empty_lines: bool = False
) -> dict[str, tuple[str, list[int]]]:
    """The text files as DOCX files of one paragraph per non-blank line, no page breaks (a
    PDF converted to Word; ``empty_lines``: an empty paragraph for every blank line, else the
    blank lines are left out); docx name -> (txt name, text line of every non-empty
    paragraph, the number a DOCX citation gives)."""
    from corpus import BUNDLED_CORPUS_DIR, write_manifest

    folder.mkdir(parents=True, exist_ok=True)
    manifest = tomllib.loads((BUNDLED_CORPUS_DIR / "manifest.toml").read_text(encoding="utf-8"))
    out: dict[str, tuple[str, list[int]]] = {}
    entries: dict[str, dict[str, Any]] = {}
    for txt in BUNDLED_STYLES:
        lines = (texts / txt).read_text(encoding="utf-8").split("\n")
        name = txt.replace(".txt", ".docx")
        title = str(manifest[txt]["title"])
        (folder / name).write_bytes(render_docx(lines, title, empty_lines=empty_lines))
        out[name] = (txt, [n for n, t in enumerate(lines, start=1) if t.strip()])
        entries[name] = dict(manifest[txt])
    write_manifest(folder, entries)
    return out


def docx_place(paragraphs: dict[str, tuple[str, list[int]]]) -> Callable[[dict[str, Any]], Place]:
    def place(c: dict[str, Any]) -> Place:
        txt_name, lines = paragraphs[c["source"]]
        return (txt_name, lines[int(c["line_start"]) - 1], lines[int(c["line_end"]) - 1])

    return place


def run(
    embedder: str, every: int, model: Path | None = None, docx: bool = True
) -> tuple[dict[str, Comparison], dict[str, Any]]:
    from assistant import PolicyAssistant, load_questions
    from corpus import BUNDLED_CORPUS_DIR

    root = Path(tempfile.mkdtemp(prefix="pdf-renderings-"))
    renderings = pdf_corpus(root / "pdf")
    texts = renderable_copy(BUNDLED_CORPUS_DIR, root / "txt")
    corpora = {"txt": texts, "pdf": root / "pdf"}
    paragraphs = docx_corpus(texts, root / "docx") if docx else {}
    if docx:
        corpora["docx"] = root / "docx"
    timings: dict[str, Any] = {}
    assistants = {}
    for kind, corpus in corpora.items():
        assistant = PolicyAssistant(_settings(root / f"data-{kind}", corpus, embedder, model))
        started = time.perf_counter()
        report = assistant.ingest()
        timings[f"ingest_{kind}_s"] = round(time.perf_counter() - started, 1)
        assert not report.failed, report.failed
        assistants[kind] = assistant
    questions = load_questions(QUESTIONS)[::every]
    out = {"pdf": Comparison()}
    check_lines(assistants["pdf"], renderings, texts, out["pdf"])
    check_figures(assistants["txt"], assistants["pdf"], renderings, out["pdf"])
    compare_answers(
        assistants["txt"], assistants["pdf"], pdf_place(renderings), questions, out["pdf"]
    )
    if docx:
        out["docx"] = Comparison()
        compare_answers(
            assistants["txt"], assistants["docx"], docx_place(paragraphs), questions, out["docx"]
        )
    pages = {name: r.pages for name, (_, r) in renderings.items()}
    return out, {**timings, "pages": pages, "embedder": embedder}


def _markdown(summaries: dict[str, dict[str, Any]], meta: dict[str, Any]) -> str:
    kinds = list(summaries)
    keys = list(summaries["pdf"])
    head = "| measure | " + " | ".join(kinds) + " |\n|---|" + "--:|" * len(kinds) + "\n"
    rows = "\n".join(
        f"| {k} | " + " | ".join(str(summaries[kind].get(k, "")) for kind in kinds) + " |"
        for k in keys
    )
    ingest = ", ".join(
        f"{k.split('_')[1]} {v} s" for k, v in meta.items() if k.startswith("ingest")
    )
    return (
        "# The bundled documents as PDF and DOCX files against their text files\n\n"
        f"`python -m bench.pdf_renderings --embedder {meta['embedder']} --save`; every own "
        "question (eval/questions/own-*.jsonl) asked of the text files and of their PDF "
        "renderings (a running header and a page number on every page, five styles) and DOCX "
        "renderings (one paragraph per line, no page breaks); a citation is mapped back to the "
        f"text file's lines. Pages per PDF: {meta['pages']}. Ingest on 2 shared cores: {ingest}."
        "\n\n" + head + rows + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedder", default="fake", help="fake or sentence-transformers.")
    parser.add_argument("--model-path", type=Path, help="The e5 model folder.")
    parser.add_argument("--every", type=int, default=1, help="Ask every N-th question.")
    parser.add_argument("--no-docx", action="store_true", help="Leave the DOCX leg out.")
    parser.add_argument("--save", action="store_true", help="Write bench/results/.")
    parser.add_argument("-v", "--verbose", action="store_true", help="Print the differences.")
    args = parser.parse_args(argv)
    out, meta = run(args.embedder, args.every, args.model_path, docx=not args.no_docx)
    summaries = {kind: comparison.summary() for kind, comparison in out.items()}
    print(json.dumps({**summaries, **meta}, indent=1, ensure_ascii=False))
    if args.verbose:
        for kind, comparison in out.items():
            for diff in comparison.differences:
                print(kind, json.dumps(diff, ensure_ascii=False))
        for line in out["pdf"].foreign_lines[:20] + out["pdf"].figures_off_text[:20]:
            print(line)
    if args.save:
        results = REPO / "bench" / "results"
        payload = {
            **summaries,
            **meta,
            "differences": {kind: c.differences for kind, c in out.items()},
        }
        (results / "pdf_renderings.json").write_text(
            json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (results / "pdf_renderings.md").write_text(_markdown(summaries, meta), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
