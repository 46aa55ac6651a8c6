"""Rows of the SQLite files of before (keys.sqlite, audit.sqlite, conversations.sqlite beside
the new state.sqlite) are copied in once, so an upgrade keeps its API keys, audit trail and
conversations. Rate limit counters are not kept. Nothing happens in PostgreSQL or without them.
Only the columns the new tables have at this revision are copied (see 0003 for the rest).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LEGACY = {
    "keys.sqlite": ("api_keys",),
    "audit.sqlite": ("audit",),
    "conversations.sqlite": ("conversations", "turns"),
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    database = bind.execute(sa.text("PRAGMA database_list")).fetchall()
    main = next((row[2] for row in database if row[1] == "main"), "")
    if not main:
        return
    folder = Path(main).parent
    inspector = sa.inspect(bind)
    for file_name, tables in LEGACY.items():
        path = folder / file_name
        if not path.is_file():
            continue
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as old:
            for table in tables:
                try:
                    cursor = old.execute(f"SELECT * FROM {table}")
                except sqlite3.Error:
                    continue
                found = [d[0] for d in cursor.description]
                # the columns both have: a file of a later version (issue #19's conversations
                # keep each turn's answer and lead) has some this revision's tables lack;
                # revision 0003 adds those and copies them
                have = {c["name"] for c in inspector.get_columns(table)}
                columns = [c for c in found if c in have]
                rows = [
                    {c: v for c, v in zip(found, row, strict=True) if c in have}
                    for row in cursor.fetchall()
                ]
                if rows:
                    marks = ", ".join(f":{c}" for c in columns)
                    bind.execute(
                        sa.text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"),
                        rows,
                    )


def downgrade() -> None:
    pass
