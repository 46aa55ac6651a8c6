"""Conversations: the turns of each ``conversation_id``, kept in SQLite for follow-ups.

A turn stores the question as asked, the resolved question (after follow-up resolution, see
``assistant.followup``), its frame (subject words, period, municipality, filters), the answer's
status, language, route, citations and figures, and the time. The store is bounded: at most
``state.conversation_max_turns`` turns per conversation, and a conversation idle for longer
than ``state.conversation_ttl_hours`` is deleted. The turns live in the state database
(``assistant.state_db``: SQLite under ``<data_dir>/state`` for the workers of one machine, or
PostgreSQL through ``DATABASE_URL`` for several machines).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from assistant.state_db import StateDatabase, state_database, utc_iso
from corpus import InvalidRequestError, Settings

CONVERSATION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def conversation_id_or_new(conversation_id: str | None) -> str:
    """The client's id when well formed, a new uuid4 hex when none is given, else a 422."""
    if conversation_id is None:
        return uuid.uuid4().hex
    if not CONVERSATION_ID.fullmatch(conversation_id):
        raise InvalidRequestError(
            "conversation_id must be 1-64 letters, digits, '_' or '-'",
            code="invalid_conversation_id",
        )
    return conversation_id


@dataclass(slots=True)
class Frame:
    """What a turn was about, for the next turn to carry over."""

    subject: list[str] = field(default_factory=list)  # content words, as written
    period: str | None = None  # normalised: 2024-Q3, 2022, 2024-Q1..Q3, or Q3 without a year
    period_text: str | None = None  # the period as written in the resolved question
    year: int | None = None
    quarter: int | None = None
    municipality: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)  # the search filters applied

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Frame:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(slots=True)
class Turn:
    """One question and its answer in a conversation."""

    question: str
    resolved_question: str
    kind: str  # new | refine | aspect | subject | source (see assistant.followup)
    language: str
    status: str
    route: str
    index_version: str | None
    frame: Frame
    citations: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    turn: int = 0  # set by the store: 1, 2, ...
    created_at: str = ""  # set by the store (UTC ISO 8601)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ConversationStore(Protocol):
    """Turns per conversation id, shared by every process of the service."""

    def last_turn(self, conversation_id: str) -> Turn | None: ...

    def append(self, conversation_id: str, turn: Turn) -> Turn: ...

    def turns(self, conversation_id: str) -> list[Turn]: ...


class SqlConversationStore:
    """The conversation store in the state database (a transaction per operation)."""

    def __init__(
        self,
        db: StateDatabase,
        *,
        max_turns: int = 20,
        ttl_s: float = 7 * 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.max_turns = max_turns
        self.ttl_s = ttl_s
        self.clock = clock

    def last_turn(self, conversation_id: str) -> Turn | None:
        with self.db.connect() as conn:
            row = conn.execute(
                "SELECT t.* FROM turns t JOIN conversations c ON c.id = t.conversation_id "
                "WHERE c.id = ? AND c.updated_ts >= ? ORDER BY t.turn DESC LIMIT 1",
                (conversation_id, self.clock() - self.ttl_s),
            ).fetchone()
        return _turn(row) if row is not None else None

    def turns(self, conversation_id: str) -> list[Turn]:
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT t.* FROM turns t JOIN conversations c ON c.id = t.conversation_id "
                "WHERE c.id = ? AND c.updated_ts >= ? ORDER BY t.turn",
                (conversation_id, self.clock() - self.ttl_s),
            ).fetchall()
        return [_turn(row) for row in rows]

    def append(self, conversation_id: str, turn: Turn) -> Turn:
        """Store ``turn`` as the next turn; drop expired conversations and surplus turns."""
        now = self.clock()
        with self.db.transaction(lock=f"conversation:{conversation_id}") as conn:
            self._expire(conn, now)
            conn.execute(
                "INSERT INTO conversations (id, created_at, updated_ts) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET updated_ts = excluded.updated_ts",
                (conversation_id, utc_iso(now), now),
            )
            (last,) = conn.execute(
                "SELECT COALESCE(MAX(turn), 0) FROM turns WHERE conversation_id = ?",
                (conversation_id,),
            ).fetchone()
            turn.turn, turn.created_at = int(last) + 1, utc_iso(now)
            conn.execute(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation_id,
                    turn.turn,
                    turn.created_at,
                    turn.question,
                    turn.resolved_question,
                    turn.kind,
                    turn.language,
                    turn.status,
                    turn.route,
                    turn.index_version,
                    _json(asdict(turn.frame)),
                    _json(turn.citations),
                    _json(turn.figures),
                ),
            )
            conn.execute(
                "DELETE FROM turns WHERE conversation_id = ? AND turn <= ?",
                (conversation_id, turn.turn - self.max_turns),
            )
        return turn

    def _expire(self, conn: Any, now: float) -> None:
        cutoff = now - self.ttl_s
        conn.execute(
            "DELETE FROM turns WHERE conversation_id IN "
            "(SELECT id FROM conversations WHERE updated_ts < ?)",
            (cutoff,),
        )
        conn.execute("DELETE FROM conversations WHERE updated_ts < ?", (cutoff,))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _turn(found: Any) -> Turn:
    row = found._mapping
    return Turn(
        question=row["question"],
        resolved_question=row["resolved_question"],
        kind=row["kind"],
        language=row["language"],
        status=row["status"],
        route=row["route"],
        index_version=row["index_version"],
        frame=Frame.from_dict(json.loads(row["frame"])),
        citations=json.loads(row["citations"]),
        figures=json.loads(row["figures"]),
        turn=int(row["turn"]),
        created_at=row["created_at"],
    )


class SqliteConversationStore(SqlConversationStore):
    """The conversation store in one SQLite file of its own."""

    def __init__(
        self,
        path: Path,
        *,
        max_turns: int = 20,
        ttl_s: float = 7 * 24 * 3600,
        timeout_s: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(
            StateDatabase.sqlite(path, timeout_s=timeout_s),
            max_turns=max_turns,
            ttl_s=ttl_s,
            clock=clock,
        )


def create_conversation_store(settings: Settings) -> ConversationStore:
    """The conversation store of these settings, in their state database."""
    return SqlConversationStore(
        state_database(settings),
        max_turns=settings.state.conversation_max_turns,
        ttl_s=settings.state.conversation_ttl_hours * 3600,
    )
