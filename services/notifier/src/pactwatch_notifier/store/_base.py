"""What the store's parts share: the clock, time zones back from SQLite, dialect inserts, and
for the hot paths that speak plain SQL, SQLite's connection and datetime text and
PostgreSQL's asyncio connection."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Engine, Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; every one stored is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def dialect_insert(engine: Engine, table: Any) -> Insert:
    """The dialect's INSERT, which has `on_conflict_do_*` (one upsert for both databases)."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)  # type: ignore[no-any-return]


@contextmanager
def sqlite_transaction(engine: Engine) -> Iterator[sqlite3.Connection]:
    """The pool's `sqlite3` connection (its pragmas set) inside one `BEGIN IMMEDIATE`:
    committed when the block ends, rolled back when it raises."""
    raw = engine.raw_connection()
    try:
        db = cast(sqlite3.Connection, raw.driver_connection)
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    finally:
        raw.close()


def sqlite_text(at: datetime) -> str:
    """SQLAlchemy's SQLite DATETIME text for an aware datetime (naive UTC, microseconds), so
    plain SQL writes what the rest of the store reads."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def sqlite_datetime(text: str | None) -> datetime | None:
    """The other way: that text back as an aware UTC datetime."""
    return None if text is None else aware(datetime.fromisoformat(text))


@asynccontextmanager
async def psycopg_connection(engine: AsyncEngine) -> AsyncIterator[Any]:
    """The pool's psycopg asyncio connection (autocommit: a statement is its transaction), for
    plain SQL; one whose connection dropped is not put back into the pool."""
    async with engine.connect() as conn:
        raw: Any = (await conn.get_raw_connection()).driver_connection
        try:
            yield raw
        except BaseException:
            if raw.broken:
                await conn.invalidate()
            raise
