"""Safe, incremental ingest into a new index version.

Unchanged documents (same content hash, same manifest overrides, same embedder) are carried
over without parsing or embedding; changed ones are re-read and their old chunks dropped with
the old version; ``prune`` removes documents whose files are gone. One bad file is reported
and the rest still go in; a document whose file turned bad keeps its last good version. Which
id each file gets (two files of one name are two documents, one file twice is one) is
``ingest.doc_ids``. Extra steps (the metrics table) write into the same version.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import pandas as pd

from corpus import (
    READER_VERSION,
    SAFE_ACCESS,
    CorpusError,
    Document,
    Settings,
    chunk_document,
    iter_corpus_files,
    load_document,
    load_manifest,
    read_limits,
)
from ingest.doc_ids import Claim, SourceFile, assign_doc_ids
from ingest.embedding import Embedder, create_embedder
from ingest.embedding.cache import EmbeddingCache
from ingest.lexical import BM25Index
from ingest.store import IndexStore, VersionBuilder, chunks_frame
from ingest.vector_index import VectorIndex, create_vector_index

# duplicate: the same file (name, content, metadata) as another one, so the same document
Status = Literal["added", "updated", "unchanged", "duplicate", "failed", "removed"]


class IndexStep(Protocol):
    """Something else built into every version beside the chunks (e.g. the figures table)."""

    name: str
    version: str  # a new version rebuilds the step for every document, changed or not

    def build(
        self,
        version_dir: Path,
        new_docs: Sequence[Document],
        carried: Sequence[str],
        previous: Path | None,
    ) -> dict[str, Any]: ...


@dataclass(slots=True)
class FileResult:
    source: str
    doc_id: str | None
    status: Status
    chunks: int = 0
    error_code: str | None = None
    message: str | None = None


@dataclass(slots=True)
class IngestReport:
    version: str | None
    previous_version: str | None
    files: list[FileResult] = field(default_factory=list)
    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    cached: int = 0
    seconds: float = 0.0
    chunk_sizes: dict[str, float] = field(default_factory=dict)
    steps: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    def timed(self, stage: str, since: float) -> float:
        """Add the seconds since ``since`` to ``stage``; return the time now."""
        now = time.perf_counter()
        self.timings[stage] = round(self.timings.get(stage, 0.0) + now - since, 3)
        return now

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def changed(self) -> bool:
        return any(f.status in ("added", "updated", "removed") for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _overrides_hash(overrides: dict[str, Any] | None) -> str:
    return hashlib.sha256(json.dumps(overrides or {}, sort_keys=True).encode()).hexdigest()[:16]


def gather_files(
    settings: Settings, paths: Sequence[Path] | None
) -> list[tuple[Path, dict[str, Any] | None]]:
    """Files to ingest with their manifest overrides (from the manifest in their folder).

    A file whose manifest entry names no ``access`` (or that has no entry) gets
    ``auth.default_access`` (``internal`` unless set otherwise). No paths (None) means the
    corpus folders and the uploads folder; an empty list, nothing.
    """
    out: list[tuple[Path, dict[str, Any] | None]] = []
    if paths is None:
        uploads = [settings.uploads_dir] if settings.uploads_dir.is_dir() else []
        paths = [*settings.corpus_dirs, *uploads]
    default = {"access": settings.auth.default_access}
    for target in paths:
        target = Path(target)
        if target.is_dir():
            manifest = load_manifest(target)
            files = list(iter_corpus_files(target))
        else:
            manifest = load_manifest(target.parent) if target.parent.is_dir() else {}
            files = [target]
        out.extend((p, {**default, **manifest.get(p.name, {})}) for p in files)
    return out


def chunk_size_summary(sizes: list[int]) -> dict[str, float]:
    if not sizes:
        return {}
    ordered = sorted(sizes)
    pick = lambda q: float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])  # noqa: E731
    return {
        "count": len(sizes),
        "min": float(ordered[0]),
        "p10": pick(0.1),
        "median": float(statistics.median(ordered)),
        "p90": pick(0.9),
        "max": float(ordered[-1]),
        "mean": round(statistics.fmean(ordered), 1),
    }


def _progress(iterable: Iterable[Any], enabled: bool, **kwargs: Any) -> Iterable[Any]:
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, **kwargs)


def build_index(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    prune: bool = False,
    progress: bool = False,
    steps: Sequence[IndexStep] = (),
    embedder: Embedder | None = None,
    vectors: VectorIndex | None = None,
    on_stage: Callable[[str], None] | None = None,
    remove: Collection[str] = (),
) -> IngestReport:
    """Ingest files (default: the configured corpus folders and the uploads) into a new index
    version. ``remove`` names documents left out of the new version (a delete)."""
    from filelock import FileLock

    started = time.perf_counter()
    root = settings.data_dir / "index"
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root / ".ingest.lock")):
        vectors = vectors or create_vector_index(settings)
        embedder = embedder or create_embedder(settings)
        store = IndexStore(root, vectors)
        store.collect_garbage(settings.index.keep_versions, vectors=False)
        report = _ingest_locked(
            settings, store, paths, prune, progress, steps, embedder, on_stage, set(remove)
        )
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def _ingest_locked(
    settings: Settings,
    store: IndexStore,
    paths: Sequence[Path] | None,
    prune: bool,
    progress: bool,
    steps: Sequence[IndexStep],
    embedder: Embedder,
    on_stage: Callable[[str], None] | None,
    remove: set[str],
) -> IngestReport:
    previous = store.current() if store.current_version() else None
    old_docs: dict[str, dict[str, Any]] = previous.manifest["documents"] if previous else {}
    same_embedder = previous is not None and previous.manifest.get("embedder") == embedder.name
    report = IngestReport(version=None, previous_version=previous.version if previous else None)

    new_docs: list[Document] = []
    carried: list[str] = []
    entries: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    sources = _source_files(gather_files(settings, paths))
    claims = iter(assign_doc_ids([s for s in sources if isinstance(s, SourceFile)], old_docs))
    for source in _progress(sources, progress, desc="reading", unit="file"):
        if isinstance(source, SourceFile):
            source = _read_one(
                next(claims), old_docs, same_embedder, settings, new_docs, carried, entries
            )
        report.files.append(source)
    report.timed("read", started)
    # read in this ingest: the new entry replaces the old one
    seen = {f.doc_id for f in report.files if f.status in ("added", "updated", "unchanged")}
    # a file that failed or is a copy: its document stays as it was, and is never pruned
    kept = {f.doc_id for f in report.files if f.status in ("failed", "duplicate")}
    pruned_folders = {Path(p).resolve() for p in paths or ()}  # entries hold resolved paths
    for doc_id, entry in old_docs.items():
        if doc_id in seen:
            continue
        pruned = (
            prune
            and doc_id not in kept
            and (paths is None or Path(entry.get("path", "")).parent in pruned_folders)
        )
        if doc_id in remove or pruned:
            report.files.append(FileResult(entry["source"], doc_id, "removed"))
        else:
            carried.append(doc_id)
            entries[doc_id] = entry

    same_steps = previous is not None and previous.manifest.get("step_versions", {}) == {
        s.name: s.version for s in steps
    }
    moved = any(entries[d].get("path") != old_docs[d].get("path") for d in seen if d in old_docs)
    if previous and not report.changed and not moved and same_embedder and same_steps:
        report.version = previous.version
        report.documents = len(old_docs)
        report.chunks = int(previous.manifest.get("chunks", 0))
        return report

    builder = store.begin()
    try:
        _write_version(
            builder,
            previous.path if previous else None,
            new_docs,
            carried,
            entries,
            embedder,
            settings,
            progress,
            report,
            steps,
            on_stage,
        )
    except BaseException:
        builder.abort()
        raise
    store.collect_garbage(settings.index.keep_versions)
    return report


def _source_files(
    files: Sequence[tuple[Path, dict[str, Any] | None]],
) -> list[SourceFile | FileResult]:
    """Each file once (a path given twice, or a file inside a folder also given, is read once),
    hashed; a file that cannot be read is a failed result."""
    out: list[SourceFile | FileResult] = []
    done: set[Path] = set()
    for path, overrides in files:
        resolved = path.resolve()
        if resolved in done:
            continue
        done.add(resolved)
        try:
            with resolved.open("rb") as handle:
                sha = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError as exc:
            out.append(
                FileResult(path.name, None, "failed", error_code="unreadable", message=str(exc))
            )
            continue
        out.append(SourceFile(path, resolved, overrides, sha, _overrides_hash(overrides)))
    return out


def _read_one(
    claim: Claim,
    old_docs: dict[str, dict[str, Any]],
    same_embedder: bool,
    settings: Settings,
    new_docs: list[Document],
    carried: list[str],
    entries: dict[str, dict[str, Any]],
) -> FileResult:
    source, doc_id = claim.file, claim.doc_id
    if claim.duplicate_of is not None:
        message = f"the same file as {claim.duplicate_of}"
        return FileResult(source.name, doc_id, "duplicate", message=message)
    old = old_docs.get(doc_id)
    same_reading = old is not None and old.get("reader_version") == READER_VERSION
    if (
        old
        and same_embedder
        and same_reading
        and old["sha256"] == source.sha256
        and old.get("overrides_hash") == source.overrides_hash
    ):
        carried.append(doc_id)
        entries[doc_id] = {**old, "path": str(source.resolved)}
        moved = old.get("path") != str(source.resolved)
        return FileResult(
            source.name,
            doc_id,
            "unchanged",
            chunks=int(old["chunks"]),
            message=f"moved from {old.get('path')}" if moved else None,
        )
    try:
        limits = read_limits(settings, max_bytes=settings.api.max_upload_bytes * 4)
        doc = load_document(source.path, overrides=source.overrides, **limits)
    except CorpusError as exc:
        return FileResult(source.name, doc_id, "failed", error_code=exc.code, message=exc.message)
    doc.meta.doc_id = doc_id
    new_docs.append(doc)
    entries[doc_id] = {
        **doc.meta.to_dict(),
        "overrides_hash": source.overrides_hash,
        "reader_version": READER_VERSION,
        "path": str(source.resolved),
        "ingested_at": time.time(),
    }
    return FileResult(source.name, doc_id, "updated" if old else "added")


def _write_version(
    builder: VersionBuilder,
    previous: Path | None,
    new_docs: list[Document],
    carried: list[str],
    entries: dict[str, dict[str, Any]],
    embedder: Embedder,
    settings: Settings,
    progress: bool,
    report: IngestReport,
    steps: Sequence[IndexStep],
    on_stage: Callable[[str], None] | None,
) -> None:
    started = time.perf_counter()
    frames: list[pd.DataFrame] = []
    if previous is not None and carried:
        old_chunks = pd.read_parquet(previous / "chunks.parquet")
        frames.append(old_chunks[old_chunks["doc_id"].isin(carried)])
        for doc_id in carried:
            builder.copy_document(previous, doc_id)
    rows: list[dict[str, Any]] = []
    for doc in new_docs:
        builder.write_document(doc)
        chunks = chunk_document(
            doc, max_chars=settings.index.chunk_max_chars, min_chars=settings.index.chunk_min_chars
        )
        entries[doc.meta.doc_id]["chunks"] = len(chunks)
        rows.extend({**c.to_dict(), "content_hash": c.content_hash} for c in chunks)
        for result in report.files:
            if result.doc_id == doc.meta.doc_id and result.status in ("added", "updated"):
                result.chunks = len(chunks)
    frames.append(chunks_frame(rows))
    frame = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else chunks_frame([])
    )
    frame = frame.sort_values(["doc_id", "seq"]).reset_index(drop=True)
    builder.write_chunks(frame)
    started = report.timed("chunk", started)

    if on_stage:
        on_stage("embedding")
    index_texts = [
        f"{s}\n{t}" if s else t for s, t in zip(frame["section"], frame["text"], strict=True)
    ]
    cache = EmbeddingCache(settings.data_dir / "embed_cache.sqlite", embedder.name)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(index_texts), desc="embedding", unit="chunk")
    if index_texts:
        embedder.warm_up()
    vectors = cache.embed(
        index_texts,
        embedder.embed_passages,
        batch_size=settings.embedding.batch_size,
        on_batch=bar.update if bar else None,
        lengths=getattr(embedder, "passage_lengths", None),
    )
    if bar:
        bar.update(bar.total - bar.n)
        bar.close()
    started = report.timed("embed chunks", started)
    metas = [_vector_metadata(row, entries[row["doc_id"]]) for row in frame.to_dict("records")]
    if len(frame):
        builder.store.vectors.upsert(builder.collection, list(frame["chunk_id"]), vectors, metas)
    started = report.timed("vector index", started)
    BM25Index.build(list(frame["chunk_id"]), index_texts).save(builder.path / "bm25")
    started = report.timed("bm25", started)

    for step in steps:
        if on_stage:
            on_stage(step.name)
        report.steps[step.name] = step.build(builder.path, new_docs, carried, previous)
        started = report.timed(step.name, started)

    report.documents = len(entries)
    report.chunks = len(frame)
    report.embedded, report.cached = cache.misses, cache.hits
    report.chunk_sizes = chunk_size_summary([len(t) for t in frame["text"]])
    report.version = builder.commit(
        {
            "documents": entries,
            "chunks": len(frame),
            "embedder": embedder.name,
            "dim": int(vectors.shape[1]) if len(frame) else 0,
            "steps": report.steps,
            "step_versions": {s.name: s.version for s in steps},
            "chunk_sizes": report.chunk_sizes,
        }
    )


def _vector_metadata(row: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    meta = {
        "doc_id": row["doc_id"],
        "municipality": entry.get("municipality") or "",
        "doc_type": entry.get("doc_type") or "",
        "year": int(entry["year"]) if entry.get("year") else 0,
        "access": entry.get("access") or SAFE_ACCESS,
    }
    return meta
