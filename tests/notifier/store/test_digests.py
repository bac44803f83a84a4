"""`Store.digests`, digest items and claims: every test runs on SQLite and on a PostgreSQL server
the test set-up starts (Debian's binaries, 127.0.0.1)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from pactwatch_notifier.store import Store

from ..helpers import email_subscription, make_event

pytestmark = pytest.mark.integration


def test_digest_items_are_claimed_once(store: Store, database_url: str) -> None:
    store.subscriptions.create(email_subscription(1, mode="daily"))
    base = datetime.now(UTC) - timedelta(minutes=10)
    for n in range(40):
        assert store.digests.add_item("sub-001", make_event(n), at=base + timedelta(seconds=n))
    assert not store.digests.add_item("sub-001", make_event(3))  # a replayed event
    assert set(store.digests.pending()) == {"sub-001"}

    # Two replicas (own engines) race for the same period, and for two different period ends
    # (clocks that disagree): every item ends up in exactly one digest.
    replicas = [Store(database_url) for _ in range(4)]
    period_ends = [
        base + timedelta(seconds=20),
        base + timedelta(seconds=20),
        base + timedelta(seconds=30),
        base + timedelta(seconds=30),
    ]
    results: list[object] = [None] * 4
    barrier = threading.Barrier(4)

    def claim(i: int) -> None:
        barrier.wait()
        results[i] = replicas[i].digests.claim("sub-001", period_ends[i], f"worker-{i}")

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for r in replicas:
        r.close()
    won = [r for r in results if r is not None]
    assert 1 <= len(won) <= 2
    assert len({w.period_end for w in won}) == len(won)  # type: ignore[attr-defined]
    claimed = [i.event_id for w in won for i in w.items]  # type: ignore[attr-defined]
    assert len(claimed) == len(set(claimed)) == 30  # matched before the latest period end
    # Newest first within a digest.
    for w in won:
        times = [i.detected_at for i in w.items]  # type: ignore[attr-defined]
        assert times == sorted(times, reverse=True)
    assert store.digests.claim("sub-001", base + timedelta(seconds=30), "late") is None
    # Nothing pending before a period: nothing to claim.
    assert store.digests.claim("sub-001", base, "early") is None

    rest = store.digests.claim("sub-001", datetime.now(UTC), "worker-x")
    assert rest is not None and len(rest.items) == 10
    store.digests.sent(rest.id)
    assert store.digests.pending() == {}
    history = store.digests.history("sub-001")
    assert sum(h["items"] for h in history) == 40


def test_a_dead_workers_digest_is_taken_over(store: Store) -> None:
    store.subscriptions.create(email_subscription(1, mode="hourly"))
    store.digests.add_item("sub-001", make_event(1), at=datetime.now(UTC) - timedelta(minutes=1))
    claimed = store.digests.claim("sub-001", datetime.now(UTC), "dies")
    assert claimed is not None
    assert store.digests.reclaim_stale("other", datetime.now(UTC) - timedelta(minutes=5)) == []
    taken = store.digests.reclaim_stale("other", datetime.now(UTC) + timedelta(seconds=1))
    assert [t.id for t in taken] == [claimed.id] and len(taken[0].items) == 1
    # A failed send comes back when its retry is due, not before; a final failure never.
    store.digests.failed(
        claimed.id, "421", retry_at=datetime.now(UTC) + timedelta(hours=1), lease_seconds=60
    )
    # (Workers ask for claims older than now - lease: an hour on, that is now + 59 min.)
    later = datetime.now(UTC) + timedelta(minutes=57)
    assert store.digests.reclaim_stale("x", later) == []
    assert store.digests.reclaim_stale("x", later + timedelta(minutes=3))[0].attempts == 1
    store.digests.release(claimed.id)
    assert len(store.digests.reclaim_stale("y", datetime.now(UTC))) == 1
    store.digests.failed(claimed.id, "550", retry_at=None, lease_seconds=60)
    assert store.digests.reclaim_stale("z", datetime.now(UTC) + timedelta(days=1)) == []
