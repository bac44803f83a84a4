"""The delivery ledger and the sources seen per event, shared by every worker replica.

The workers send their requests in batches (`worker/ledger.py`): one `apply` is one
transaction, whatever the batch holds: the outcomes (sent, failed, released), the new
sources, the claims (new alerts inserted `ON CONFLICT DO NOTHING`, the rest decided by
`claims.decide` and taken over) and the sources of the claimed events.

- PostgreSQL: one statement (`_ledger_pg.py`), so one round trip per batch; the workers'
  `apply_async` sends it straight on psycopg's asyncio connection, so the event loop
  serves sends while it travels.
- SQLite: a handful of statements in a `BEGIN IMMEDIATE` transaction (writers queue), run
  right on the event loop (a local file, no network to wait for).

Neither uses a thread. A thread cost more than the batch:
every time it or the loop let go of the GIL (each SQLite step, each socket write, each
HMAC over a body) the other waited out a switch interval, which tripled the ledger's CPU
per delivery (`bench/bench_notifier.py`, "cpu").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, select, tuple_, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from pactwatch_schemas import ArticleRef

from ..db import delivery_ledger, event_sources, read_only
from ..db.types import UtcDateTime
from . import _ledger_pg as pg
from ._base import dialect_insert, now
from .claims import (
    SKIP,
    AlertKey,
    BatchResult,
    Busy,
    Claim,
    ClaimRequest,
    Go,
    LedgerBatch,
    LedgerRow,
    Outcome,
    answers,
    busy_for,
    decide,
    first_requests,
    gos,
    lease_end,
    unique_sources,
)

_t = delivery_ledger
_KEY = (_t.c.subscription_id, _t.c.event_id, _t.c.article_id)


def _key(alert: AlertKey) -> tuple[str, str, str]:
    return (alert.subscription_id, alert.event_id, alert.article_id)


def _where_key() -> Any:
    return (
        (_t.c.subscription_id == bindparam("k_sub"))
        & (_t.c.event_id == bindparam("k_event"))
        & (_t.c.article_id == bindparam("k_article"))
    )


def _key_params(alert: AlertKey) -> dict[str, str]:
    return {
        "k_sub": alert.subscription_id,
        "k_event": alert.event_id,
        "k_article": alert.article_id,
    }


class Ledger:
    """The `delivery_ledger` and `event_sources` tables. `async_engine` (PostgreSQL, in
    autocommit mode) is what `apply_async` uses; without it (SQLite) `apply_async` runs
    `apply` in place. The statements below are SQLite's; PostgreSQL's is `_ledger_pg`."""

    def __init__(self, engine: Engine, async_engine: AsyncEngine | None = None) -> None:
        self._engine = engine
        self._async_engine = async_engine
        self._postgres = engine.dialect.name == "postgresql"
        # Every statement built once: a batch only binds its values (no statement building
        # or cache-key work on the hot path).
        at = bindparam("v_at", type_=UtcDateTime())
        done = {"claimed_by": None, "lease_until": None, "updated_at": at}
        self._sent = (
            update(_t)
            .where(_keys_in(_KEY, "keys"))
            .values(state="sent", channel=bindparam("v_channel"), **done)
        )
        self._failed = (  # never over a `sent`: a late failure changes nothing then
            update(_t)
            .where(_where_key() & (_t.c.state != "sent"))
            .values(
                state="failed",
                chain=bindparam("v_chain"),
                attempt=bindparam("v_attempt"),
                channel=bindparam("v_channel"),
                **done,
            )
        )
        self._released = (  # only the holder's own claims
            update(_t)
            .where(
                _keys_in(_KEY, "keys"),
                _t.c.state == "claimed",
                _t.c.claimed_by == bindparam("v_worker"),
            )
            .values(state="released", **done)
        )
        self._add_source = dialect_insert(engine, event_sources).on_conflict_do_nothing(  # type: ignore[attr-defined]
            index_elements=["event_id", "article_id"]
        )
        self._new_claims = (
            dialect_insert(engine, _t)
            .on_conflict_do_nothing(index_elements=["subscription_id", "event_id", "article_id"])  # type: ignore[attr-defined]
            .returning(*_KEY)
        )
        self._existing = select(_t).where(_keys_in(_KEY, "keys"))
        self._take = (
            update(_t)
            .where(_where_key())
            .values(
                state="claimed",
                claimed_by=bindparam("v_worker"),
                lease_until=bindparam("v_until", type_=UtcDateTime()),
                updated_at=at,
            )
        )
        self._sent_before = (
            select(_t.c.subscription_id, _t.c.event_id)
            .where(_t.c.state == "sent", _keys_in((_t.c.subscription_id, _t.c.event_id), "pairs"))
            .distinct()
        )
        self._sources_of = (
            select(event_sources.c.event_id, event_sources.c.article_id, event_sources.c.ref)
            .where(event_sources.c.event_id.in_(bindparam("events", expanding=True)))
            .order_by(event_sources.c.id)
        )

    def apply(
        self, batch: LedgerBatch, worker: str, lease_seconds: float, at: datetime | None = None
    ) -> BatchResult:
        """Everything in `batch`, in one transaction (see the module)."""
        at = at or now()
        with self._engine.begin() as conn:
            if not self._postgres:
                return self._apply(conn, batch, worker, lease_seconds, at)
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
        async with self._async_engine.connect() as conn:
            raw: Any = (await conn.get_raw_connection()).driver_connection
            try:
                if len(statements.params) == 1:  # autocommit: the statement is the transaction
                    answer = await _fetch(raw, statements.params[0])
                else:
                    async with raw.transaction():
                        for params in statements.params:
                            answer = await _fetch(raw, params)
            except BaseException:
                if raw.broken:  # a dropped connection: not back into the pool
                    await conn.invalidate()
                raise
        return pg.result(statements, answer)

    async def close_async(self) -> None:
        if self._async_engine is not None:
            await self._async_engine.dispose()

    def _apply(
        self, conn: Connection, batch: LedgerBatch, worker: str, lease_seconds: float, at: datetime
    ) -> BatchResult:
        self._outcomes(conn, batch.outcomes, worker, at)
        self._add_sources(conn, batch.sources, at)
        return BatchResult(
            self._claims(conn, batch.claims, worker, lease_end(at, lease_seconds), at)
        )

    def row(self, alert: AlertKey) -> LedgerRow | None:
        """One alert's row (operators, tests)."""
        with read_only(self._engine) as conn:
            found = conn.execute(select(_t).where(tuple_(*_KEY) == _key(alert))).first()
        return None if found is None else _row(found)

    # -- the parts of one batch ---------------------------------------------------------
    def _outcomes(
        self, conn: Connection, outcomes: list[Outcome], worker: str, at: datetime
    ) -> None:
        sent: dict[str | None, list[tuple[str, str, str]]] = {}  # by channel: one UPDATE each
        released: list[tuple[str, str, str]] = []
        failed: list[dict[str, Any]] = []
        for o in sorted(outcomes, key=lambda o: o.alert):
            if o.state == "sent":
                sent.setdefault(o.channel, []).append(_key(o.alert))
            elif o.state == "released":
                released.append(_key(o.alert))
            else:
                failed.append(
                    _key_params(o.alert)
                    | {"v_chain": o.chain, "v_attempt": o.attempt, "v_channel": o.channel}
                    | {"v_at": at}
                )
        for channel, keys in sent.items():
            conn.execute(self._sent, {"keys": keys, "v_channel": channel, "v_at": at})
        if failed:
            conn.execute(self._failed, failed)
        if released:
            conn.execute(self._released, {"keys": released, "v_worker": worker, "v_at": at})

    def _add_sources(
        self, conn: Connection, sources: list[tuple[str, ArticleRef]], at: datetime
    ) -> None:
        rows = [
            {"event_id": e, "article_id": a, "ref": ref.model_dump_json(), "seen_at": at}
            for (e, a), ref in unique_sources(sources)
        ]
        if rows:
            conn.execute(self._add_source, rows)

    def _claims(
        self,
        conn: Connection,
        requests: list[ClaimRequest],
        worker: str,
        until: datetime,
        at: datetime,
    ) -> list[Claim]:
        if not requests:
            return []
        first = first_requests(requests)
        keys = sorted(first)  # one lock order for every replica: no deadlocks between them
        claimed = {"state": "claimed", "claimed_by": worker, "lease_until": until}
        rows = [
            {
                "subscription_id": k.subscription_id,
                "event_id": k.event_id,
                "article_id": k.article_id,
                **claimed,
                "updated_at": at,
            }
            for k in keys
        ]
        # executemany (SQLAlchemy's "insertmanyvalues": multi-row INSERTs, compiled once)
        inserted = conn.execute(self._new_claims, rows).all()
        granted = {AlertKey(*r) for r in inserted}
        outcome: dict[AlertKey, Claim] = {}
        existing = [k for k in keys if k not in granted]
        if existing:
            taken: list[dict[str, Any]] = []
            found_rows = conn.execute(self._existing, {"keys": [_key(k) for k in existing]})
            for found in found_rows.all():
                alert, row = AlertKey(*found[:3]), _row(found)
                request = first[alert]
                decision = decide(row, request.chain, request.attempt, at)
                if decision == "claim":
                    granted.add(alert)
                    taken.append(
                        _key_params(alert) | {"v_worker": worker, "v_until": until, "v_at": at}
                    )
                elif decision == "busy":
                    outcome[alert] = Busy(busy_for(row, at))
                else:
                    outcome[alert] = SKIP
            if taken:
                conn.execute(self._take, taken)
        outcome.update(self._go(conn, [first[k] for k in keys if k in granted]))
        return answers(requests, outcome)

    def _go(self, conn: Connection, granted: list[ClaimRequest]) -> dict[AlertKey, Go]:
        """The claims granted: whether each is an update alert, and its sources."""
        if not granted:
            return {}
        wants_updates = {
            (r.alert.subscription_id, r.alert.event_id) for r in granted if r.alert.article_id
        }
        sent_before: set[tuple[str, str]] = set()
        if wants_updates:
            pairs = sorted(wants_updates)
            sent_before = {
                (r[0], r[1]) for r in conn.execute(self._sent_before, {"pairs": pairs}).all()
            }
        refs: dict[str, list[tuple[str, str]]] = {}
        events = sorted({r.alert.event_id for r in granted})
        for event_id, article_id, ref in conn.execute(self._sources_of, {"events": events}).all():
            refs.setdefault(event_id, []).append((article_id, ref))
        return gos(granted, refs, sent_before)


async def _fetch(raw: Any, params: dict[str, Any]) -> Any:
    """Run the PostgreSQL statement on a psycopg asyncio connection: its JSON answer."""
    cursor = await raw.execute(pg.STATEMENT, params)
    found = await cursor.fetchone()
    return found[0]


def _keys_in(columns: tuple[Any, ...], name: str) -> Any:
    """`(columns) IN (…)` for a list bound at execution (an expanding parameter)."""
    return tuple_(*columns).in_(bindparam(name, expanding=True))


def _row(found: Any) -> LedgerRow:
    m = found._mapping
    return LedgerRow(m["state"], m["claimed_by"], m["lease_until"], m["chain"], int(m["attempt"]))
