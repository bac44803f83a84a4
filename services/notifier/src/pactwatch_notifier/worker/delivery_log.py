"""The delivery log: what this worker delivered, how far each retry chain got, and which
articles reported each event; the interface the delivery step uses, and its local SQLite
implementation.

Consumption is at least once, so an event (or a retry record) comes back after a crash or a
rebalance. Before an attempt the log says whether to make it (`begin`): not for an alert
already delivered, nor for an attempt of a retry chain already handed on. After it, the
outcome is marked (`mark_delivered`, `mark_handed_on`) before the Kafka offset behind it is
committed.

`LocalDeliveryLog` is per replica (a file in the data dir): see the README on partitions
moving. It is a plain local SQLite file on purpose: it sits on the hot path (a few statements
per delivery). What operators see (the outcome of each alert) goes to the store in batches,
through `DeliveryRecorder` (`recorder.py`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pactwatch_schemas import ArticleRef, limits


@dataclass(frozen=True, slots=True)
class AlertKey:
    """One alert: a subscription and an event, and for a subscription that wants updates the
    article reporting it (it gets one alert per article); `article_id` is "" otherwise."""

    subscription_id: str
    event_id: str
    article_id: str = ""


@dataclass(frozen=True, slots=True)
class Go:
    """Make the attempt. `update`: an alert for this event from an earlier article went out
    already, so this one is an update alert."""

    update: bool


class DeliveryLog(Protocol):
    """What the delivery step (`deliver.py`) needs to alert each subscriber once."""

    def begin(self, alert: AlertKey, chain: str, attempt: int) -> Go | None:
        """Before attempt `attempt` of retry chain `chain`: None when it must not be made
        (the alert was delivered, or this attempt was handed on already)."""
        ...

    def mark_delivered(self, alert: AlertKey, channel: str) -> None:
        """The receiver accepted the alert."""
        ...

    def mark_handed_on(self, alert: AlertKey, chain: str, attempt: int) -> None:
        """The attempt failed and its outcome (a retry record, a dead letter) is durable."""
        ...

    def add_source(self, event_id: str, ref: ArticleRef) -> bool:
        """Remember that `ref` reported the event; True if it is new."""
        ...

    def sources(self, event_id: str, first: ArticleRef) -> list[ArticleRef]:
        """The event's own article first, then the others in the order they were seen."""
        ...

    def close(self) -> None: ...


class LocalDeliveryLog:
    """The delivery log in a SQLite file of this replica's own (`DATA_DIR`)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS delivery_log (
              subscription_id TEXT NOT NULL, event_id TEXT NOT NULL,
              article_id TEXT NOT NULL DEFAULT '', channel TEXT NOT NULL,
              delivered_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
              PRIMARY KEY (subscription_id, event_id, article_id));
            CREATE TABLE IF NOT EXISTS progress (
              subscription_id TEXT NOT NULL, event_id TEXT NOT NULL, article_id TEXT NOT NULL,
              chain TEXT NOT NULL, attempt INTEGER NOT NULL,
              PRIMARY KEY (subscription_id, event_id, article_id, chain));
            CREATE TABLE IF NOT EXISTS event_articles (
              event_id TEXT NOT NULL, article_id TEXT NOT NULL, ref TEXT NOT NULL,
              seen_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
              PRIMARY KEY (event_id, article_id));
            """
        )
        self._migrate_foundation_table()

    def _migrate_foundation_table(self) -> None:
        """The first release keyed `deliveries` by (subscription, event) only: carry it over."""
        old = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deliveries'"
        ).fetchone()
        if old is not None:
            self._db.executescript(
                "BEGIN;"
                "INSERT OR IGNORE INTO delivery_log"
                " (subscription_id, event_id, channel, delivered_at)"
                " SELECT subscription_id, event_id, channel, delivered_at FROM deliveries;"
                "DROP TABLE deliveries;"
                "COMMIT;"
            )

    def begin(self, alert: AlertKey, chain: str, attempt: int) -> Go | None:
        key = (alert.subscription_id, alert.event_id, alert.article_id)
        if self._db.execute(
            "SELECT 1 FROM delivery_log"
            " WHERE subscription_id = ? AND event_id = ? AND article_id = ?",
            key,
        ).fetchone():
            return None
        row = self._db.execute(
            "SELECT attempt FROM progress WHERE subscription_id = ? AND event_id = ?"
            " AND article_id = ? AND chain = ?",
            (*key, chain),
        ).fetchone()
        if row is not None and attempt <= int(row[0]):
            return None
        update = (
            bool(alert.article_id)
            and self._db.execute(
                "SELECT 1 FROM delivery_log WHERE subscription_id = ? AND event_id = ? LIMIT 1",
                key[:2],
            ).fetchone()
            is not None
        )
        return Go(update)

    def mark_delivered(self, alert: AlertKey, channel: str) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO delivery_log (subscription_id, event_id, article_id, channel)"
            " VALUES (?, ?, ?, ?)",
            (alert.subscription_id, alert.event_id, alert.article_id, channel),
        )

    def mark_handed_on(self, alert: AlertKey, chain: str, attempt: int) -> None:
        # A late replay of an earlier attempt never moves the chain back.
        self._db.execute(
            "INSERT INTO progress (subscription_id, event_id, article_id, chain, attempt)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT DO UPDATE SET attempt = MAX(attempt, excluded.attempt)",
            (alert.subscription_id, alert.event_id, alert.article_id, chain, attempt),
        )

    def add_source(self, event_id: str, ref: ArticleRef) -> bool:
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO event_articles (event_id, article_id, ref) VALUES (?, ?, ?)",
            (event_id, ref.id, ref.model_dump_json()),
        )
        return cursor.rowcount > 0

    def sources(self, event_id: str, first: ArticleRef) -> list[ArticleRef]:
        rows = self._db.execute(
            "SELECT ref FROM event_articles WHERE event_id = ? AND article_id != ?"
            " ORDER BY seen_at, rowid LIMIT ?",
            (event_id, first.id, limits.MAX_ALERT_SOURCES - 1),
        ).fetchall()
        return [first, *(ArticleRef.model_validate_json(r[0]) for r in rows)]

    def close(self) -> None:
        self._db.close()
