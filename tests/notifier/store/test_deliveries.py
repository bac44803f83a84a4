"""`Store.deliveries`, the listing of outcomes the workers report: every test runs on SQLite and on
a PostgreSQL server the test set-up starts (Debian's binaries, 127.0.0.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pactwatch_notifier.store import DeliveryOutcomeRow, Store

pytestmark = pytest.mark.integration


async def test_deliveries_listing(store: Store) -> None:
    """The workers' upsert (on the event loop: SQLite in place, PostgreSQL on the asyncio
    engine), read back through the listing."""
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
    await store.deliveries.record(rows)
    # A later outcome replaces the earlier one; attempts only go up; the error is kept.
    await store.deliveries.record(
        [
            DeliveryOutcomeRow(
                "s2", f"{9:032x}", "", "email", "dead_lettered", 4, t0 + timedelta(hours=1), "550"
            )
        ]
    )
    page, total = store.deliveries.page(limit=2)
    assert total == 6
    assert [(d.subscription_id, d.outcome) for d in page] == [
        ("s2", "dead_lettered"),
        ("s1", "delivered"),
    ]
    assert page[0].attempts == 4 and page[0].last_error == "550" and page[0].delivered_at is None
    assert page[1].event_id == f"{4:032x}" and page[1].delivered_at == t0 + timedelta(minutes=4)
    only, total = store.deliveries.page(subscription_id="s1", offset=3, limit=10)
    assert total == 5 and [d.event_id for d in only] == [f"{1:032x}", f"{0:032x}"]
    await store.close_async()


def test_a_failed_sqlite_transaction_leaves_nothing_half_written(tmp_path: Path) -> None:
    """The plain-SQL paths (ledger batch, deliveries listing) share one transaction helper:
    a write followed by an error is rolled back, and the connection goes back usable."""
    from pactwatch_notifier.store._base import sqlite_text, sqlite_transaction

    store = Store(f"sqlite:///{tmp_path}/s.sqlite3")
    store.migrate()
    engine = store._engine
    insert = (
        "INSERT INTO deliveries (subscription_id, event_id, article_id, channel, outcome,"
        " attempts, updated_at) VALUES ('s', 'e', '', 'webhook', 'delivered', 1, ?)"
    )
    with pytest.raises(ZeroDivisionError), sqlite_transaction(engine) as db:
        db.execute(insert, (sqlite_text(datetime.now(UTC)),))
        _ = 1 / 0
    assert store.deliveries.page()[1] == 0
    with sqlite_transaction(engine) as db:
        db.execute(insert, (sqlite_text(datetime.now(UTC)),))
    assert store.deliveries.page()[1] == 1
    store.close()
