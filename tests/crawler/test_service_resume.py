"""How the service turns a source and its stored state into a schedule (no I/O involved)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from pactwatch_crawler.core.config import Settings
from pactwatch_crawler.neardup import NearDuplicateIndex
from pactwatch_crawler.schedule import Bounds
from pactwatch_crawler.service import Crawler
from pactwatch_crawler.shard import partition_for
from pactwatch_crawler.sources import Source
from pactwatch_crawler.state import SourceState

pytestmark = pytest.mark.unit


def _crawler(*sources: Source) -> Crawler:
    unused: Any = None  # producer, fetcher and seen log are not touched here
    return Crawler(Settings(), list(sources), unused, unused, unused, NearDuplicateIndex(), 12)


def test_bounds_default_and_widened_to_the_start_interval() -> None:
    plain = Source(id="a", url="https://a.example/rss")
    fast = Source(id="b", url="https://b.example/rss", interval_seconds=2)
    slow = Source(id="c", url="https://c.example/rss", interval_seconds=7200)
    own = Source(
        id="d", url="https://d.example/rss", min_interval_seconds=5, max_interval_seconds=50
    )
    crawler = _crawler(plain, fast, slow, own)
    assert crawler._bounds(plain) == Bounds(60, 3600)
    assert crawler._bounds(fast) == Bounds(2, 3600)
    assert crawler._bounds(slow) == Bounds(60, 7200)
    assert crawler._bounds(own) == Bounds(5, 50)


def test_resume_keeps_a_stored_schedule_and_restarts_a_moved_source() -> None:
    source = Source(id="a", url="https://a.example/rss", max_interval_seconds=600)
    crawler = _crawler(source)
    now = time.time()
    stored = SourceState(
        "a", "https://a.example/rss", interval=9000, next_due=now + 5000, etag='"x"'
    )
    resumed = crawler._resume(source, stored, now)
    assert resumed.etag == '"x"'
    assert resumed.interval == 600  # bounds changed since: re-applied
    assert resumed.next_due == now + 600
    moved = SourceState("a", "https://old.example/rss", interval=100, next_due=now + 50, etag='"x"')
    fresh = crawler._resume(source, moved, now)
    assert fresh.etag is None and fresh.url == "https://a.example/rss"
    assert now <= fresh.next_due <= now + 10  # first polls spread over up to 10 s
    assert crawler._resume(source, None, now).interval == 300


def test_sources_are_grouped_by_their_partition() -> None:
    sources = [Source(id=f"s{i}", url=f"https://s{i}.example/") for i in range(40)]
    crawler = _crawler(*sources)
    grouped = crawler._by_partition
    assert sum(len(v) for v in grouped.values()) == 40
    for partition, members in grouped.items():
        assert all(partition_for(s.id, 12) == partition for s in members)
