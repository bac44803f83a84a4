"""The local delivery log: once delivered, an alert is not attempted again; a retry chain
never goes back; the sources of an event come in the order seen. Across restarts."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pactwatch_notifier.worker.delivery_log import AlertKey, Go, LocalDeliveryLog
from pactwatch_schemas import ArticleRef

from ..test_channels import ID, event

pytestmark = pytest.mark.unit


def _ref(n: int) -> ArticleRef:
    return ArticleRef(
        id=f"{n:032x}",
        url=f"https://news{n}.example.org/p",
        title="T",
        source_id=f"site-{n}",
        fetched_at=datetime(2026, 11, 21, tzinfo=UTC),
    )


def _rows(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("SELECT COUNT(*) FROM delivery_log").fetchone()[0])
    finally:
        db.close()


def test_the_log_survives_restarts(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite3"
    log = LocalDeliveryLog(path)
    per_article = AlertKey("s", ID, "a" * 32)
    log.mark_delivered(per_article, "webhook")
    log.mark_handed_on(AlertKey("s", ID), "first", 2)
    log.mark_handed_on(AlertKey("s", ID), "first", 1)  # a late replay never moves it back
    log.add_source(ID, _ref(1))
    log.add_source(ID, _ref(1))
    log.add_source(ID, _ref(2))
    log.close()
    log = LocalDeliveryLog(path)
    assert log.begin(per_article, "first", 1) is None  # delivered
    # Another article of the same event: an update for this subscriber, a first alert for
    # another one.
    assert log.begin(AlertKey("s", ID, "b" * 32), "first", 1) == Go(update=True)
    assert log.begin(AlertKey("t", ID, "b" * 32), "first", 1) == Go(update=False)
    # The chain was handed on at attempt 2: attempts 1 and 2 are skipped, 3 goes ahead.
    assert log.begin(AlertKey("s", ID), "first", 2) is None
    assert log.begin(AlertKey("s", ID), "first", 3) == Go(update=False)
    assert log.begin(AlertKey("s", ID), "replay-1", 1) == Go(update=False)  # a new chain
    first = event().article
    assert [r.source_id for r in log.sources(ID, first)] == ["s", "site-1", "site-2"]
    log.close()


def test_the_log_migrates_the_first_release_table(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite3"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE deliveries (subscription_id TEXT NOT NULL, event_id TEXT NOT NULL,"
        " channel TEXT NOT NULL, delivered_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,"
        " PRIMARY KEY (subscription_id, event_id))"
    )
    db.execute(
        "INSERT INTO deliveries (subscription_id, event_id, channel) VALUES ('s', ?, 'x')", (ID,)
    )
    db.commit()
    db.close()
    log = LocalDeliveryLog(path)
    assert log.begin(AlertKey("s", ID), "first", 1) is None
    log.close()
    assert _rows(path) == 1


def test_the_log_is_keyed_by_subscription_and_event(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite3"
    log = LocalDeliveryLog(path)
    assert log.begin(AlertKey("s1", ID), "first", 1) == Go(update=False)
    log.mark_delivered(AlertKey("s1", ID), "webhook")
    log.mark_delivered(AlertKey("s1", ID), "webhook")  # a replay records nothing new
    log.close()
    log = LocalDeliveryLog(path)
    assert log.begin(AlertKey("s1", ID), "first", 1) is None
    assert log.begin(AlertKey("s2", ID), "first", 1) == Go(update=False)
    log.close()
    assert _rows(path) == 1
