"""The delivery ledger and the sources seen per event, shared by every worker replica.

The workers send their requests in batches (`worker/ledger.py`): one `apply` is one
transaction with a handful of statements, whatever the batch holds: the outcomes (sent,
failed, released), the new sources, the claims (one multi-row `INSERT … ON CONFLICT DO
NOTHING RETURNING` for the new alerts; the rest read `FOR UPDATE` on PostgreSQL, decided by
`claims.decide` and taken over in one `executemany`), and the sources of the claimed events.
On SQLite the transaction is `BEGIN IMMEDIATE` (writers queue).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Engine, bindparam, select, tuple_, update
from sqlalchemy.engine import Connection

from pactwatch_schemas import ArticleRef, limits

from ..db import delivery_ledger, event_sources, read_only
from ._base import dialect_insert, now
from .claims import (
    BUSY_POLL_SECONDS,
    SKIP,
    AlertKey,
    Busy,
    Claim,
    ClaimRequest,
    Go,
    LedgerRow,
    busy_for,
    decide,
    lease_end,
)

_t = delivery_ledger
_KEY = (_t.c.subscription_id, _t.c.event_id, _t.c.article_id)


@dataclass(frozen=True, slots=True)
class Outcome:
    """After an attempt: `sent` (accepted), `failed` (attempt `attempt` of `chain` handed on
    to a retry record or a dead letter) or `released` (given back unsent)."""

    alert: AlertKey
    state: Literal["sent", "failed", "released"]
    chain: str = ""
    attempt: int = 0
    channel: str | None = None


@dataclass
class LedgerBatch:
    outcomes: list[Outcome] = field(default_factory=list)
    sources: list[tuple[str, ArticleRef]] = field(default_factory=list)
    claims: list[ClaimRequest] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.outcomes) + len(self.sources) + len(self.claims)


@dataclass
class BatchResult:
    claims: list[Claim]  # one per request, in order


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
    """The `delivery_ledger` and `event_sources` tables."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"

    def apply(
        self, batch: LedgerBatch, worker: str, lease_seconds: float, at: datetime | None = None
    ) -> BatchResult:
        """Everything in `batch`, in one transaction (see the module)."""
        at = at or now()
        with self._engine.begin() as conn:
            self._outcomes(conn, batch.outcomes, worker, at)
            self._add_sources(conn, batch.sources, at)
            claims = self._claims(conn, batch.claims, worker, lease_end(at, lease_seconds), at)
        return BatchResult(claims)

    def row(self, alert: AlertKey) -> LedgerRow | None:
        """One alert's row (operators, tests)."""
        with read_only(self._engine) as conn:
            found = conn.execute(select(_t).where(tuple_(*_KEY) == _key(alert))).first()
        return None if found is None else _row(found)

    # -- the parts of one batch ---------------------------------------------------------
    def _outcomes(
        self, conn: Connection, outcomes: list[Outcome], worker: str, at: datetime
    ) -> None:
        by_state: dict[str, list[dict[str, Any]]] = {"sent": [], "failed": [], "released": []}
        for o in sorted(outcomes, key=lambda o: o.alert):
            params = {**_key_params(o.alert), "v_chain": o.chain, "v_attempt": o.attempt}
            by_state[o.state].append(params | {"v_channel": o.channel})
        done = {"claimed_by": None, "lease_until": None, "updated_at": at}
        if by_state["sent"]:
            stmt = update(_t).where(_where_key())
            conn.execute(
                stmt.values(state="sent", channel=bindparam("v_channel"), **done),
                by_state["sent"],
            )
        if by_state["failed"]:  # never over a `sent`: a late failure changes nothing then
            stmt = update(_t).where(_where_key() & (_t.c.state != "sent"))
            values: dict[str, Any] = {
                "chain": bindparam("v_chain"),
                "attempt": bindparam("v_attempt"),
            }
            conn.execute(
                stmt.values(state="failed", channel=bindparam("v_channel"), **values, **done),
                by_state["failed"],
            )
        if by_state["released"]:
            mine = (_t.c.state == "claimed") & (_t.c.claimed_by == worker)
            conn.execute(
                update(_t).where(_where_key() & mine).values(state="released", **done),
                by_state["released"],
            )

    def _add_sources(
        self, conn: Connection, sources: list[tuple[str, ArticleRef]], at: datetime
    ) -> None:
        unique = {(event_id, ref.id): ref for event_id, ref in sources}
        if not unique:
            return
        rows = [
            {"event_id": e, "article_id": a, "ref": ref.model_dump_json(), "seen_at": at}
            for (e, a), ref in sorted(unique.items(), key=lambda kv: kv[0])
        ]
        stmt = dialect_insert(self._engine, event_sources).on_conflict_do_nothing(  # type: ignore[attr-defined]
            index_elements=["event_id", "article_id"]
        )
        conn.execute(stmt, rows)

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
        first: dict[AlertKey, ClaimRequest] = {}
        for request in requests:
            first.setdefault(request.alert, request)
        keys = sorted(first)  # one lock order for every replica: no deadlocks between them
        claimed = {"state": "claimed", "claimed_by": worker, "lease_until": until}
        inserted = conn.execute(
            dialect_insert(self._engine, _t)
            .values(
                [
                    {
                        **dict(
                            zip(("subscription_id", "event_id", "article_id"), _key(k), strict=True)
                        ),
                        **claimed,
                        "updated_at": at,
                    }
                    for k in keys
                ]
            )
            .on_conflict_do_nothing(index_elements=["subscription_id", "event_id", "article_id"])  # type: ignore[attr-defined]
            .returning(*_KEY)
        ).all()
        granted = {AlertKey(*r) for r in inserted}
        outcome: dict[AlertKey, Claim] = {}
        existing = [k for k in keys if k not in granted]
        if existing:
            query = select(_t).where(tuple_(*_KEY).in_([_key(k) for k in existing]))
            if self._postgres:
                query = query.order_by(*_KEY).with_for_update()
            taken: list[dict[str, Any]] = []
            for found in conn.execute(query).all():
                alert, row = AlertKey(*found[:3]), _row(found)
                request = first[alert]
                decision = decide(row, request.chain, request.attempt, at)
                if decision == "claim":
                    granted.add(alert)
                    taken.append(_key_params(alert))
                elif decision == "busy":
                    outcome[alert] = Busy(busy_for(row, at))
                else:
                    outcome[alert] = SKIP
            if taken:
                conn.execute(update(_t).where(_where_key()).values(**claimed, updated_at=at), taken)
        for alert, go in self._go(conn, [first[k] for k in keys if k in granted]).items():
            outcome[alert] = go
        results: list[Claim] = []
        answered: set[AlertKey] = set()
        for request in requests:
            if request.alert in answered:  # the same alert twice in one batch: one of them
                results.append(Busy(BUSY_POLL_SECONDS))
                continue
            answered.add(request.alert)
            results.append(outcome.get(request.alert, Busy(BUSY_POLL_SECONDS)))
        return results

    def _go(self, conn: Connection, granted: list[ClaimRequest]) -> dict[AlertKey, Go]:
        """The claims granted: whether each is an update alert, and its sources."""
        if not granted:
            return {}
        wants_updates = {
            (r.alert.subscription_id, r.alert.event_id) for r in granted if r.alert.article_id
        }
        sent_before: set[tuple[str, str]] = set()
        if wants_updates:
            sent_before = {
                (r[0], r[1])
                for r in conn.execute(
                    select(_t.c.subscription_id, _t.c.event_id)
                    .where(
                        _t.c.state == "sent",
                        tuple_(_t.c.subscription_id, _t.c.event_id).in_(sorted(wants_updates)),
                    )
                    .distinct()
                ).all()
            }
        refs: dict[str, list[tuple[str, str]]] = {}
        for event_id, article_id, ref in conn.execute(
            select(event_sources.c.event_id, event_sources.c.article_id, event_sources.c.ref)
            .where(event_sources.c.event_id.in_(sorted({r.alert.event_id for r in granted})))
            .order_by(event_sources.c.id)
        ).all():
            refs.setdefault(event_id, []).append((article_id, ref))
        result: dict[AlertKey, Go] = {}
        for r in granted:
            others = [ref for a, ref in refs.get(r.alert.event_id, []) if a != r.first.id]
            sources = [
                r.first,
                *map(ArticleRef.model_validate_json, others[: limits.MAX_ALERT_SOURCES - 1]),
            ]
            update_alert = (r.alert.subscription_id, r.alert.event_id) in sent_before
            result[r.alert] = Go(update_alert and bool(r.alert.article_id), sources)
        return result


def _row(found: Any) -> LedgerRow:
    m = found._mapping
    return LedgerRow(m["state"], m["claimed_by"], m["lease_until"], m["chain"], int(m["attempt"]))
