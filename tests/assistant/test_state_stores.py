"""The SQLite conversation store and audit log: bounds, expiry, filters, append-only, and
several processes writing to one file."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant import (
    AuditRecord,
    Frame,
    SqliteAuditLog,
    SqliteConversationStore,
    Turn,
    create_audit_log,
    create_conversation_store,
)
from assistant.conversation import conversation_id_or_new
from assistant.conversation_store import SqlConversationStore
from assistant.state_db import MIGRATIONS, state_database
from corpus import InvalidRequestError, Settings

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_turn(question: str, status: str = "answered") -> Turn:
    return Turn(
        question=question,
        resolved_question=question,
        kind="new",
        language="nl",
        status=status,
        route="passages",
        index_version="v1",
        frame=Frame(subject=["LKS"], period="2024-Q3", year=2024, quarter=3),
        citations=[{"id": "c1", "doc_id": "d", "line_start": 3, "line_end": 4, "quote": "x"}],
    )


def make_record(conversation_id: str, status: str = "answered", time: str = "") -> AuditRecord:
    return AuditRecord(
        principal="local",
        question="q",
        resolved_question="q",
        route="passages",
        status=status,
        language="nl",
        conversation_id=conversation_id,
        turn=1,
        index_version="v1",
        latency_ms=5,
        citations=[{"doc_id": "d", "page": None, "line_start": 1, "line_end": 2, "chunk_ids": []}],
        chunk_ids=["d:0001"],
        figure_ids=["d:1:0"],
        time=time,
    )


def test_conversation_ids_are_made_or_checked() -> None:
    made = conversation_id_or_new(None)
    assert len(made) == 32 and made == made.lower()
    assert conversation_id_or_new("gesprek_1-A") == "gesprek_1-A"
    for bad in ("", "a b", "x" * 65, "../etc", "id;drop"):
        with pytest.raises(InvalidRequestError) as err:
            conversation_id_or_new(bad)
        assert err.value.code == "invalid_conversation_id" and err.value.status == 422


def test_turns_are_numbered_stored_whole_and_bounded(tmp_path: Path) -> None:
    store = SqliteConversationStore(tmp_path / "c.sqlite", max_turns=3)
    assert store.last_turn("a") is None
    for number in range(1, 6):
        stored = store.append("a", make_turn(f"vraag {number}"))
        assert stored.turn == number and stored.created_at.endswith("+00:00")
    store.append("b", make_turn("other"))
    turns = store.turns("a")
    assert [t.turn for t in turns] == [3, 4, 5]  # the oldest dropped
    last = store.last_turn("a")
    assert last is not None and last.question == "vraag 5"
    assert last.frame == Frame(subject=["LKS"], period="2024-Q3", year=2024, quarter=3)
    assert last.citations[0]["quote"] == "x"
    # another store over the same file (another process's view) reads the same turns
    again = SqliteConversationStore(tmp_path / "c.sqlite", max_turns=3)
    assert [t.question for t in again.turns("a")] == ["vraag 3", "vraag 4", "vraag 5"]
    with sqlite3.connect(tmp_path / "c.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_idle_conversations_expire_and_their_id_starts_again(tmp_path: Path) -> None:
    clock = Clock()
    store = SqliteConversationStore(tmp_path / "c.sqlite", ttl_s=3600, clock=clock)
    store.append("old", make_turn("eerste"))
    store.append("old", make_turn("tweede"))
    clock.now += 1800
    store.append("fresh", make_turn("nieuw"))
    clock.now += 2400  # "old" idle 70 minutes, "fresh" 40
    assert store.last_turn("old") is None and store.turns("old") == []
    assert store.last_turn("fresh") is not None
    restarted = store.append("old", make_turn("opnieuw"))
    assert restarted.turn == 1
    with sqlite3.connect(tmp_path / "c.sqlite") as conn:
        rows = conn.execute("SELECT question FROM turns WHERE conversation_id = 'old'").fetchall()
    assert rows == [("opnieuw",)]  # the expired turns are gone from the file


def test_the_factories_share_one_database_under_the_state_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, state={"conversation_max_turns": 2})  # type: ignore[arg-type]
    store = create_conversation_store(settings)
    for n in range(3):
        store.append("x", make_turn(str(n)))
    assert [t.question for t in store.turns("x")] == ["1", "2"]
    create_audit_log(settings).append(make_record("x"))
    assert sorted(p.name for p in settings.state_dir.glob("*.sqlite")) == ["state.sqlite"]


def test_audit_records_filter_newest_first_with_a_bounded_limit(tmp_path: Path) -> None:
    clock = Clock()
    log = SqliteAuditLog(tmp_path / "a.sqlite", max_records=3, clock=clock)
    for n in range(5):
        log.append(make_record("c1" if n % 2 else "c2", "refused" if n == 4 else "answered"))
        clock.now += 60
    everything = log.records(limit=100)
    assert len(everything) == 3  # capped by max_records
    assert [r.id for r in everything] == [5, 4, 3]
    assert everything[0].figure_ids == ["d:1:0"] and everything[0].chunk_ids == ["d:0001"]
    assert [r.id for r in log.records(conversation_id="c1")] == [4, 2]
    assert [r.id for r in log.records(status="refused")] == [5]
    third = datetime.fromtimestamp(1_800_000_000.0 + 120, UTC)
    assert [r.id for r in log.records(since=third)] == [5, 4, 3]
    naive = third.replace(tzinfo=None) + timedelta(seconds=1)  # read as UTC
    assert [r.id for r in log.records(since=naive)] == [5, 4]
    assert log.records(since=third + timedelta(hours=1)) == []


def test_the_audit_log_refuses_updates_and_deletes(tmp_path: Path) -> None:
    log = SqliteAuditLog(tmp_path / "a.sqlite")
    log.append(make_record("c"))
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        for sql in ("UPDATE audit SET status = 'answered'", "DELETE FROM audit"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
    assert len(log.records()) == 1


def _append_many(path: str, kind: str, name: str, count: int) -> None:
    if kind == "audit":
        log = SqliteAuditLog(Path(path), timeout_s=30)
        for _ in range(count):
            log.append(make_record(name))
    else:
        store = SqliteConversationStore(Path(path), max_turns=1000, timeout_s=30)
        for n in range(count):
            store.append("shared", make_turn(f"{name}-{n}"))


@pytest.mark.parametrize("kind", ["audit", "conversations"])
def test_several_processes_append_to_one_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.sqlite"
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_append_many, args=(str(path), kind, f"p{n}", 25)) for n in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    if kind == "audit":
        records = SqliteAuditLog(path, max_records=1000).records(limit=1000)
        assert len(records) == 75 and len({r.id for r in records}) == 75
    else:
        turns = SqliteConversationStore(path, max_turns=1000).turns("shared")
        assert [t.turn for t in turns] == list(range(1, 76))  # no number given twice


def test_an_upgrade_keeps_the_rows_of_the_old_sqlite_files(tmp_path: Path) -> None:
    """The Alembic revision 0002 copies keys, audit records and turns of the files of before
    (keys.sqlite, audit.sqlite, conversations.sqlite) into state.sqlite, once."""
    from assistant.keys import create_key_store

    state = tmp_path / "state"
    state.mkdir()
    with sqlite3.connect(state / "keys.sqlite") as old:
        old.execute(
            "CREATE TABLE api_keys (key_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT "
            "NULL, clearance TEXT NOT NULL, hash TEXT NOT NULL, created_at REAL NOT NULL, "
            "revoked_at REAL)"
        )
        old.execute(
            "INSERT INTO api_keys VALUES ('0123456789ab', 'oud', 'admin', 'confidential', "
            "'$argon2id$x', 1700000000.5, NULL)"
        )
    settings = Settings(data_dir=tmp_path)
    keys = create_key_store(settings).list_keys()
    assert [(k.key_id, k.name, k.created_at) for k in keys] == [
        ("0123456789ab", "oud", 1700000000.5)
    ]
    create_audit_log(settings).append(make_record("x"))  # the database is in use, not re-imported
    assert len(create_key_store(settings).list_keys()) == 1


def test_summaries_list_one_owner_newest_first_and_never_another_owner(tmp_path: Path) -> None:
    clock = Clock()
    store = SqliteConversationStore(tmp_path / "c.sqlite", ttl_s=3600, clock=clock)
    store.append("ab:first", make_turn("Hoeveel LKS-contracten?"))
    clock.now += 10
    store.append("ab:second", make_turn("Wat is de EAA?", status="refused"))
    clock.now += 10
    store.append("ab:first", make_turn("en in 2022?", status="partial"))
    store.append("ab:c:theirs", make_turn("another owner named 'ab:c'"))
    store.append("abc:theirs", make_turn("another owner named 'abc'"))
    listed = store.summaries("ab:", limit=10)
    assert [(s.conversation_id, s.title, s.turns, s.last_status) for s in listed] == [
        ("first", "Hoeveel LKS-contracten?", 2, "partial"),
        ("second", "Wat is de EAA?", 1, "refused"),
    ]
    assert listed[0].updated_at > listed[1].updated_at >= listed[1].created_at
    assert [s.conversation_id for s in store.summaries("ab:", limit=1)] == ["first"]
    assert [s.conversation_id for s in store.summaries("ab:c:", limit=10)] == ["theirs"]
    clock.now += 3600 - 9  # "second" has now been idle longer than the ttl
    assert [s.conversation_id for s in store.summaries("ab:", limit=10)] == ["first"]


def test_a_turn_keeps_its_answer_text_and_lead(tmp_path: Path) -> None:
    store = SqliteConversationStore(tmp_path / "c.sqlite")
    turn = make_turn("Hoeveel LKS-contracten?")
    turn.answer, turn.lead = "Er zijn 220 contracten gestart [c1].", "Er zijn 220 contracten."
    store.append("x:1", turn)
    store.append("x:1", make_turn("en in 2022?"))
    first, second = store.turns("x:1")
    assert (first.answer, first.lead) == ("Er zijn 220 contracten gestart [c1].", turn.lead)
    assert (second.answer, second.lead) == ("", None)


OLD_TABLES = """
CREATE TABLE conversations (id TEXT PRIMARY KEY, created_at TEXT NOT NULL,
    updated_ts REAL NOT NULL);
CREATE TABLE turns (conversation_id TEXT NOT NULL, turn INTEGER NOT NULL,
    created_at TEXT NOT NULL, question TEXT NOT NULL, resolved_question TEXT NOT NULL,
    kind TEXT NOT NULL, language TEXT NOT NULL, status TEXT NOT NULL, route TEXT NOT NULL,
    index_version TEXT, frame TEXT NOT NULL, citations TEXT NOT NULL, figures TEXT NOT NULL,
    PRIMARY KEY (conversation_id, turn));
"""
OLD_ROWS = """
INSERT INTO conversations VALUES ('local:old', '2026-11-01T10:00:00.000000+00:00', 1800000000);
INSERT INTO turns VALUES ('local:old', 1, '2026-11-01T10:00:00.000000+00:00', 'Oude vraag?',
    'Oude vraag?', 'new', 'nl', 'answered', 'passages', 'v0', '{}', '[]', '[]');
"""
# the conversations.sqlite of issue #19's SQLite store: each turn with its answer and lead
ANSWER_COLUMNS = """
ALTER TABLE turns ADD COLUMN answer TEXT NOT NULL DEFAULT '';
ALTER TABLE turns ADD COLUMN lead TEXT;
INSERT INTO turns VALUES ('local:old', 2, '2026-11-01T10:01:00.000000+00:00', 'en in 2022?',
    'en in 2022?', 'refine', 'nl', 'answered', 'figures', 'v0', '{}', '[]', '[]',
    'Er zijn 180 contracten gestart [c1].', 'Er zijn 180 contracten.');
"""


@pytest.mark.parametrize("with_answers", [False, True], ids=["before-19", "issue-19"])
def test_an_upgrade_keeps_old_turns_with_the_answer_columns(
    tmp_path: Path, with_answers: bool
) -> None:
    """A conversations.sqlite of an earlier version is copied into state.sqlite (revisions
    0002 and 0003): its turns keep their answer and lead when it kept them, else come back with
    an empty answer; new turns store theirs."""
    state = tmp_path / "state"
    state.mkdir()
    with sqlite3.connect(state / "conversations.sqlite") as conn:
        conn.executescript(OLD_TABLES + OLD_ROWS + (ANSWER_COLUMNS if with_answers else ""))
    store = SqlConversationStore(state_database(Settings(data_dir=tmp_path)), clock=Clock())
    old = store.turns("local:old")
    assert [(t.question, t.answer, t.lead) for t in old] == [
        ("Oude vraag?", "", None),
        *(
            [("en in 2022?", "Er zijn 180 contracten gestart [c1].", "Er zijn 180 contracten.")]
            if with_answers
            else []
        ),
    ]
    new = make_turn("en nu?")
    new.answer = "Een antwoord."
    assert store.append("local:old", new).turn == len(old) + 1
    assert [t.answer for t in store.turns("local:old")][-1] == "Een antwoord."
    assert [s.title for s in store.summaries("local:", 5)] == ["Oude vraag?"]


def test_a_database_of_revision_0002_gains_the_answer_columns(tmp_path: Path) -> None:
    """A state database made before revision 0003 keeps its turns, with an empty answer."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    path = tmp_path / "state.sqlite"
    with create_engine(f"sqlite:///{path}").connect() as conn:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.commit()
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_ROWS)
    store = SqliteConversationStore(path, clock=Clock())
    (old,) = store.turns("local:old")
    assert (old.question, old.answer, old.lead) == ("Oude vraag?", "", None)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
