from __future__ import annotations

from pathlib import Path

import pytest

from pactwatch_crawler.seen import SeenRecord, SeenStore

pytestmark = pytest.mark.unit


def test_seen_set_survives_reopening(tmp_path: Path) -> None:
    store = SeenStore(tmp_path / "seen.sqlite3")
    assert store.unseen(["a", "b", "c"]) == {"a", "b", "c"}
    store.mark("src", ["a", "b"])
    store.close()
    reopened = SeenStore(tmp_path / "seen.sqlite3")
    assert reopened.unseen(["a", "b", "c", "c"]) == {"c"}
    assert len(reopened) == 2


def test_many_ids_at_once(tmp_path: Path) -> None:
    store = SeenStore(tmp_path / "seen.sqlite3")
    ids = [f"{i:032x}" for i in range(2000)]
    store.mark("src", ids[:1500])
    assert store.unseen(ids) == set(ids[1500:])


def test_log_offsets_and_fingerprints_survive_reopening(tmp_path: Path) -> None:
    store = SeenStore(tmp_path / "seen.sqlite3")
    big = (1 << 64) - 5  # an unsigned 64-bit simhash beyond SQLite's signed range
    records = [
        SeenRecord("a" * 32, "src", 1000.0, simhash=big),
        SeenRecord("b" * 32, "src", 2000.0, simhash=7),
        SeenRecord("c" * 32, "other", 3000.0, simhash=None, duplicate_of="b" * 32),
    ]
    added = store.remember(records, {("seen-topic", 0): 3, ("seen-topic", 4): 11})
    assert added == records
    # Records read again from the log (our own, read back) are not "new" a second time.
    assert store.remember(records[:1], {("seen-topic", 0): 4}) == []
    store.close()
    reopened = SeenStore(tmp_path / "seen.sqlite3")
    assert reopened.offsets("seen-topic") == {0: 4, 4: 11}
    assert reopened.offsets("another-topic") == {}
    window = reopened.fingerprints(since=1500.0)
    assert [(r.article_id, r.simhash) for r in window] == [("b" * 32, 7)]
    assert reopened.fingerprints(since=0)[0].simhash == big


def test_seen_record_round_trips_and_rejects_garbage() -> None:
    record = SeenRecord("d" * 32, "src", 12.5, simhash=(1 << 63) + 1, duplicate_of="e" * 32)
    assert SeenRecord.decode(record.article_id.encode(), record.encode()) == record
    assert SeenRecord.decode(b"x", b"not json") is None
    assert SeenRecord.decode(b"x", b'{"first_seen": 1}') is None
