"""The articles already published, on disk, so a restart does not publish them again."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path


class SeenStore:
    """A SQLite set of article ids. Written only after the broker confirmed the publish."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS seen ("
            " article_id TEXT PRIMARY KEY, source_id TEXT NOT NULL,"
            " first_seen TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )

    def unseen(self, ids: Iterable[str]) -> set[str]:
        """Those of `ids` not published yet."""
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT article_id FROM seen WHERE article_id IN ({marks})", chunk
            )
            found.update(row[0] for row in rows)
        return set(wanted) - found

    def mark(self, source_id: str, ids: Iterable[str]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO seen (article_id, source_id) VALUES (?, ?)",
                [(i, source_id) for i in ids],
            )

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0])

    def close(self) -> None:
        self._db.close()
