"""The subscriptions store against real databases: every test runs on SQLite and on a
PostgreSQL server the test set-up starts (Debian's binaries, 127.0.0.1)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pydantic import ValidationError
from sqlalchemy import create_engine, text

from pactwatch_notifier.db import metadata
from pactwatch_notifier.models import (
    EmailChannel,
    Filters,
    SubscriptionCreate,
    SubscriptionUpdate,
    WebhookChannel,
)
from pactwatch_notifier.store import Conflict, DeliveryOutcomeRow, SubscriptionStore

from .helpers import SECRET, make_event

pytestmark = pytest.mark.integration


@pytest.fixture
def store(database_url: str) -> SubscriptionStore:
    s = SubscriptionStore(database_url)
    s.migrate()
    yield s  # type: ignore[misc]
    s.close()


def _email(n: int, **extra: object) -> SubscriptionCreate:
    return SubscriptionCreate.model_validate(
        {"id": f"sub-{n:03d}", "channel": {"kind": "email", "address": f"user{n}@example.org"}}
        | extra
    )


def test_create_get_update_delete(store: SubscriptionStore) -> None:
    made = store.create(
        SubscriptionCreate(
            channel=WebhookChannel(url="https://hooks.example.org/x", secrets=[SECRET]),  # type: ignore[arg-type]
            filters=Filters(keywords=["签约", "MoU"], source_tags={"region": ["wuxi"]}),
            label="ops",
        )
    )
    assert len(made.id) == 32 and made.state == "active" and made.confirmed_at is not None
    got = store.get(made.id)
    assert got == made
    assert got.filters.keywords == ["签约", "MoU"] and got.filters.source_tags == {
        "region": ["wuxi"]
    }
    assert got.created_at.tzinfo is not None

    with pytest.raises(Conflict):
        store.create(SubscriptionCreate(id=made.id, channel=EmailChannel(address="x@example.org")))

    other = "whsec_" + "B" * 40
    changed = store.update(
        made.id,
        SubscriptionUpdate(
            webhook_secrets=[other], filters=Filters(event_types=["signing"]), updates=True
        ),
    )
    assert changed is not None
    assert changed.channel.kind == "webhook" and changed.channel.secrets == [other]
    assert changed.filters.event_types == ["signing"] and changed.updates
    assert changed.label == "ops"  # untouched field kept
    assert changed.updated_at > made.updated_at and changed.created_at == made.created_at
    with pytest.raises(ValueError, match="digest"):
        store.update(made.id, SubscriptionUpdate(mode="daily"))
    assert store.update("missing", SubscriptionUpdate(label="x")) is None

    before_delete = datetime.now(UTC)
    assert store.delete(made.id) is True
    assert store.get(made.id) is None and store.delete(made.id) is False
    assert store.deleted_since(before_delete - timedelta(seconds=1)) == [made.id]
    # The id can be used again; it is then no longer reported as deleted.
    store.create(SubscriptionCreate(id=made.id, channel=EmailChannel(address="x@example.org")))
    assert store.deleted_since(before_delete - timedelta(seconds=1)) == []


def test_validation_is_clear() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        _email(1, timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="digest"):
        SubscriptionCreate.model_validate(
            {"channel": {"kind": "webhook", "url": "https://e.org/h"}, "mode": "daily"}
        )
    with pytest.raises(ValidationError, match="http"):
        SubscriptionCreate.model_validate({"channel": {"kind": "webhook", "url": "ftp://e.org"}})
    with pytest.raises(ValidationError):
        _email(1, digest_hour=24)
    with pytest.raises(ValidationError):
        _email(1, filters={"min_confidence": 1.5})


def test_pagination_and_state_filter(store: SubscriptionStore) -> None:
    for n in range(7):
        store.create(_email(n, state="pending" if n % 3 == 0 else "active"))
    page, total = store.list(offset=0, limit=3)
    assert total == 7 and [s.id for s in page] == ["sub-000", "sub-001", "sub-002"]
    page, total = store.list(offset=6, limit=3)
    assert total == 7 and [s.id for s in page] == ["sub-006"]
    page, total = store.list(offset=10, limit=3)
    assert total == 7 and page == []
    pending, total = store.list(state="pending")
    assert total == 3 and {s.id for s in pending} == {"sub-000", "sub-003", "sub-006"}
    assert all(s.confirmed_at is None for s in pending)
    with pytest.raises(ValueError):
        store.list(offset=-1)


def test_state_transitions_and_confirm(store: SubscriptionStore) -> None:
    store.create(_email(1, state="pending"))
    confirmed = store.confirm("sub-001")
    assert confirmed is not None and confirmed.state == "active" and confirmed.confirmed_at
    again = store.confirm("sub-001")
    assert again is not None and again.confirmed_at == confirmed.confirmed_at  # second click

    paused = store.set_state("sub-001", "paused")
    assert paused is not None and paused.state == "paused"
    assert store.confirm("sub-001").state == "paused"  # type: ignore[union-attr]

    disabled = store.set_state("sub-001", "disabled", "410 Gone from the endpoint")
    assert disabled is not None and disabled.state_reason == "410 Gone from the endpoint"
    resumed = store.update("sub-001", SubscriptionUpdate(state="active"))
    assert resumed is not None and resumed.state == "active" and resumed.state_reason is None
    assert store.set_state("missing", "paused") is None and store.confirm("missing") is None

    # A pending subscription activated by an operator gets its confirmed_at then.
    store.create(_email(2, state="pending"))
    assert store.set_state("sub-002", "active").confirmed_at is not None  # type: ignore[union-attr]


def test_find_by_email_and_changed_since(store: SubscriptionStore) -> None:
    store.create(SubscriptionCreate(id="a", channel=EmailChannel(address="Ann@Example.org")))
    store.create(SubscriptionCreate(id="b", channel=EmailChannel(address="bob@example.org")))
    assert [s.id for s in store.find_by_email("ann@example.ORG")] == ["a"]
    assert store.find_by_email("nobody@example.org") == []

    assert {s.id for s in store.changed_since(None)} == {"a", "b"}
    time.sleep(0.01)
    mark = datetime.now(UTC)
    time.sleep(0.01)
    assert store.changed_since(mark) == []
    store.set_state("b", "paused")
    store.create(SubscriptionCreate(id="c", channel=EmailChannel(address="c@example.org")))
    assert [s.id for s in store.changed_since(mark)] == ["b", "c"]


def test_upsert_keeps_state(store: SubscriptionStore) -> None:
    record, created = store.upsert(_email(1))
    assert created and record.state == "active"
    store.set_state("sub-001", "disabled", "410")
    record, created = store.upsert(_email(1, filters={"keywords": ["port"]}))
    assert not created and record.state == "disabled" and record.filters.keywords == ["port"]
    record, _ = store.upsert(_email(1), keep_state=False)
    assert record.state == "active"


def test_deliveries_listing(store: SubscriptionStore) -> None:
    t0 = datetime(2026, 11, 21, 8, tzinfo=UTC)
    rows = [
        DeliveryOutcomeRow(
            "s1", f"{n:032x}", "", "webhook", "delivered", 1, t0 + timedelta(minutes=n)
        )
        for n in range(5)
    ]
    rows.append(
        DeliveryOutcomeRow("s2", f"{9:032x}", "", "email", "retry_scheduled", 1, t0, "421 busy")
    )
    store.record_deliveries(rows)
    # A later outcome replaces the earlier one; attempts only go up; the error is kept.
    store.record_deliveries(
        [
            DeliveryOutcomeRow(
                "s2", f"{9:032x}", "", "email", "dead_lettered", 4, t0 + timedelta(hours=1), "550"
            )
        ]
    )
    page, total = store.list_deliveries(limit=2)
    assert total == 6
    assert [(d.subscription_id, d.outcome) for d in page] == [
        ("s2", "dead_lettered"),
        ("s1", "delivered"),
    ]
    assert page[0].attempts == 4 and page[0].last_error == "550" and page[0].delivered_at is None
    assert page[1].event_id == f"{4:032x}" and page[1].delivered_at == t0 + timedelta(minutes=4)
    only, total = store.list_deliveries(subscription_id="s1", offset=3, limit=10)
    assert total == 5 and [d.event_id for d in only] == [f"{1:032x}", f"{0:032x}"]


def test_digest_items_are_claimed_once(store: SubscriptionStore, database_url: str) -> None:
    store.create(_email(1, mode="daily"))
    base = datetime.now(UTC) - timedelta(minutes=10)
    for n in range(40):
        assert store.add_digest_item("sub-001", make_event(n), at=base + timedelta(seconds=n))
    assert not store.add_digest_item("sub-001", make_event(3))  # a replayed event
    assert set(store.pending_digests()) == {"sub-001"}

    # Two replicas (own engines) race for the same period, and for two different period ends
    # (clocks that disagree): every item ends up in exactly one digest.
    replicas = [SubscriptionStore(database_url) for _ in range(4)]
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
        results[i] = replicas[i].claim_digest("sub-001", period_ends[i], f"worker-{i}")

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
    assert store.claim_digest("sub-001", base + timedelta(seconds=30), "late") is None
    # Nothing pending before a period: nothing to claim.
    assert store.claim_digest("sub-001", base, "early") is None

    rest = store.claim_digest("sub-001", datetime.now(UTC), "worker-x")
    assert rest is not None and len(rest.items) == 10
    store.digest_sent(rest.id)
    assert store.pending_digests() == {}
    history = store.digest_history("sub-001")
    assert sum(h["items"] for h in history) == 40


def test_a_dead_workers_digest_is_taken_over(store: SubscriptionStore) -> None:
    store.create(_email(1, mode="hourly"))
    store.add_digest_item("sub-001", make_event(1), at=datetime.now(UTC) - timedelta(minutes=1))
    claimed = store.claim_digest("sub-001", datetime.now(UTC), "dies")
    assert claimed is not None
    assert store.reclaim_stale_digests("other", datetime.now(UTC) - timedelta(minutes=5)) == []
    taken = store.reclaim_stale_digests("other", datetime.now(UTC) + timedelta(seconds=1))
    assert [t.id for t in taken] == [claimed.id] and len(taken[0].items) == 1
    # A failed send comes back when its retry is due, not before; a final failure never.
    store.digest_failed(
        claimed.id, "421", retry_at=datetime.now(UTC) + timedelta(hours=1), lease_seconds=60
    )
    # (Workers ask for claims older than now - lease: an hour on, that is now + 59 min.)
    later = datetime.now(UTC) + timedelta(minutes=57)
    assert store.reclaim_stale_digests("x", later) == []
    assert store.reclaim_stale_digests("x", later + timedelta(minutes=3))[0].attempts == 1
    store.release_digest(claimed.id)
    assert len(store.reclaim_stale_digests("y", datetime.now(UTC))) == 1
    store.digest_failed(claimed.id, "550", retry_at=None, lease_seconds=60)
    assert store.reclaim_stale_digests("z", datetime.now(UTC) + timedelta(days=1)) == []


def test_migrations_are_idempotent_and_match_the_tables(database_url: str) -> None:
    store = SubscriptionStore(database_url)
    store.migrate()
    store.migrate()
    store.close()
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            "0001"
        ]
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_concurrent_migrate_from_two_processes(database_url: str) -> None:
    code = (
        "import sys; from pactwatch_notifier.store import SubscriptionStore;"
        "s = SubscriptionStore(sys.argv[1]); s.migrate(); s.close(); print('ok')"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, database_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    store = SubscriptionStore(database_url)
    store.migrate()
    assert store.create(_email(1)).id == "sub-001"
    store.close()
