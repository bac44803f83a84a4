"""Source schedule state round-trips through its topic record; sources map to partitions."""

from __future__ import annotations

import pytest

from pactwatch_crawler.shard import partition_for
from pactwatch_crawler.state import SourceState

pytestmark = pytest.mark.unit


def test_state_round_trips() -> None:
    state = SourceState(
        source_id="wuxi",
        url="https://example.org/rss",
        interval=450.0,
        next_due=1_800_000_000.5,
        etag='W/"abc"',
        last_modified="Sat, 21 Nov 2026 10:00:00 GMT",
        failures=2,
        last_success=1_799_999_000.0,
        last_error="http_503: busy",
        polls=17,
        spacing=3600.0,
    )
    assert SourceState.decode(state.encode()) == state


@pytest.mark.parametrize("raw", [b"", b"[]", b"{}", b'{"source_id": "x"}', b"\xff"])
def test_unreadable_state_is_ignored(raw: bytes) -> None:
    assert SourceState.decode(raw) is None


def test_partitions_follow_kafka_murmur2() -> None:
    # murmur2 reference values from Kafka's own UtilsTest; the Java default partitioner
    # takes toPositive(murmur2(key)) % partitions.
    java = {"21": -973932308, "foobar": -790332482, "a-little-bit-long-string": -985981536}
    for key, hashed in java.items():
        for n in (1, 6, 12, 50):
            assert partition_for(key, n) == (hashed & 0x7FFFFFFF) % n
    ids = [f"source-{i}" for i in range(500)]
    counts = [sum(1 for i in ids if partition_for(i, 12) == p) for p in range(12)]
    assert min(counts) > 20  # spread over every partition
    assert all(partition_for(i, 12) == partition_for(i, 12) for i in ids)
