"""A ledger batch on PostgreSQL as one statement: one round trip, one implicit transaction.

Each part of the batch is a data-modifying CTE over its rows, bound as one JSON parameter:
the outcomes (`UPDATE … FROM json_to_recordset`), the new sources, the new claims (`INSERT … ON
CONFLICT DO NOTHING RETURNING`), the existing rows of the other claims locked in key order
(`SELECT … FOR UPDATE`: one lock order for every replica) and taken over where
`claims.decide` would (`UPDATE … FROM locked`). The statement answers with one JSON value:
what was inserted, taken and locked, the claimed events' earlier sources and which
(subscription, event) pairs were sent before.

Every CTE reads the snapshot taken when the statement starts, so the final `SELECT` does
not see this batch's own writes: `result` adds this batch's sources and sent outcomes
itself. Two writes to one row in one statement are not allowed, so a batch
whose outcomes and claims share an alert runs as two statements in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .claims import (
    BUSY_POLL_SECONDS,
    SKIP,
    AlertKey,
    BatchResult,
    Busy,
    Claim,
    ClaimRequest,
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

_KEYS = "d.subscription_id = u.sub AND d.event_id = u.ev AND d.article_id = u.art"
_DONE = "claimed_by = NULL, lease_until = NULL, updated_at = %(at)s"

STATEMENT = f"""
WITH
sent AS (
  UPDATE delivery_ledger d SET state = 'sent', channel = u.chan, {_DONE}
  FROM json_to_recordset(%(sent)s::json) AS u(sub text, ev text, art text, chan text)
  WHERE {_KEYS}
),
failed AS (  -- never over a `sent`: a late failure changes nothing then
  UPDATE delivery_ledger d
  SET state = 'failed', chain = u.chain, attempt = u.attempt, channel = u.chan, {_DONE}
  FROM json_to_recordset(%(failed)s::json)
    AS u(sub text, ev text, art text, chain text, attempt int, chan text)
  WHERE {_KEYS} AND d.state <> 'sent'
),
released AS (  -- only the holder's own claims
  UPDATE delivery_ledger d SET state = 'released', {_DONE}
  FROM json_to_recordset(%(released)s::json) AS u(sub text, ev text, art text)
  WHERE {_KEYS} AND d.state = 'claimed' AND d.claimed_by = %(worker)s
),
added AS (
  INSERT INTO event_sources (event_id, article_id, ref, seen_at)
  SELECT ev, art, ref, %(at)s
  FROM json_to_recordset(%(sources)s::json) AS u(ev text, art text, ref text)
  ORDER BY ev, art
  ON CONFLICT (event_id, article_id) DO NOTHING
),
req AS (
  SELECT * FROM json_to_recordset(%(claims)s::json)
    AS u(sub text, ev text, art text, chain text, attempt int)
),
new AS (
  INSERT INTO delivery_ledger
    (subscription_id, event_id, article_id, state, claimed_by, lease_until, updated_at)
  SELECT sub, ev, art, 'claimed', %(worker)s, %(until)s, %(at)s FROM req ORDER BY sub, ev, art
  ON CONFLICT (subscription_id, event_id, article_id) DO NOTHING
  RETURNING subscription_id AS sub, event_id AS ev, article_id AS art
),
locked AS (
  SELECT d.subscription_id AS sub, d.event_id AS ev, d.article_id AS art, d.state,
         d.claimed_by, d.lease_until, d.chain AS row_chain, d.attempt AS row_attempt,
         u.chain, u.attempt
  FROM delivery_ledger d JOIN req u ON {_KEYS}
  ORDER BY d.subscription_id, d.event_id, d.article_id
  FOR UPDATE OF d
),
taken AS (  -- what `claims.decide` calls "claim"
  UPDATE delivery_ledger d
  SET state = 'claimed', claimed_by = %(worker)s, lease_until = %(until)s, updated_at = %(at)s
  FROM locked u
  WHERE {_KEYS} AND u.state <> 'sent'
    AND NOT (u.state = 'claimed' AND u.lease_until IS NOT NULL AND u.lease_until > %(at)s)
    AND NOT (u.row_chain = u.chain AND u.attempt <= u.row_attempt)
  RETURNING d.subscription_id AS sub, d.event_id AS ev, d.article_id AS art
)
SELECT json_build_object(
  'new', (SELECT coalesce(json_agg(json_build_array(sub, ev, art)), '[]') FROM new),
  'taken', (SELECT coalesce(json_agg(json_build_array(sub, ev, art)), '[]') FROM taken),
  'locked', (SELECT coalesce(json_agg(json_build_array(
      sub, ev, art, state, claimed_by, lease_until, row_chain, row_attempt)), '[]') FROM locked),
  'sources', (SELECT coalesce(json_agg(json_build_array(event_id, article_id, ref) ORDER BY id),
                              '[]')
              FROM event_sources WHERE event_id IN (SELECT ev FROM req)),
  'sent_before', (SELECT coalesce(json_agg(json_build_array(subscription_id, event_id)), '[]')
                  FROM (SELECT DISTINCT subscription_id, event_id FROM delivery_ledger
                        WHERE state = 'sent' AND (subscription_id, event_id) IN
                          (SELECT sub, ev FROM req WHERE art <> '')) p)
)
"""

#: Each part's rows as one JSON parameter (`json_to_recordset`): one string to send, built
#: by the json module's C encoder (psycopg dumping list parameters as arrays cost more).
_PARTS = ("sent", "failed", "released", "sources", "claims")
_NONE = dict.fromkeys(_PARTS, "[]")


@dataclass(frozen=True, slots=True)
class Statements:
    """One batch as the parameters of one statement (two when an alert is both an outcome
    and a claim in it), and what reading the answer needs."""

    params: list[dict[str, Any]]
    batch: LedgerBatch
    first: dict[AlertKey, ClaimRequest]  # each alert's first request in the batch
    at: datetime


def statements(batch: LedgerBatch, worker: str, lease_seconds: float, at: datetime) -> Statements:
    """The batch as the statement's parameters: each part's rows as one JSON array."""
    rows: dict[str, list[dict[str, Any]]] = {"sent": [], "failed": [], "released": []}
    for o in _one_outcome_each(batch.outcomes):
        row: dict[str, Any] = _key(o.alert)
        if o.state == "sent":
            row["chan"] = o.channel
        elif o.state == "failed":
            row |= {"chain": o.chain, "attempt": o.attempt, "chan": o.channel}
        rows[o.state].append(row)
    sources = [
        {"ev": e, "art": a, "ref": ref.model_dump_json()}
        for (e, a), ref in unique_sources(batch.sources)
    ]
    writes = {name: json.dumps(part) for name, part in rows.items()} | {
        "sources": json.dumps(sources)
    }
    first = first_requests(batch.claims)
    requested = [_key(k) | {"chain": first[k].chain, "attempt": first[k].attempt} for k in first]
    claims = {"claims": json.dumps(requested)}
    fixed = {"worker": worker, "until": lease_end(at, lease_seconds), "at": at}
    if {o.alert for o in batch.outcomes}.isdisjoint(first):
        params = [_NONE | writes | claims | fixed]
    else:  # one row written twice: not in one statement (see the module)
        params = [_NONE | writes | fixed, _NONE | claims | fixed]
    return Statements(params, batch, first, at)


def result(statements: Statements, answer: dict[str, Any]) -> BatchResult:
    """The claims' answers from the (last) statement's JSON."""
    batch, at = statements.batch, statements.at
    granted = {AlertKey(*k) for k in answer["new"]} | {AlertKey(*k) for k in answer["taken"]}
    outcome: dict[AlertKey, Claim] = {}
    for found in answer["locked"]:
        alert, row = _locked_row(found)
        if alert not in granted:
            request = statements.first[alert]
            decision = decide(row, request.chain, request.attempt, at)
            # "claim" yet not taken: the row changed under the lock; ask again shortly
            outcome[alert] = (
                SKIP
                if decision == "skip"
                else Busy(busy_for(row, at))
                if decision == "busy"
                else Busy(BUSY_POLL_SECONDS)
            )
    refs: dict[str, list[tuple[str, str]]] = {}
    for event_id, article_id, ref in answer["sources"]:
        refs.setdefault(event_id, []).append((article_id, ref))
    for (event_id, article_id), ref in unique_sources(batch.sources):  # not in the snapshot
        known = refs.setdefault(event_id, [])
        if all(a != article_id for a, _ in known):
            known.append((article_id, ref.model_dump_json()))
    sent_before = {(s, e) for s, e in answer["sent_before"]} | {
        (o.alert.subscription_id, o.alert.event_id) for o in batch.outcomes if o.state == "sent"
    }
    granted_requests = [statements.first[k] for k in sorted(granted) if k in statements.first]
    outcome.update(gos(granted_requests, refs, sent_before))
    return BatchResult(answers(batch.claims, outcome))


_PRECEDENCE = {"sent": 2, "failed": 1, "released": 0}


def _one_outcome_each(outcomes: list[Outcome]) -> list[Outcome]:
    """One outcome per alert (a row is written once per statement), the one that the
    statements in turn would leave: a `sent` over a failure, a failure over a release (a
    release takes only a claim), the latest attempt of failures."""
    final: dict[AlertKey, Outcome] = {}
    for o in outcomes:
        kept = final.get(o.alert)
        rank = (_PRECEDENCE[o.state], o.attempt)
        if kept is None or rank >= (_PRECEDENCE[kept.state], kept.attempt):
            final[o.alert] = o
    return [final[k] for k in sorted(final)]


def _key(alert: AlertKey) -> dict[str, Any]:
    return {"sub": alert.subscription_id, "ev": alert.event_id, "art": alert.article_id}


def _locked_row(found: list[Any]) -> tuple[AlertKey, LedgerRow]:
    """One row of the answer's `locked` part (its timestamps arrive as JSON text)."""
    sub, ev, art, state, claimed_by, lease_until, chain, attempt = found
    until = None if lease_until is None else datetime.fromisoformat(lease_until)
    return AlertKey(sub, ev, art), LedgerRow(state, claimed_by, until, chain, int(attempt))
