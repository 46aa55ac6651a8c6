"""Rows of the SQLite files of before (keys.sqlite, audit.sqlite, conversations.sqlite beside
the new state.sqlite) are copied in once, so an upgrade keeps its API keys, audit trail and
conversations. Rate limit counters are not kept. Nothing happens in PostgreSQL or without them.

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
                columns = [d[0] for d in cursor.description]
                rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
                if rows:
                    marks = ", ".join(f":{c}" for c in columns)
                    bind.execute(
                        sa.text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"),
                        rows,
                    )


def downgrade() -> None:
    pass
