"""The audit trail: one append-only record per answer (``/ask``, ``/ask/stream``, CLI ``ask``).

A record holds the time (UTC ISO 8601), who asked (an API key id or role; ``local`` without
auth), the question and the resolved question, the route, the cited places (doc_id, page, line
range and the chunk ids they fall in), the figure ids, the index version, status, language,
conversation id and turn, and the latency. The records live in the state database
(``assistant.state_db``: SQLite under ``<data_dir>/state``, or PostgreSQL through
``DATABASE_URL``); triggers refuse every UPDATE and DELETE, so the log only grows.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from assistant.state_db import StateDatabase, state_database, utc_iso
from corpus import Settings

if TYPE_CHECKING:
    import pandas as pd

_JSON_FIELDS = ("citations", "chunk_ids", "figure_ids")
DEFAULT_PRINCIPAL = "local"


@dataclass(slots=True)
class AuditRecord:
    """One answer, as the audit log keeps it."""

    principal: str
    question: str
    resolved_question: str
    route: str
    status: str
    language: str
    conversation_id: str
    turn: int | None
    index_version: str | None
    latency_ms: int
    citations: list[dict[str, Any]] = field(default_factory=list)  # doc_id, page, lines, chunks
    chunk_ids: list[str] = field(default_factory=list)
    figure_ids: list[str] = field(default_factory=list)
    time: str = ""  # set by the log (UTC ISO 8601) when empty
    id: int | None = None  # set by the log

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class AuditLog(Protocol):
    """Append-only answer records, readable newest first."""

    def append(self, record: AuditRecord) -> AuditRecord: ...

    def records(
        self,
        *,
        limit: int = 50,
        since: datetime | None = None,
        status: str | None = None,
        conversation_id: str | None = None,
    ) -> list[AuditRecord]: ...


class SqlAuditLog:
    """The audit log in the state database (append-only)."""

    def __init__(
        self,
        db: StateDatabase,
        *,
        max_records: int = 500,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.max_records = max_records
        self.clock = clock

    def append(self, record: AuditRecord) -> AuditRecord:
        record.time = record.time or utc_iso(self.clock())
        row = record.to_dict()
        row.pop("id")
        for key in _JSON_FIELDS:
            row[key] = json.dumps(row[key], ensure_ascii=False, default=str)
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self.db.connect() as conn:
            cursor = conn.execute(
                f"INSERT INTO audit ({columns}) VALUES ({marks}) RETURNING id", tuple(row.values())
            )
            record.id = int(cursor.scalar_one())
        return record

    def records(
        self,
        *,
        limit: int = 50,
        since: datetime | None = None,
        status: str | None = None,
        conversation_id: str | None = None,
    ) -> list[AuditRecord]:
        """Newest first; at most ``min(limit, max_records)``; ``since`` is inclusive."""
        where: list[str] = []
        args: list[str | int] = []
        if since is not None:
            moment = since if since.tzinfo else since.replace(tzinfo=UTC)
            where.append("time >= ?")
            args.append(utc_iso(moment.timestamp()))
        for column, value in (("status", status), ("conversation_id", conversation_id)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        sql = "SELECT * FROM audit"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(max(1, min(limit, self.max_records)))
        with self.db.connect() as conn:
            rows = conn.execute(sql, args).fetchall()
        return [_record(dict(row._mapping)) for row in rows]


def _record(row: dict[str, Any]) -> AuditRecord:
    for key in _JSON_FIELDS:
        row[key] = json.loads(row[key])
    return AuditRecord(**row)


def cited_places(
    citations: Sequence[dict[str, Any]],
    chunks: pd.DataFrame | None,
    lines_of: Callable[[str, dict[str, Any]], tuple[int, int] | None] | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Each citation's doc_id, page and lines with the chunk ids its lines fall in.

    The citations name their places as a reader finds them; ``lines_of`` (doc_id, citation)
    gives the document's own line range, which the chunks carry (the same numbers for a text
    file, not for a PDF or a DOCX)."""
    places: list[dict[str, Any]] = []
    every: list[str] = []
    # the cited documents' chunks only (first line, last line, id: numpy arrays, in the
    # table's order), found once: not a pass over every chunk per citation, nor a filtered
    # DataFrame per citation (pandas' row selection cost more than the rest of the audit)
    rows: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    if chunks is not None and not chunks.empty and citations:
        doc_ids = chunks["doc_id"].astype(str).to_numpy()
        starts, ends = chunks["line_start"].to_numpy(), chunks["line_end"].to_numpy()
        ids_of = chunks["chunk_id"].to_numpy()
        for doc_id in {str(c["doc_id"]) for c in citations}:
            mine = doc_ids == doc_id
            if mine.any():
                rows[doc_id] = (starts[mine], ends[mine], ids_of[mine])
    for c in citations:
        ids: list[str] = []
        span = lines_of(c["doc_id"], c) if lines_of is not None else None
        first, last = span or (int(c["line_start"]), int(c["line_end"]))
        doc = rows.get(str(c["doc_id"]))
        if doc is not None:
            doc_starts, doc_ends, doc_ids_of = doc
            ids = [str(x) for x in doc_ids_of[(doc_starts <= last) & (doc_ends >= first)]]
        places.append(
            {
                "doc_id": c["doc_id"],
                "page": c.get("page"),
                "line_start": c["line_start"],
                "line_end": c["line_end"],
                "chunk_ids": ids,
            }
        )
        every.extend(i for i in ids if i not in every)
    return places, every


def figure_ids(figures: Sequence[dict[str, Any]]) -> list[str]:
    """The figure rows' ids; a row without one is named ``doc_id:line:value``."""
    return [
        str(f.get("figure_id") or f"{f.get('doc_id')}:{f.get('line')}:{f.get('value')}")
        for f in figures
    ]


class SqliteAuditLog(SqlAuditLog):
    """The audit log in one SQLite file of its own."""

    def __init__(
        self,
        path: Path,
        *,
        max_records: int = 500,
        timeout_s: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(
            StateDatabase.sqlite(path, timeout_s=timeout_s), max_records=max_records, clock=clock
        )


def create_audit_log(settings: Settings) -> AuditLog:
    """The audit log of these settings, in their state database."""
    return SqlAuditLog(state_database(settings), max_records=settings.state.audit_max_records)
