"""Sources map to partitions exactly as Kafka's default partitioner maps their records."""

from __future__ import annotations

import pytest

from pactwatch_crawler.shard import by_partition, partition_for
from pactwatch_crawler.sources import Source

pytestmark = pytest.mark.unit


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


def test_sources_are_grouped_by_their_partition() -> None:
    sources = [Source(id=f"s{i}", url=f"https://s{i}.example/") for i in range(40)]
    grouped = by_partition(sources, 12)
    assert sum(len(v) for v in grouped.values()) == 40
    for partition, members in grouped.items():
        assert all(partition_for(s.id, 12) == partition for s in members)
