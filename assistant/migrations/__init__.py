"""Alembic migrations of the state database (run by ``assistant.state_db`` on first use)."""
