"""Engine factory (SQLite pragmas, PostgreSQL pool) and running the migrations in code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"
#: pg_advisory_xact_lock key that serialises `migrate()` between processes ("pwmigr").
_MIGRATION_LOCK = 0x70776D69677200


def make_engine(url: str, *, pre_ping: bool = True, busy_seconds: float = 30.0) -> Engine:
    """An engine for `url`: a SQLite file (created with its folder) or PostgreSQL.

    SQLite gets WAL (readers never wait for the writer), a busy timeout (30 s) and
    `BEGIN IMMEDIATE` transactions: a transaction that reads and then writes takes the write
    lock up front, so two processes queue instead of failing with "database is locked".
    `pre_ping=False` saves PostgreSQL a round trip per checkout, for a caller that retries a
    transaction lost to a dropped connection (the delivery ledger's batches).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=pre_ping, pool_size=5, max_overflow=10)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": busy_seconds})
    busy_ms = int(busy_seconds * 1000)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None  # we say BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        # Read-only work (`read_only(engine)`) takes no lock: WAL readers never wait.
        read = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

    return engine


def make_async_engine(url: str) -> AsyncEngine | None:
    """For PostgreSQL, an asyncio engine over psycopg's async mode (the same driver as the
    sync engine), in autocommit mode: its user (the delivery ledger) sends one statement
    per transaction, with no BEGIN and COMMIT round trips around it. None for SQLite,
    whose work stays synchronous. No connection is made before the first use, so a
    process that never awaits the database pays nothing.

    Its sessions plan with index lookups only (`_KEYED_LOOKUPS`): the ledger's statement
    finds rows by key from rows given as a JSON parameter, whose size the planner cannot
    know (it guesses 100), so on a young table it picked sequential scans and hash joins:
    a full scan per batch, growing with the table."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return None
    return create_async_engine(
        parsed.set(drivername="postgresql+psycopg"),
        pool_size=2,
        max_overflow=2,
        isolation_level="AUTOCOMMIT",
        # never a prepared statement: the generic plan PostgreSQL keeps for one made a batch
        # four times slower than a plan for its parameters
        connect_args={"options": _KEYED_LOOKUPS, "prepare_threshold": None},
    )


_KEYED_LOOKUPS = "-c enable_seqscan=off -c enable_hashjoin=off -c enable_mergejoin=off"

READ_ONLY = "pactwatch_read_only"


def read_only(engine: Engine) -> Connection:
    """A connection for reads only: on SQLite a deferred transaction (no write lock)."""
    return engine.connect().execution_options(**{READ_ONLY: True})


def alembic_config() -> Config:
    """Alembic's configuration, built in code: no alembic.ini to ship or find."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Upgrade to the newest schema. Idempotent, and safe when several processes start at
    once: they take turns (PostgreSQL advisory lock, SQLite's write lock) and the later ones
    find the schema at head."""
    config = alembic_config()
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        else:
            connection.execute(text("SELECT 1"))  # starts the (immediate) transaction
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()
