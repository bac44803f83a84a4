"""`Store.subscriptions` against real databases: every test runs on SQLite and on a PostgreSQL
server the test set-up starts (Debian's binaries, 127.0.0.1)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from pactwatch_notifier.models import (
    EmailChannel,
    Filters,
    SubscriptionCreate,
    SubscriptionUpdate,
    WebhookChannel,
)
from pactwatch_notifier.store import Conflict, Store

from ..helpers import SECRET, email_subscription

pytestmark = pytest.mark.integration


def test_create_get_update_delete(store: Store) -> None:
    made = store.subscriptions.create(
        SubscriptionCreate(
            channel=WebhookChannel(url="https://hooks.example.org/x", secrets=[SECRET]),  # type: ignore[arg-type]
            filters=Filters(keywords=["签约", "MoU"], source_tags={"region": ["wuxi"]}),
            label="ops",
        )
    )
    assert len(made.id) == 32 and made.state == "active" and made.confirmed_at is not None
    got = store.subscriptions.get(made.id)
    assert got == made
    assert got.filters.keywords == ["签约", "MoU"] and got.filters.source_tags == {
        "region": ["wuxi"]
    }
    assert got.created_at.tzinfo is not None

    with pytest.raises(Conflict):
        store.subscriptions.create(
            SubscriptionCreate(id=made.id, channel=EmailChannel(address="x@example.org"))
        )

    other = "whsec_" + "B" * 40
    changed = store.subscriptions.update(
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
        store.subscriptions.update(made.id, SubscriptionUpdate(mode="daily"))
    assert store.subscriptions.update("missing", SubscriptionUpdate(label="x")) is None

    before_delete = datetime.now(UTC)
    assert store.subscriptions.delete(made.id) is True
    assert store.subscriptions.get(made.id) is None and store.subscriptions.delete(made.id) is False
    assert store.subscriptions.deleted_since(before_delete - timedelta(seconds=1)) == [made.id]
    # The id can be used again; it is then no longer reported as deleted.
    store.subscriptions.create(
        SubscriptionCreate(id=made.id, channel=EmailChannel(address="x@example.org"))
    )
    assert store.subscriptions.deleted_since(before_delete - timedelta(seconds=1)) == []


def test_pagination_and_state_filter(store: Store) -> None:
    for n in range(7):
        store.subscriptions.create(
            email_subscription(n, state="pending" if n % 3 == 0 else "active")
        )
    page, total = store.subscriptions.page(offset=0, limit=3)
    assert total == 7 and [s.id for s in page] == ["sub-000", "sub-001", "sub-002"]
    page, total = store.subscriptions.page(offset=6, limit=3)
    assert total == 7 and [s.id for s in page] == ["sub-006"]
    page, total = store.subscriptions.page(offset=10, limit=3)
    assert total == 7 and page == []
    pending, total = store.subscriptions.page(state="pending")
    assert total == 3 and {s.id for s in pending} == {"sub-000", "sub-003", "sub-006"}
    assert all(s.confirmed_at is None for s in pending)
    with pytest.raises(ValueError):
        store.subscriptions.page(offset=-1)


def test_state_transitions_and_confirm(store: Store) -> None:
    store.subscriptions.create(email_subscription(1, state="pending"))
    confirmed = store.subscriptions.confirm("sub-001")
    assert confirmed is not None and confirmed.state == "active" and confirmed.confirmed_at
    again = store.subscriptions.confirm("sub-001")
    assert again is not None and again.confirmed_at == confirmed.confirmed_at  # second click

    paused = store.subscriptions.set_state("sub-001", "paused")
    assert paused is not None and paused.state == "paused"
    assert store.subscriptions.confirm("sub-001").state == "paused"  # type: ignore[union-attr]

    disabled = store.subscriptions.set_state("sub-001", "disabled", "410 Gone from the endpoint")
    assert disabled is not None and disabled.state_reason == "410 Gone from the endpoint"
    resumed = store.subscriptions.update("sub-001", SubscriptionUpdate(state="active"))
    assert resumed is not None and resumed.state == "active" and resumed.state_reason is None
    assert (
        store.subscriptions.set_state("missing", "paused") is None
        and store.subscriptions.confirm("missing") is None
    )

    # A pending subscription activated by an operator gets its confirmed_at then.
    store.subscriptions.create(email_subscription(2, state="pending"))
    assert store.subscriptions.set_state("sub-002", "active").confirmed_at is not None  # type: ignore[union-attr]


def test_find_by_email_and_changed_since(store: Store) -> None:
    store.subscriptions.create(
        SubscriptionCreate(id="a", channel=EmailChannel(address="Ann@Example.org"))
    )
    store.subscriptions.create(
        SubscriptionCreate(id="b", channel=EmailChannel(address="bob@example.org"))
    )
    assert [s.id for s in store.subscriptions.find_by_email("ann@example.ORG")] == ["a"]
    assert store.subscriptions.find_by_email("nobody@example.org") == []

    assert {s.id for s in store.subscriptions.changed_since(None)} == {"a", "b"}
    time.sleep(0.01)
    mark = datetime.now(UTC)
    time.sleep(0.01)
    assert store.subscriptions.changed_since(mark) == []
    store.subscriptions.set_state("b", "paused")
    store.subscriptions.create(
        SubscriptionCreate(id="c", channel=EmailChannel(address="c@example.org"))
    )
    assert [s.id for s in store.subscriptions.changed_since(mark)] == ["b", "c"]


def test_upsert_keeps_state(store: Store) -> None:
    record, created = store.subscriptions.upsert(email_subscription(1))
    assert created and record.state == "active"
    store.subscriptions.set_state("sub-001", "disabled", "410")
    record, created = store.subscriptions.upsert(
        email_subscription(1, filters={"keywords": ["port"]})
    )
    assert not created and record.state == "disabled" and record.filters.keywords == ["port"]
    record, _ = store.subscriptions.upsert(email_subscription(1), keep_state=False)
    assert record.state == "active"
