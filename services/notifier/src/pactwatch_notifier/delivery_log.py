"""Which (subscription, event) pairs were delivered: the notifier's idempotency record.

Consumption is at least once, so an event can come back after a crash or rebalance;
a pair found here is not delivered again. It is written right after the receiver
accepted, and before the Kafka offset is committed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class DeliveryLog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS deliveries ("
            " subscription_id TEXT NOT NULL, event_id TEXT NOT NULL, channel TEXT NOT NULL,"
            " delivered_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,"
            " PRIMARY KEY (subscription_id, event_id))"
        )

    def delivered(self, subscription_id: str, event_id: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM deliveries WHERE subscription_id = ? AND event_id = ?",
            (subscription_id, event_id),
        ).fetchone()
        return row is not None

    def record(self, subscription_id: str, event_id: str, channel: str) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO deliveries (subscription_id, event_id, channel)"
            " VALUES (?, ?, ?)",
            (subscription_id, event_id, channel),
        )

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0])

    def close(self) -> None:
        self._db.close()
