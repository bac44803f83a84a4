"""Two crawler replicas split 50 sources through Kafka partitions: each source is polled by
exactly one replica per interval, also after one is killed (-9) and after it comes back."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path
from typing import Any

import pytest

from pactwatch_devtools import FeedItem, read_topic, render_rss, wait_until
from pactwatch_schemas import Article, decode

pytestmark = pytest.mark.integration

FEEDS = 50
INTERVAL = 3.0


def _gaps(site: Any, path: str, since: float, until: float | None = None) -> list[float]:
    times = [h.at for h in site.hits_of(path) if h.at >= since and (until is None or h.at <= until)]
    return [b - a for a, b in itertools.pairwise(times)]


def _check_window(site: Any, paths: list[str], since: float, until: float) -> None:
    """In [since, until] every feed was polled, about once per interval, never twice."""
    for path in paths:
        times = [h.at for h in site.hits_of(path) if since <= h.at <= until]
        assert len(times) >= 2, f"{path} polled {len(times)} times in {until - since:.0f}s"
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert min(gaps) >= INTERVAL / 2, f"{path} polled twice within {min(gaps):.2f}s"
        assert max(gaps) <= INTERVAL * 2.5, f"{path} not polled for {max(gaps):.1f}s"


def _owned(replica: Any) -> float:
    return replica.metric("pactwatch_crawler_sources_owned")


def test_two_replicas_split_sources_and_take_over(
    tmp_path: Path,
    kafka: str,
    topics: dict[str, str],
    pipeline_env: dict[str, str],
    start_service: Any,
    site: Any,
) -> None:
    paths = [f"/feeds/{i}.xml" for i in range(FEEDS)]
    lines = ["sources:"]
    for i, path in enumerate(paths):
        item = FeedItem(f"News {i}", f"{site.base_url}/news/{i}", f"Full text of news {i}.")
        url = site.set(path, render_rss(f"feed {i}", site.base_url, [item]))
        lines.append(
            f"  - {{id: feed-{i}, url: '{url}', interval_seconds: {INTERVAL},"
            f" min_interval_seconds: {INTERVAL}, max_interval_seconds: {INTERVAL},"
            " fetch_pages: false}"
        )
    sources = tmp_path / "sources.yaml"
    sources.write_text("\n".join(lines) + "\n")
    env = {
        **pipeline_env,
        "PACTWATCH_CRAWLER_SOURCES_FILE": str(sources),
        # All 50 feeds share one host here; politeness per host would serialise them.
        "PACTWATCH_CRAWLER_PER_HOST_DELAY_SECONDS": "0",
        "PACTWATCH_CRAWLER_PER_HOST_CONCURRENCY": "16",
        "PACTWATCH_CRAWLER_LOG_LEVEL": "INFO",
    }
    a = start_service("crawler", {**env, "PACTWATCH_CRAWLER_DATA_DIR": str(tmp_path / "a")})
    b = start_service("crawler", {**env, "PACTWATCH_CRAWLER_DATA_DIR": str(tmp_path / "b")})
    wait_until(
        lambda: _owned(a) > 0 and _owned(b) > 0 and _owned(a) + _owned(b) == FEEDS,
        30,
        "both replicas own sources",
    )
    assert (
        a.metric("pactwatch_crawler_assigned_partitions")
        + b.metric("pactwatch_crawler_assigned_partitions")
        == 12
    )

    # 1. Split: every feed polled, never by both replicas in the same interval.
    start = time.monotonic()
    time.sleep(3.5 * INTERVAL)
    _check_window(site, paths, start, time.monotonic())
    polled = a.metric("pactwatch_crawler_fetches_total") + b.metric(
        "pactwatch_crawler_fetches_total"
    )
    assert polled >= FEEDS * 3

    # 2. Kill -9 the replica owning more sources; the other takes them all over.
    victim, survivor = (a, b) if _owned(a) >= _owned(b) else (b, a)
    victim.kill()
    killed_at = time.monotonic()
    wait_until(lambda: _owned(survivor) == FEEDS, 30, "the survivor owns all 50 sources")
    took_over = time.monotonic()
    assert took_over - killed_at < 20
    time.sleep(3.5 * INTERVAL)
    _check_window(site, paths, took_over + INTERVAL, time.monotonic())

    # 3. The killed replica comes back: the split rebalances, still no double polls.
    back = start_service(
        "crawler", {**env, "PACTWATCH_CRAWLER_DATA_DIR": str(tmp_path / "victim-again")}
    )
    wait_until(
        lambda: (
            _owned(back) > 0 and _owned(survivor) > 0 and _owned(back) + _owned(survivor) == FEEDS
        ),
        30,
        "the sources split again",
    )
    rebalanced = time.monotonic()
    time.sleep(3.5 * INTERVAL)
    _check_window(site, paths, rebalanced + INTERVAL, time.monotonic())

    # Over the whole run, through the kill and both rebalances: no feed ever polled twice
    # within half an interval.
    for path in paths:
        gaps = _gaps(site, path, 0.0)
        assert min(gaps) >= INTERVAL / 2, f"{path}: two polls {min(gaps):.2f}s apart"

    # And each article was published once, whichever replica owned its feed when.
    records = asyncio.run(read_topic(kafka, topics["articles"]))
    ids = [decode(Article, r.value).id for r in records]
    assert len(ids) == len(set(ids)) == FEEDS
