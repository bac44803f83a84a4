"""A ledger batch on SQLite: plain SQL on the driver's connection, one `BEGIN IMMEDIATE`.

The rest of the store speaks SQLAlchemy Core; this batch does not, because it runs on the
workers' event loop for every delivery and SQLAlchemy's per-execute work (compiling the
cache key, binding each parameter through its type, building result rows) cost more than
SQLite's own: a profile put most of a batch there. Here each statement is a fixed string
that `sqlite3` prepares once and keeps in its statement cache, run per row by
`executemany`, or per key with the primary key's index (a lookup is a few microseconds).

The caller's `BEGIN IMMEDIATE` (`_base.sqlite_transaction`) takes the write lock before
the first read, so what a batch reads stays true until it commits: a claim's row looked up
and found missing is inserted with a plain `INSERT` (a conflict there would be a bug and
fails the batch, which is tried again).
Datetimes are stored as SQLAlchemy's SQLite `DATETIME` text (`_base.sqlite_text`), so the
rest of the store reads what this writes and the other way round.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from pactwatch_schemas import ArticleRef

from ._base import sqlite_datetime, sqlite_text
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

_KEY = "subscription_id = ? AND event_id = ? AND article_id = ?"
_DONE = "claimed_by = NULL, lease_until = NULL, updated_at = ?"

SENT = f"UPDATE delivery_ledger SET state = 'sent', channel = ?, {_DONE} WHERE {_KEY}"
FAILED = (  # never over a `sent`: a late failure changes nothing then
    "UPDATE delivery_ledger SET state = 'failed', chain = ?, attempt = ?, channel = ?,"
    f" {_DONE} WHERE {_KEY} AND state != 'sent'"
)
RELEASED = (  # only the holder's own claims
    f"UPDATE delivery_ledger SET state = 'released', {_DONE}"
    f" WHERE {_KEY} AND state = 'claimed' AND claimed_by = ?"
)
ADD_SOURCE = (
    "INSERT INTO event_sources (event_id, article_id, ref, seen_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (event_id, article_id) DO NOTHING"
)
ROW = f"SELECT state, claimed_by, lease_until, chain, attempt FROM delivery_ledger WHERE {_KEY}"
NEW_CLAIM = (
    "INSERT INTO delivery_ledger (subscription_id, event_id, article_id, state, claimed_by,"
    " lease_until, chain, attempt, updated_at) VALUES (?, ?, ?, 'claimed', ?, ?, '', 0, ?)"
)
TAKE = (
    "UPDATE delivery_ledger SET state = 'claimed', claimed_by = ?, lease_until = ?,"
    f" updated_at = ? WHERE {_KEY}"
)
SENT_BEFORE = (
    "SELECT 1 FROM delivery_ledger"
    " WHERE subscription_id = ? AND event_id = ? AND state = 'sent' LIMIT 1"
)
SOURCES_OF = "SELECT article_id, ref FROM event_sources WHERE event_id = ? ORDER BY id"


def apply(
    db: sqlite3.Connection, batch: LedgerBatch, worker: str, lease_seconds: float, at: datetime
) -> BatchResult:
    """Everything in `batch`, within the caller's transaction (`_base.sqlite_transaction`):
    the outcomes, the new sources, the claims."""
    stamp = sqlite_text(at)
    _outcomes(db, batch.outcomes, worker, stamp)
    _add_sources(db, batch.sources, stamp)
    return BatchResult(_claims(db, batch.claims, worker, lease_end(at, lease_seconds), at))


def _outcomes(db: sqlite3.Connection, outcomes: list[Outcome], worker: str, at: str) -> None:
    sent: list[tuple[Any, ...]] = []
    failed: list[tuple[Any, ...]] = []
    released: list[tuple[Any, ...]] = []
    for o in outcomes:
        key = o.alert.columns()
        if o.state == "sent":
            sent.append((o.channel, at, *key))
        elif o.state == "released":
            released.append((at, *key, worker))
        else:
            failed.append((o.chain, o.attempt, o.channel, at, *key))
    for statement, rows in ((SENT, sent), (FAILED, failed), (RELEASED, released)):
        if rows:
            db.executemany(statement, rows)


def _add_sources(db: sqlite3.Connection, sources: list[tuple[str, ArticleRef]], at: str) -> None:
    rows = [(e, a, ref.model_dump_json(), at) for (e, a), ref in unique_sources(sources)]
    if rows:
        db.executemany(ADD_SOURCE, rows)


def _claims(
    db: sqlite3.Connection,
    requests: list[ClaimRequest],
    worker: str,
    until: datetime,
    at: datetime,
) -> list[Claim]:
    if not requests:
        return []
    first = first_requests(requests)
    stamp, lease = sqlite_text(at), sqlite_text(until)
    granted: list[ClaimRequest] = []
    new: list[tuple[Any, ...]] = []
    taken: list[tuple[Any, ...]] = []
    outcome: dict[AlertKey, Claim] = {}
    for alert, request in first.items():
        key = alert.columns()
        found = db.execute(ROW, key).fetchone()
        if found is None:
            new.append((*key, worker, lease, stamp))
            granted.append(request)
            continue
        row = LedgerRow(found[0], found[1], sqlite_datetime(found[2]), found[3], int(found[4]))
        decision = decide(row, request.chain, request.attempt, at)
        if decision == "claim":
            taken.append((worker, lease, stamp, *key))
            granted.append(request)
        elif decision == "busy":
            outcome[alert] = Busy(busy_for(row, at))
        else:
            outcome[alert] = SKIP
    if new:
        db.executemany(NEW_CLAIM, new)
    if taken:
        db.executemany(TAKE, taken)
    outcome.update(_go(db, granted))
    return answers(requests, outcome)


def _go(db: sqlite3.Connection, granted: list[ClaimRequest]) -> dict[AlertKey, Go]:
    """The claims granted: whether each is an update alert, and its sources."""
    if not granted:
        return {}
    pairs = {(r.alert.subscription_id, r.alert.event_id) for r in granted if r.alert.article_id}
    sent_before = {pair for pair in pairs if db.execute(SENT_BEFORE, pair).fetchone()}
    events = {r.alert.event_id for r in granted}
    refs = {e: db.execute(SOURCES_OF, (e,)).fetchall() for e in events}
    return gos(granted, refs, sent_before)
