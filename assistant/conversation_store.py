"""The conversation store in the state database (``assistant.state_db``).

SQLite under ``<data_dir>/state`` (WAL, so several worker processes and CLI runs on one
machine share it) or PostgreSQL through ``DATABASE_URL`` (several machines). Bounded: at most
``state.conversation_max_turns`` turns per conversation, and a conversation idle for longer
than ``state.conversation_ttl_hours`` is deleted. The tables are Alembic's
(``assistant/migrations``); the answer and lead of each turn came with revision 0003.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.conversation import ConversationStore, ConversationSummary, Frame, Turn
from assistant.state_db import StateDatabase, state_database, utc_iso
from corpus import Settings

_TURN_COLUMNS = (
    "conversation_id, turn, created_at, question, resolved_question, kind, language, status, "
    "route, index_version, frame, citations, figures, answer, lead"
)


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

    def summaries(self, prefix: str, limit: int = 50) -> list[ConversationSummary]:
        """The live conversations whose id is ``prefix`` + a client id, newest first.

        The ids are ``<owner>:<client id>`` and a client id holds no ``:``, so the prefix
        ``"ab:"`` never lists the conversations of an owner named ``"ab:c"``. The prefix is
        compared exactly (``substr``, not ``LIKE``, which ignores case in SQLite), in SQL that
        SQLite and PostgreSQL read alike.
        """
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT c.id, c.created_at, c.updated_ts, COUNT(t.turn) AS turns, "
                "(SELECT f.question FROM turns f WHERE f.conversation_id = c.id "
                " ORDER BY f.turn LIMIT 1) AS title, "
                "(SELECT l.status FROM turns l WHERE l.conversation_id = c.id "
                " ORDER BY l.turn DESC LIMIT 1) AS last_status "
                "FROM conversations c JOIN turns t ON t.conversation_id = c.id "
                "WHERE substr(c.id, 1, ?) = ? AND substr(c.id, ?) NOT LIKE '%:%' "
                "AND c.updated_ts >= ? "
                "GROUP BY c.id, c.created_at, c.updated_ts "
                "ORDER BY c.updated_ts DESC, c.id LIMIT ?",
                (len(prefix), prefix, len(prefix) + 1, self.clock() - self.ttl_s, limit),
            ).fetchall()
        return [_summary(row._mapping, prefix) for row in rows]

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
                f"INSERT INTO turns ({_TURN_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    turn.answer,
                    turn.lead,
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


def _summary(row: Any, prefix: str) -> ConversationSummary:
    return ConversationSummary(
        conversation_id=row["id"][len(prefix) :],
        title=row["title"],
        created_at=row["created_at"],
        updated_at=utc_iso(row["updated_ts"]),
        turns=int(row["turns"]),
        last_status=row["last_status"],
    )


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
        answer=row["answer"],
        lead=row["lead"],
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
