"""The state tables: API keys, conversations and turns, the audit log, rate limit counters.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TIME: sa.types.TypeEngine[float] = sa.Double()
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(12), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("clearance", sa.String(16), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("revoked_at", _TIME, nullable=True),
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_ts", _TIME, nullable=False),
    )
    op.create_index("conversations_updated", "conversations", ["updated_ts"])
    op.create_table(
        "turns",
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("resolved_question", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("route", sa.String(32), nullable=False),
        sa.Column("index_version", sa.String(64), nullable=True),
        sa.Column("frame", sa.Text(), nullable=False),
        sa.Column("citations", sa.Text(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", "turn"),
    )
    op.create_table(
        "audit",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("time", sa.String(40), nullable=False),
        sa.Column("principal", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("resolved_question", sa.Text(), nullable=False),
        sa.Column("route", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=True),
        sa.Column("index_version", sa.String(64), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("citations", sa.Text(), nullable=False),
        sa.Column("chunk_ids", sa.Text(), nullable=False),
        sa.Column("figure_ids", sa.Text(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("audit_time", "audit", ["time"])
    op.create_index("audit_conversation", "audit", ["conversation_id"])
    _append_only_audit()
    op.create_table(
        "rate_window_entries",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
    )
    op.create_index("rate_window_entries_key", "rate_window_entries", ["key", "at"])
    op.create_index("rate_window_entries_expiry", "rate_window_entries", ["expires_at"])
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
    )


def _append_only_audit() -> None:
    """Triggers refuse every UPDATE and DELETE of an audit record (and TRUNCATE in PostgreSQL)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit "
            "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
        )
        return
    op.execute(
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )


def downgrade() -> None:
    for table in ("rate_counters", "rate_window_entries", "audit", "turns", "conversations"):
        op.drop_table(table)
    op.drop_table("api_keys")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
