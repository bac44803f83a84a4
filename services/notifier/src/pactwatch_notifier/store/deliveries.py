"""The deliveries listing: the latest outcome of each alert, as the workers report it in
batches, for operators (`GET /api/v1/deliveries`). History, not the exactly-once bookkeeping:
that is the workers' delivery ledger (`ledger.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select

from ..db import deliveries, read_only
from ..models import DeliveryOutcome, DeliveryRecord
from ._base import dialect_insert, sqlite_text, sqlite_transaction

_UPSERT_SQLITE = """
INSERT INTO deliveries (subscription_id, event_id, article_id, channel, outcome, attempts,
                        delivered_at, last_error, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (subscription_id, event_id, article_id) DO UPDATE SET
  outcome = excluded.outcome,
  attempts = max(deliveries.attempts, excluded.attempts),
  delivered_at = coalesce(excluded.delivered_at, deliveries.delivered_at),
  last_error = coalesce(excluded.last_error, deliveries.last_error),
  updated_at = excluded.updated_at,
  channel = excluded.channel
"""


@dataclass(frozen=True)
class DeliveryOutcomeRow:
    """One outcome the workers report (see `Deliveries.record`)."""

    subscription_id: str
    event_id: str
    article_id: str
    channel: str
    outcome: DeliveryOutcome
    attempt: int
    at: datetime
    error: str | None = None


class Deliveries:
    """The `deliveries` table: one row per (subscription, event, article), the latest outcome."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, rows: Sequence[DeliveryOutcomeRow]) -> None:
        """Upsert the latest outcome of each alert (the workers batch these)."""
        latest: dict[tuple[str, str, str], DeliveryOutcomeRow] = {}
        for row in rows:
            latest[(row.subscription_id, row.event_id, row.article_id)] = row
        if not latest:
            return
        if self._engine.dialect.name == "sqlite":
            self._record_sqlite(list(latest.values()))
            return
        # PostgreSQL: the same upsert through SQLAlchemy.
        values = [
            {
                "subscription_id": r.subscription_id,
                "event_id": r.event_id,
                "article_id": r.article_id,
                "channel": r.channel,
                "outcome": r.outcome,
                "attempts": r.attempt,
                "delivered_at": r.at if r.outcome == "delivered" else None,
                "last_error": r.error[:500] if r.error else None,
                "updated_at": r.at,
            }
            for r in latest.values()
        ]
        stmt = dialect_insert(self._engine, deliveries)
        excluded = stmt.excluded  # type: ignore[attr-defined]
        stmt = stmt.on_conflict_do_update(  # type: ignore[attr-defined]
            index_elements=["subscription_id", "event_id", "article_id"],
            set_={
                "outcome": excluded.outcome,
                "attempts": func.greatest(deliveries.c.attempts, excluded.attempts),
                "delivered_at": func.coalesce(excluded.delivered_at, deliveries.c.delivered_at),
                "last_error": func.coalesce(excluded.last_error, deliveries.c.last_error),
                "updated_at": excluded.updated_at,
                "channel": excluded.channel,
            },
        )
        with self._engine.begin() as conn:
            conn.execute(stmt, values)

    def _record_sqlite(self, rows: list[DeliveryOutcomeRow]) -> None:
        """The same upsert as plain SQL, one `executemany` (the workers write a batch every
        0.5 s; SQLAlchemy's per-row binding cost several times SQLite's own work)."""
        values = [
            (
                r.subscription_id,
                r.event_id,
                r.article_id,
                r.channel,
                r.outcome,
                r.attempt,
                sqlite_text(r.at) if r.outcome == "delivered" else None,
                r.error[:500] if r.error else None,
                sqlite_text(r.at),
            )
            for r in rows
        ]
        with sqlite_transaction(self._engine) as db:
            db.executemany(_UPSERT_SQLITE, values)

    def page(
        self, *, subscription_id: str | None = None, offset: int = 0, limit: int = 50
    ) -> tuple[list[DeliveryRecord], int]:
        """Newest first, with the total count."""
        where = [deliveries.c.subscription_id == subscription_id] if subscription_id else []
        with read_only(self._engine) as conn:
            total = conn.execute(
                select(func.count()).select_from(deliveries).where(*where)
            ).scalar_one()
            rows = conn.execute(
                select(deliveries)
                .where(*where)
                .order_by(
                    deliveries.c.updated_at.desc(),
                    deliveries.c.subscription_id,
                    deliveries.c.event_id,
                    deliveries.c.article_id,
                )
                .offset(offset)
                .limit(limit)
            ).all()
        return [DeliveryRecord.model_validate(dict(r._mapping)) for r in rows], int(total)
