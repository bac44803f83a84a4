"""What the store's parts share: the clock, time zones back from SQLite, dialect inserts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Insert
from sqlalchemy.dialects import postgresql, sqlite


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; every one stored is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def dialect_insert(engine: Engine, table: Any) -> Insert:
    """The dialect's INSERT, which has `on_conflict_do_*` (one upsert for both databases)."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)  # type: ignore[no-any-return]
