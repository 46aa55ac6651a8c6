"""Each turn keeps its answer text and lead (issue #19: conversations listed and resumed).

Turns stored before this revision get an empty answer and no lead. On SQLite, when the
``conversations.sqlite`` of before beside ``state.sqlite`` already kept them (it was written by
the SQLite store of issue #19), revision 0002 copied its turns without them: they are copied
here into the same turns.

A conversation's id in the store is ``<owner>:<client id>`` (up to 12 + 1 + 64 characters with an
API key), so ``conversations.id`` is widened to 128 like ``turns.conversation_id``: PostgreSQL
refused a 64-character client id (SQLite does not enforce the length).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LEGACY = "conversations.sqlite"


def upgrade() -> None:
    op.add_column("turns", sa.Column("answer", sa.Text(), nullable=False, server_default=""))
    op.add_column("turns", sa.Column("lead", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("conversations", "id", type_=sa.String(128), existing_type=sa.String(64))
    _copy_legacy_answers()


def _copy_legacy_answers() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    database = bind.execute(sa.text("PRAGMA database_list")).fetchall()
    main = next((row[2] for row in database if row[1] == "main"), "")
    path = Path(main).parent / LEGACY if main else None
    if path is None or not path.is_file():
        return
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as old:
        try:
            found = old.execute(
                "SELECT conversation_id, turn, answer, lead FROM turns WHERE answer != '' "
                "OR lead IS NOT NULL"
            ).fetchall()
        except sqlite3.Error:  # a file of before issue #19: no answers to copy
            return
    if found:
        bind.execute(
            sa.text(
                "UPDATE turns SET answer = :answer, lead = :lead "
                "WHERE conversation_id = :conversation_id AND turn = :turn"
            ),
            [
                {"conversation_id": c, "turn": t, "answer": a or "", "lead": lead}
                for c, t, a, lead in found
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("turns") as batch:
        batch.drop_column("lead")
        batch.drop_column("answer")
