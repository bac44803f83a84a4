"""The delivery ledger on SQLite and PostgreSQL: claims, their leases and take-over, outcomes,
update alerts and the sources per event, each through one batch (one transaction)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest

from pactwatch_notifier.store import (
    SKIP,
    AlertKey,
    Busy,
    ClaimRequest,
    Go,
    LedgerBatch,
    Outcome,
    Store,
)

from ..helpers import make_event

pytestmark = pytest.mark.integration

LEASE = 30.0


def _claim(store: Store, worker: str, *requests: ClaimRequest, at=None) -> list[object]:  # type: ignore[no-untyped-def]
    return list(store.ledger.apply(LedgerBatch(claims=list(requests)), worker, LEASE, at).claims)


def _request(n: int, sub: str = "hook", chain: str = "first", attempt: int = 1) -> ClaimRequest:
    event = make_event(n)
    return ClaimRequest(AlertKey(sub, event.event_id), event.article, chain, attempt)


def test_a_claim_is_one_replicas_until_sent_then_nobodys(store: Store) -> None:
    request = _request(1)
    [go] = _claim(store, "a", request)
    assert isinstance(go, Go) and not go.update
    assert go.sources == [request.first]
    [busy] = _claim(store, "b", request)  # replica b while a is sending
    assert isinstance(busy, Busy) and 0 < busy.retry_in <= 0.5
    [mine] = _claim(store, "a", request)  # a itself: that attempt is under way
    assert isinstance(mine, Busy)
    store.ledger.apply(
        LedgerBatch(outcomes=[Outcome(request.alert, "sent", channel="webhook")]), "a", LEASE
    )
    assert _claim(store, "b", request) == [SKIP]
    row = store.ledger.row(request.alert)
    assert row is not None and row.state == "sent" and row.claimed_by is None


def test_a_dead_replicas_claim_is_taken_over_after_its_lease(store: Store) -> None:
    request = _request(2)
    [go] = _claim(store, "dead", request)
    assert isinstance(go, Go)
    row = store.ledger.row(request.alert)
    assert row is not None and row.lease_until is not None
    later = row.lease_until + timedelta(seconds=1)
    [taken] = _claim(store, "b", request, at=later)
    assert isinstance(taken, Go)
    row = store.ledger.row(request.alert)
    assert row is not None and row.claimed_by == "b"


def test_a_lease_written_by_a_batch_reads_back_to_the_microsecond(store: Store) -> None:
    """SQLite's batch writes its own SQL text; the rest of the store reads it through
    SQLAlchemy: the same aware UTC instant comes back."""
    request = _request(6)
    at = datetime(2026, 12, 3, 5, 6, 7, 890123, tzinfo=timezone(timedelta(hours=8)))
    _claim(store, "a", request, at=at)
    row = store.ledger.row(request.alert)
    assert row is not None and row.lease_until == at + timedelta(seconds=LEASE)
    assert row.lease_until.utcoffset() == timedelta(0)


def test_a_released_claim_is_free_at_once_and_only_the_holder_releases(store: Store) -> None:
    request = _request(3)
    _claim(store, "a", request)
    store.ledger.apply(LedgerBatch(outcomes=[Outcome(request.alert, "released")]), "b", LEASE)
    assert isinstance(_claim(store, "b", request)[0], Busy)  # b could not release a's claim
    store.ledger.apply(LedgerBatch(outcomes=[Outcome(request.alert, "released")]), "a", LEASE)
    assert isinstance(_claim(store, "b", request)[0], Go)


def test_a_handed_on_attempt_is_not_made_again_but_the_next_one_is(store: Store) -> None:
    first = _request(4)
    _claim(store, "a", first)
    failed = Outcome(first.alert, "failed", "first", 1, "webhook")
    store.ledger.apply(LedgerBatch(outcomes=[failed]), "a", LEASE)
    assert _claim(store, "b", first) == [SKIP]  # the events record again: attempt 1 is done
    assert isinstance(_claim(store, "b", _request(4, attempt=2))[0], Go)
    # A late failure never overwrites a `sent`.
    sent = Outcome(first.alert, "sent", channel="webhook")
    store.ledger.apply(LedgerBatch(outcomes=[sent, failed]), "b", LEASE)
    row = store.ledger.row(first.alert)
    assert row is not None and row.state == "sent"


def test_update_alerts_and_sources_per_event(store: Store) -> None:
    event, other = make_event(5), make_event(5, article=50, source="other")
    batch = LedgerBatch(sources=[(event.event_id, event.article)])
    first = ClaimRequest(
        AlertKey("news", event.event_id, event.article.id), event.article, "first", 1
    )
    batch.claims.append(first)
    [go] = store.ledger.apply(batch, "a", LEASE).claims
    assert isinstance(go, Go) and not go.update
    store.ledger.apply(
        LedgerBatch(outcomes=[Outcome(first.alert, "sent", channel="email")]), "a", LEASE
    )
    # The same event from another article, read by another replica.
    again = ClaimRequest(
        AlertKey("news", event.event_id, other.article.id), other.article, "first", 1
    )
    [update] = store.ledger.apply(
        LedgerBatch(sources=[(event.event_id, other.article)], claims=[again]), "b", LEASE
    ).claims
    assert isinstance(update, Go) and update.update
    assert update.sources == [other.article, event.article]


def test_many_claims_in_one_batch_each_get_their_answer(store: Store) -> None:
    requests = [_request(n) for n in range(10, 60)]
    _claim(store, "a", *requests[:25])
    answers = _claim(store, "b", *requests, requests[30])  # one alert twice in the batch
    assert all(isinstance(a, Busy) for a in answers[:25])
    assert all(isinstance(a, Go) for a in answers[25:50])
    assert isinstance(answers[50], Busy)


async def test_the_workers_path_writes_the_same_batch_without_a_thread(store: Store) -> None:
    """`apply_async` (PostgreSQL: an asyncio connection; SQLite: in place) is `apply`."""
    request = _request(40)
    claim = LedgerBatch(claims=[request], sources=[(request.alert.event_id, request.first)])
    [go] = (await store.ledger.apply_async(claim, "a", LEASE)).claims
    assert isinstance(go, Go) and go.sources == [request.first]
    [busy] = (await store.ledger.apply_async(LedgerBatch(claims=[request]), "b", LEASE)).claims
    assert isinstance(busy, Busy)
    sent = LedgerBatch(outcomes=[Outcome(request.alert, "sent", channel="webhook")])
    await store.ledger.apply_async(sent, "a", LEASE)
    assert _claim(store, "b", request) == [SKIP]  # the sync path sees what the async one wrote
    await store.close_async()


def test_an_alert_both_handed_on_and_claimed_in_one_batch(store: Store) -> None:
    """Attempt 1 failed and attempt 2 asked for in the same batch (an immediate retry):
    the failure is written first, then the claim decided on it."""
    first = _request(70)
    _claim(store, "a", first)
    failed = Outcome(first.alert, "failed", "first", 1, "webhook")
    retry = _request(70, attempt=2)
    batch = LedgerBatch(outcomes=[failed], claims=[retry])
    [go] = store.ledger.apply(batch, "a", LEASE).claims
    assert isinstance(go, Go)
    row = store.ledger.row(first.alert)
    assert row is not None and row.state == "claimed" and row.attempt == 1


def test_replicas_claiming_the_same_alerts_at_once_get_each_once(store: Store) -> None:
    """Four replicas race for the same 200 alerts, in batches of different orders: every
    alert is granted to exactly one of them."""
    requests = [_request(n) for n in range(100, 300)]
    orders = [
        requests,
        requests[::-1],
        requests[50:] + requests[:50],
        requests[::2] + requests[1::2],
    ]

    def race(worker: str, order: list[ClaimRequest]) -> list[AlertKey]:
        granted = []
        for start in range(0, len(order), 40):
            part = order[start : start + 40]
            for request, answer in zip(part, _claim(store, worker, *part), strict=True):
                if isinstance(answer, Go):
                    granted.append(request.alert)
        return granted

    with ThreadPoolExecutor(4) as pool:
        won = list(pool.map(race, "abcd", orders))
    every = [alert for alerts in won for alert in alerts]
    assert sorted(every) == sorted(r.alert for r in requests)
