"""How the service turns a source and its stored state into a schedule (no I/O involved)."""

from __future__ import annotations

from typing import Any

import pytest

from pactwatch_crawler.core.config import Settings
from pactwatch_crawler.neardup import NearDuplicateIndex
from pactwatch_crawler.service import Crawler
from pactwatch_crawler.shard import partition_for
from pactwatch_crawler.sources import Source

pytestmark = pytest.mark.unit


def _crawler(*sources: Source) -> Crawler:
    unused: Any = None  # producer, fetcher and seen log are not touched here
    return Crawler(Settings(), list(sources), unused, unused, unused, NearDuplicateIndex(), 12)


def test_sources_are_grouped_by_their_partition() -> None:
    sources = [Source(id=f"s{i}", url=f"https://s{i}.example/") for i in range(40)]
    crawler = _crawler(*sources)
    grouped = crawler._by_partition
    assert sum(len(v) for v in grouped.values()) == 40
    for partition, members in grouped.items():
        assert all(partition_for(s.id, 12) == partition for s in members)
