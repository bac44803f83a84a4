"""The articles already published, shared by every replica and surviving restarts.

The truth is the compacted seen topic, keyed by article id, written after the article's
publish was acknowledged. Every replica reads all of it (no consumer group) into a local
SQLite cache that also stores how far it has read each partition, so a restart only reads
what is new. A replica publishes nothing before it has caught up with the topic's end.

Race window: two replicas that publish the same article (one URL listed by two sources they
each own) within the moment between one's publish and the other's reading of its seen
record publish it twice. The classifier's event id is derived from the article id, so the
notifier still alerts once.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import structlog
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from pactwatch_runtime import CountingConsumer

from .metrics import STANDARD

log = structlog.get_logger("pactwatch.crawler.seen")

_SIGN = 1 << 63


def _to_sql(fingerprint: int | None) -> int | None:
    """SQLite integers are signed 64-bit; simhashes are unsigned."""
    if fingerprint is None:
        return None
    return fingerprint - (1 << 64) if fingerprint >= _SIGN else fingerprint


def _from_sql(value: int | None) -> int | None:
    if value is None:
        return None
    return value + (1 << 64) if value < 0 else value


@dataclass(frozen=True, slots=True)
class SeenRecord:
    """One published article, as the seen topic stores it."""

    article_id: str
    source_id: str
    first_seen: float  # Unix time
    simhash: int | None = None  # None: text too short to fingerprint, or a near-duplicate
    duplicate_of: str | None = None

    def encode(self) -> bytes:
        return json.dumps(
            {
                "source_id": self.source_id,
                "first_seen": self.first_seen,
                "simhash": self.simhash,
                "duplicate_of": self.duplicate_of,
            },
            separators=(",", ":"),
        ).encode()

    @classmethod
    def decode(cls, key: bytes, value: bytes) -> SeenRecord | None:
        try:
            data = json.loads(value)
            simhash = data.get("simhash")
            return cls(
                article_id=key.decode(),
                source_id=str(data["source_id"]),
                first_seen=float(data["first_seen"]),
                simhash=int(simhash) if simhash is not None else None,
                duplicate_of=data.get("duplicate_of"),
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return None


class SeenStore:
    """The local SQLite cache of the seen topic, with the offset read up to per partition."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # the topic is the truth; this is a cache
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS seen ("
            " article_id TEXT PRIMARY KEY, source_id TEXT NOT NULL,"
            " first_seen REAL NOT NULL,"
            " simhash INTEGER, duplicate_of TEXT)"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS log_offsets ("
            " topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL,"
            " PRIMARY KEY (topic, partition))"
        )
        self._count = int(self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0])

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
        """Remember `ids` as published by `source_id` now (no fingerprint)."""
        now = time.time()
        self.remember([SeenRecord(i, source_id, now) for i in ids])

    def remember(
        self, records: Iterable[SeenRecord], offsets: dict[tuple[str, int], int] | None = None
    ) -> list[SeenRecord]:
        """Store `records` (and how far the log was read) in one transaction; return the
        records that were new here."""
        # One explicit transaction and few statements: the connection autocommits, and each
        # statement gives up the GIL (with parsing threads busy, getting it back is slow).
        records = list(records)
        self._db.execute("BEGIN")
        try:
            new_ids = self.unseen(r.article_id for r in records)
            first: dict[str, SeenRecord] = {}  # a batch may repeat an id: the first one counts
            for r in records:
                if r.article_id in new_ids:
                    first.setdefault(r.article_id, r)
            added = list(first.values())
            self._db.executemany(
                "INSERT OR IGNORE INTO seen"
                " (article_id, source_id, first_seen, simhash, duplicate_of)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (r.article_id, r.source_id, r.first_seen, _to_sql(r.simhash), r.duplicate_of)
                    for r in added
                ],
            )
            self._db.executemany(
                "INSERT INTO log_offsets (topic, partition, next_offset) VALUES (?, ?, ?)"
                " ON CONFLICT (topic, partition)"
                " DO UPDATE SET next_offset = excluded.next_offset",
                [(t, p, o) for (t, p), o in (offsets or {}).items()],
            )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        self._count += len(added)
        return added

    def offsets(self, topic: str) -> dict[int, int]:
        """Next offset to read per partition of `topic`."""
        rows = self._db.execute(
            "SELECT partition, next_offset FROM log_offsets WHERE topic = ?", (topic,)
        )
        return {int(p): int(o) for p, o in rows}

    def fingerprints(self, since: float) -> list[SeenRecord]:
        """Fingerprinted originals first seen after `since`: the near-duplicate window."""
        rows = self._db.execute(
            "SELECT article_id, source_id, first_seen, simhash FROM seen"
            " WHERE simhash IS NOT NULL AND duplicate_of IS NULL AND first_seen >= ?"
            " ORDER BY first_seen",
            (since,),
        )
        return [SeenRecord(a, s, float(f), _from_sql(h)) for a, s, f, h in rows]

    def __len__(self) -> int:
        return self._count  # counted at open and on insert: COUNT(*) scans the table

    def close(self) -> None:
        self._db.close()


class SeenLog:
    """Tails every partition of the seen topic into the store; publishes new seen records.

    `on_new` is told of each record first learnt from the log (another replica's article,
    or one of ours from before a restart), e.g. to feed the near-duplicate index.
    """

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        store: SeenStore,
        on_new: Callable[[list[SeenRecord]], None],
    ) -> None:
        self.topic = topic
        self.store = store
        self.caught_up = False
        self._on_new = on_new
        self._consumer = CountingConsumer(  # counts the records read (messages_consumed_total)
            STANDARD,
            bootstrap_servers=bootstrap,
            client_id="pactwatch-crawler-seen",
            group_id=None,  # every replica reads everything
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        self._partitions: list[TopicPartition] = []

    async def start(self, partitions: int) -> None:
        """Assign all `partitions` of the topic, from where the store says it stopped."""
        await self._consumer.start()
        self._partitions = [TopicPartition(self.topic, p) for p in range(partitions)]
        self._consumer.assign(self._partitions)
        stored = self.store.offsets(self.topic)
        for tp in self._partitions:
            if tp.partition in stored:
                self._consumer.seek(tp, stored[tp.partition])
            else:
                await self._consumer.seek_to_beginning(tp)

    async def catch_up(self) -> int:
        """Read until the end offsets of this moment; return the records read."""
        end = await self._consumer.end_offsets(self._partitions)
        read = 0
        while True:
            positions = {tp: await self._consumer.position(tp) for tp in self._partitions}
            if all(positions[tp] >= end[tp] for tp in self._partitions):
                break
            read += await self._read_batch(500)
        self.caught_up = True
        log.info("seen_caught_up", records=read, total=len(self.store))
        return read

    async def run(self, stopping: asyncio.Event) -> None:
        """Keep tailing until `stopping` is set."""
        while not stopping.is_set():
            try:
                await self._read_batch(1000)
            except (KafkaError, sqlite3.Error) as exc:  # keep tailing; the offsets are stored
                log.warning("seen_tail_failed", error=repr(exc))
                await asyncio.sleep(1)

    async def _read_batch(self, timeout_ms: int) -> int:
        batch = await self._consumer.getmany(timeout_ms=timeout_ms, max_records=5000)
        records: list[SeenRecord] = []
        offsets: dict[tuple[str, int], int] = {}
        for tp, messages in batch.items():
            for message in messages:
                if message.key is None or message.value is None:
                    continue
                record = SeenRecord.decode(message.key, message.value)
                if record is None:
                    log.warning(
                        "seen_record_unreadable", partition=tp.partition, offset=message.offset
                    )
                else:
                    records.append(record)
            if messages:
                offsets[(tp.topic, tp.partition)] = messages[-1].offset + 1
        if offsets:
            added = self.store.remember(records, offsets)
            if added:
                self._on_new(added)
        return sum(len(m) for m in batch.values())

    async def publish(self, producer: AIOKafkaProducer, records: list[SeenRecord]) -> None:
        """Write `records` to the topic and wait for the broker; remember them here at once
        (this replica's next poll must not wait for the tail to see them)."""
        self.store.remember(records)
        futures = [
            await producer.send(self.topic, r.encode(), key=r.article_id.encode()) for r in records
        ]
        await asyncio.gather(*futures)

    async def stop(self) -> None:
        await self._consumer.stop()
