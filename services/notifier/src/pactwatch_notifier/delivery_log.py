"""The notifier's SQLite store: what was delivered, how far each retry chain got, and which
articles reported each event. (Disabled subscriptions live in the subscriptions database.)

Consumption is at least once, so an event (or a retry record) can come back after a crash or
a rebalance. A (subscription, event) pair found delivered is not delivered again; a retry
record whose attempt this replica already handed on is skipped. Both are written right after
the outcome is known and before the Kafka offset is committed.

The store is per replica (a file in the data dir): see the README on partitions moving.
It stays a plain local SQLite file on purpose: it sits on the hot path (a few statements per
delivery) and keeps the exactly-once bookkeeping fast. What operators see (the outcome of each
alert) goes to the shared subscriptions database in batches, through `DeliveryRecorder`.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import structlog

from pactwatch_schemas import ArticleRef, limits

from . import metrics
from .store import Deliveries, DeliveryOutcomeRow

log = structlog.get_logger("pactwatch.notifier")


class DeliveryLog:
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

    # -- delivered pairs -------------------------------------------------------------------
    def delivered(self, subscription_id: str, event_id: str, article_id: str = "") -> bool:
        row = self._db.execute(
            "SELECT 1 FROM delivery_log"
            " WHERE subscription_id = ? AND event_id = ? AND article_id = ?",
            (subscription_id, event_id, article_id),
        ).fetchone()
        return row is not None

    def delivered_any(self, subscription_id: str, event_id: str) -> bool:
        """Whether this subscriber got any alert for the event, from whichever article."""
        row = self._db.execute(
            "SELECT 1 FROM delivery_log WHERE subscription_id = ? AND event_id = ? LIMIT 1",
            (subscription_id, event_id),
        ).fetchone()
        return row is not None

    def record(
        self, subscription_id: str, event_id: str, channel: str, article_id: str = ""
    ) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO delivery_log (subscription_id, event_id, article_id, channel)"
            " VALUES (?, ?, ?, ?)",
            (subscription_id, event_id, article_id, channel),
        )

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM delivery_log").fetchone()[0])

    # -- retry chains ----------------------------------------------------------------------
    def handed_on(self, subscription_id: str, event_id: str, article_id: str, chain: str) -> int:
        """The highest attempt of this chain already finished here (0: none)."""
        row = self._db.execute(
            "SELECT attempt FROM progress WHERE subscription_id = ? AND event_id = ?"
            " AND article_id = ? AND chain = ?",
            (subscription_id, event_id, article_id, chain),
        ).fetchone()
        return int(row[0]) if row else 0

    def hand_on(
        self, subscription_id: str, event_id: str, article_id: str, chain: str, attempt: int
    ) -> None:
        self._db.execute(
            "INSERT INTO progress (subscription_id, event_id, article_id, chain, attempt)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT DO UPDATE SET attempt = MAX(attempt, excluded.attempt)",
            (subscription_id, event_id, article_id, chain, attempt),
        )

    # -- articles per event ----------------------------------------------------------------
    def add_source(self, event_id: str, ref: ArticleRef) -> bool:
        """Remember that `ref` reported the event; True if it is new."""
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO event_articles (event_id, article_id, ref) VALUES (?, ?, ?)",
            (event_id, ref.id, ref.model_dump_json()),
        )
        return cursor.rowcount > 0

    def sources(self, event_id: str, first: ArticleRef) -> list[ArticleRef]:
        """The event's own article first, then the others in the order they were seen."""
        rows = self._db.execute(
            "SELECT ref FROM event_articles WHERE event_id = ? AND article_id != ?"
            " ORDER BY seen_at, rowid LIMIT ?",
            (event_id, first.id, limits.MAX_ALERT_SOURCES - 1),
        ).fetchall()
        return [first, *(ArticleRef.model_validate_json(r[0]) for r in rows)]

    def close(self) -> None:
        self._db.close()


class DeliveryRecorder:
    """Outcomes of alerts, written to the subscriptions database in batches (every
    `interval` seconds, off the event loop), so the database is never on the hot path.

    The rows are for listing (`Deliveries.page`); duplicates are prevented
    by the `DeliveryLog`, so a batch lost in a crash loses only history, never correctness.
    """

    def __init__(self, deliveries: Deliveries, interval: float = 0.5, max_batch: int = 5000):
        self.deliveries = deliveries
        self.interval = interval
        self.max_batch = max_batch
        self._rows: list[DeliveryOutcomeRow] = []

    def add(
        self,
        subscription_id: str,
        event_id: str,
        article_id: str,
        channel: str,
        outcome: str,
        attempt: int,
        error: str | None = None,
    ) -> None:
        self._rows.append(
            DeliveryOutcomeRow(
                subscription_id,
                event_id,
                article_id,
                channel,
                outcome,  # type: ignore[arg-type]
                attempt,
                datetime.now(UTC),
                error,
            )
        )

    async def flush(self) -> None:
        while self._rows:
            batch, self._rows = self._rows[: self.max_batch], self._rows[self.max_batch :]
            try:
                await asyncio.to_thread(self.deliveries.record, batch)
            except Exception as exc:  # the database is away: keep the rows, try again later
                metrics.STORE_ERRORS.labels("record").inc()
                log.warning("delivery_record_failed", error=repr(exc), rows=len(batch))
                self._rows = batch + self._rows
                if len(self._rows) > 20 * self.max_batch:  # bounded memory: drop the oldest
                    self._rows = self._rows[-20 * self.max_batch :]
                return

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)
            await self.flush()
