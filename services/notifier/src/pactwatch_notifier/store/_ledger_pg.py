"""A ledger batch on PostgreSQL as one statement: one round trip, one implicit transaction.

Each part of the batch is a data-modifying CTE over arrays bound as parameters (`unnest`):
the outcomes (`UPDATE … FROM unnest`), the new sources, the new claims (`INSERT … ON
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
  FROM unnest(%(s_sub)s::text[], %(s_ev)s::text[], %(s_art)s::text[], %(s_chan)s::text[])
    AS u(sub, ev, art, chan)
  WHERE {_KEYS}
),
failed AS (  -- never over a `sent`: a late failure changes nothing then
  UPDATE delivery_ledger d
  SET state = 'failed', chain = u.chain, attempt = u.attempt, channel = u.chan, {_DONE}
  FROM unnest(%(f_sub)s::text[], %(f_ev)s::text[], %(f_art)s::text[], %(f_chain)s::text[],
              %(f_attempt)s::int[], %(f_chan)s::text[])
    AS u(sub, ev, art, chain, attempt, chan)
  WHERE {_KEYS} AND d.state <> 'sent'
),
released AS (  -- only the holder's own claims
  UPDATE delivery_ledger d SET state = 'released', {_DONE}
  FROM unnest(%(r_sub)s::text[], %(r_ev)s::text[], %(r_art)s::text[]) AS u(sub, ev, art)
  WHERE {_KEYS} AND d.state = 'claimed' AND d.claimed_by = %(worker)s
),
added AS (
  INSERT INTO event_sources (event_id, article_id, ref, seen_at)
  SELECT ev, art, ref, %(at)s
  FROM unnest(%(a_ev)s::text[], %(a_art)s::text[], %(a_ref)s::text[]) WITH ORDINALITY
    AS u(ev, art, ref, n)
  ORDER BY n
  ON CONFLICT (event_id, article_id) DO NOTHING
),
req AS (
  SELECT * FROM unnest(%(c_sub)s::text[], %(c_ev)s::text[], %(c_art)s::text[],
                       %(c_chain)s::text[], %(c_attempt)s::int[])
    AS u(sub, ev, art, chain, attempt)
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
              FROM event_sources WHERE event_id = ANY(%(c_ev)s::text[])),
  'sent_before', (SELECT coalesce(json_agg(json_build_array(subscription_id, event_id)), '[]')
                  FROM (SELECT DISTINCT subscription_id, event_id FROM delivery_ledger
                        WHERE state = 'sent' AND (subscription_id, event_id) IN
                          (SELECT * FROM unnest(%(p_sub)s::text[], %(p_ev)s::text[]))) p)
)
"""

_EMPTY: dict[str, list[Any]] = {
    name: []
    for name in (
        *("s_sub", "s_ev", "s_art", "s_chan"),
        *("f_sub", "f_ev", "f_art", "f_chain", "f_attempt", "f_chan"),
        *("r_sub", "r_ev", "r_art"),
        *("a_ev", "a_art", "a_ref"),
        *("c_sub", "c_ev", "c_art", "c_chain", "c_attempt"),
        *("p_sub", "p_ev"),
    )
}


@dataclass(frozen=True, slots=True)
class Statements:
    """One batch as the parameters of one statement (two when an alert is both an outcome
    and a claim in it), and what reading the answer needs."""

    params: list[dict[str, Any]]
    batch: LedgerBatch
    first: dict[AlertKey, ClaimRequest]  # each alert's first request in the batch
    at: datetime


def statements(batch: LedgerBatch, worker: str, lease_seconds: float, at: datetime) -> Statements:
    """The batch as arrays, one per column of each part."""
    parts: dict[str, list[tuple[Any, ...]]] = {"sent": [], "failed": [], "released": []}
    for o in _one_outcome_each(batch.outcomes):
        row: tuple[Any, ...] = (o.alert.subscription_id, o.alert.event_id, o.alert.article_id)
        if o.state == "sent":
            row += (o.channel,)
        elif o.state == "failed":
            row += (o.chain, o.attempt, o.channel)
        parts[o.state].append(row)
    sources = [(e, a, ref.model_dump_json()) for (e, a), ref in unique_sources(batch.sources)]
    writes = (
        _columns(parts["sent"], "s_sub", "s_ev", "s_art", "s_chan")
        | _columns(parts["failed"], "f_sub", "f_ev", "f_art", "f_chain", "f_attempt", "f_chan")
        | _columns(parts["released"], "r_sub", "r_ev", "r_art")
        | _columns(sources, "a_ev", "a_art", "a_ref")
    )
    first: dict[AlertKey, ClaimRequest] = {}
    for request in batch.claims:
        first.setdefault(request.alert, request)
    keys = sorted(first)
    requested = [
        (k.subscription_id, k.event_id, k.article_id, first[k].chain, first[k].attempt)
        for k in keys
    ]
    pairs = sorted({(k.subscription_id, k.event_id) for k in keys if k.article_id})
    claims = _columns(requested, "c_sub", "c_ev", "c_art", "c_chain", "c_attempt") | _columns(
        pairs, "p_sub", "p_ev"
    )
    fixed = {"worker": worker, "until": lease_end(at, lease_seconds), "at": at}
    if {o.alert for o in batch.outcomes}.isdisjoint(first):
        params = [_EMPTY | writes | claims | fixed]
    else:  # one row written twice: not in one statement (see the module)
        params = [_EMPTY | writes | fixed, _EMPTY | claims | fixed]
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


def _columns(rows: list[tuple[Any, ...]], *names: str) -> dict[str, list[Any]]:
    """Rows as one array per column (what `unnest` takes)."""
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}


def _locked_row(found: list[Any]) -> tuple[AlertKey, LedgerRow]:
    """One row of the answer's `locked` part (its timestamps arrive as JSON text)."""
    sub, ev, art, state, claimed_by, lease_until, chain, attempt = found
    until = None if lease_until is None else datetime.fromisoformat(lease_until)
    return AlertKey(sub, ev, art), LedgerRow(state, claimed_by, until, chain, int(attempt))
