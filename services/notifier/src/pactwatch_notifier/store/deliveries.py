"""The deliveries listing: the latest outcome of each alert, as the workers report it in
batches, for operators (`GET /api/v1/deliveries`). History, not the exactly-once bookkeeping:
that is the workers' delivery ledger (`ledger.py`).

The workers' batch (`record`) is written on their event loop, like the ledger's, never from
a thread: on PostgreSQL one upsert over the rows given as one JSON parameter, sent on the
asyncio connection; on SQLite plain SQL in place. A thread cost the loop more than the write
(each time one let go of the GIL the other waited out a switch interval): a profile of the
bench on PostgreSQL put a tenth of the worker's samples in this upsert through SQLAlchemy in
its thread, and about as many more in the loop waiting for the GIL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from ..db import deliveries, read_only
from ..models import DeliveryOutcome, DeliveryRecord
from ._base import psycopg_connection, sqlite_text, sqlite_transaction

_COLUMNS = (
    "subscription_id, event_id, article_id, channel, outcome, attempts, delivered_at,"
    " last_error, updated_at"
)
_ON_CONFLICT = """
ON CONFLICT (subscription_id, event_id, article_id) DO UPDATE SET
  outcome = excluded.outcome,
  attempts = {greatest}(deliveries.attempts, excluded.attempts),
  delivered_at = coalesce(excluded.delivered_at, deliveries.delivered_at),
  last_error = coalesce(excluded.last_error, deliveries.last_error),
  updated_at = excluded.updated_at,
  channel = excluded.channel
"""
UPSERT_SQLITE = (
    f"INSERT INTO deliveries ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    + _ON_CONFLICT.format(greatest="max")
)
UPSERT_POSTGRES = (
    f"INSERT INTO deliveries ({_COLUMNS})"
    " SELECT sub, ev, art, chan, outcome, attempts, delivered_at, last_error, at"
    " FROM json_to_recordset(%(rows)s::json) AS u(sub text, ev text, art text, chan text,"
    " outcome text, attempts int, delivered_at timestamptz, last_error text, at timestamptz)"
    " ORDER BY sub, ev, art"  # one lock order for every replica
    + _ON_CONFLICT.format(greatest="greatest")
)


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
    """The `deliveries` table: one row per (subscription, event, article), the latest outcome.
    `writer` is the engine `record` uses in place on SQLite (the ledger's: a short wait for
    another writer's lock, so the loop is never held long); `async_engine` (PostgreSQL) the
    one it sends its statement on."""

    def __init__(
        self, engine: Engine, writer: Engine, async_engine: AsyncEngine | None = None
    ) -> None:
        self._engine = engine
        self._writer = writer
        self._async_engine = async_engine

    async def record(self, rows: Sequence[DeliveryOutcomeRow]) -> None:
        """Upsert the latest outcome of each alert, on the event loop (see the module)."""
        latest: dict[tuple[str, str, str], DeliveryOutcomeRow] = {}
        for row in rows:
            latest[(row.subscription_id, row.event_id, row.article_id)] = row
        if not latest:
            return
        if self._async_engine is None:
            self._record_sqlite(list(latest.values()))
            return
        params = {"rows": json.dumps([_json_row(r) for r in latest.values()])}
        async with psycopg_connection(self._async_engine) as raw:
            await raw.execute(UPSERT_POSTGRES, params)

    def _record_sqlite(self, rows: list[DeliveryOutcomeRow]) -> None:
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
        with sqlite_transaction(self._writer) as db:
            db.executemany(UPSERT_SQLITE, values)

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


def _json_row(r: DeliveryOutcomeRow) -> dict[str, Any]:
    at = r.at.isoformat()
    return {
        "sub": r.subscription_id,
        "ev": r.event_id,
        "art": r.article_id,
        "chan": r.channel,
        "outcome": r.outcome,
        "attempts": r.attempt,
        "delivered_at": at if r.outcome == "delivered" else None,
        "last_error": r.error[:500] if r.error else None,
        "at": at,
    }
