"""Alembic environment: migrations run on the connection ``assistant.state_db`` passes in, or
on ``sqlalchemy.url`` when run by the ``alembic`` command (``-x url=...``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database: alembic -x url=sqlite:///data/state/state.sqlite ...")
    with create_engine(url).connect() as own:
        context.configure(connection=own, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        own.commit()
else:
    context.configure(connection=connection, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
