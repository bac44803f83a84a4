"""Alembic environment: always run from `db.engine.migrate()` with a connection in hand."""

from __future__ import annotations

from alembic import context

from pactwatch_notifier.db.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through Store.migrate() (needs a connection)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # ALTER TABLE on SQLite, later
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
