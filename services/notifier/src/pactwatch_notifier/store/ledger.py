"""The delivery ledger and the sources seen per event, shared by every worker replica.

The workers send their requests in batches (`worker/ledger.py`): one `apply` is one
transaction, whatever the batch holds: the outcomes (sent, failed, released), the new
sources, the claims (new alerts inserted, the rest decided by `claims.decide` and taken
over) and the sources of the claimed events.

- PostgreSQL: one statement (`_ledger_pg.py`), so one round trip per batch; the workers'
  `apply_async` sends it straight on psycopg's asyncio connection, so the event loop
  serves sends while it travels.
- SQLite: plain SQL in a `BEGIN IMMEDIATE` transaction (`_ledger_sqlite.py`: writers
  queue), run right on the event loop (a local file, no network to wait for).

Neither uses a thread. A thread cost more than the batch:
every time it or the loop let go of the GIL (each SQLite step, each socket write, each
HMAC over a body) the other waited out a switch interval, which tripled the ledger's CPU
per delivery (`bench/bench_notifier.py`, "cpu").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from ..db import delivery_ledger, read_only
from . import _ledger_pg as pg
from . import _ledger_sqlite as lite
from ._base import now, psycopg_connection, sqlite_transaction
from .claims import AlertKey, BatchResult, LedgerBatch, LedgerRow

_t = delivery_ledger
_KEY = (_t.c.subscription_id, _t.c.event_id, _t.c.article_id)


class Ledger:
    """The `delivery_ledger` and `event_sources` tables. `async_engine` (PostgreSQL, in
    autocommit mode) is what `apply_async` uses; without it (SQLite) `apply_async` runs
    `apply` in place."""

    def __init__(self, engine: Engine, async_engine: AsyncEngine | None = None) -> None:
        self._engine = engine
        self._async_engine = async_engine
        self._postgres = engine.dialect.name == "postgresql"

    def apply(
        self, batch: LedgerBatch, worker: str, lease_seconds: float, at: datetime | None = None
    ) -> BatchResult:
        """Everything in `batch`, in one transaction (see the module)."""
        at = at or now()
        if not self._postgres:
            with sqlite_transaction(self._engine) as db:
                return lite.apply(db, batch, worker, lease_seconds, at)
        with self._engine.begin() as conn:
            statements = pg.statements(batch, worker, lease_seconds, at)
            for params in statements.params:
                answer = conn.exec_driver_sql(pg.STATEMENT, params).scalar_one()
            return pg.result(statements, answer)

    async def apply_async(
        self, batch: LedgerBatch, worker: str, lease_seconds: float
    ) -> BatchResult:
        """`apply` for the event loop (see the module): no thread."""
        if self._async_engine is None:
            return self.apply(batch, worker, lease_seconds)
        statements = pg.statements(batch, worker, lease_seconds, now())
        async with psycopg_connection(self._async_engine) as raw:
            if len(statements.params) == 1:  # autocommit: the statement is the transaction
                answer = await _fetch(raw, statements.params[0])
            else:
                async with raw.transaction():
                    for params in statements.params:
                        answer = await _fetch(raw, params)
        return pg.result(statements, answer)

    def row(self, alert: AlertKey) -> LedgerRow | None:
        """One alert's row (operators, tests)."""
        with read_only(self._engine) as conn:
            found = conn.execute(select(_t).where(tuple_(*_KEY) == alert.columns())).first()
        return None if found is None else _row(found)


async def _fetch(raw: Any, params: dict[str, Any]) -> Any:
    """Run the PostgreSQL statement on a psycopg asyncio connection: its JSON answer."""
    cursor = await raw.execute(pg.STATEMENT, params)
    found = await cursor.fetchone()
    return found[0]


def _row(found: Any) -> LedgerRow:
    m = found._mapping
    return LedgerRow(m["state"], m["claimed_by"], m["lease_until"], m["chain"], int(m["attempt"]))
