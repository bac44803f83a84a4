"""A restarted crawler publishes nothing twice, uses its validators, and still publishes what
is new; its seen set and schedule state come back from Kafka even with its disk wiped."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from pactwatch_devtools import FeedItem, read_topic, render_rss, wait_until
from pactwatch_schemas import Article, decode

pytestmark = pytest.mark.integration


def test_restart_publishes_nothing_twice_and_polls_conditionally(
    tmp_path: Path,
    kafka: str,
    pipeline_env: dict[str, str],
    topics: dict[str, str],
    start_service: Any,
    site: Any,
) -> None:
    items = [
        FeedItem(f"Article {i}", f"{site.base_url}/a/{i}", f"Text of article {i}.")
        for i in range(5)
    ]
    feed_url = site.set("/feed.xml", render_rss("f", site.base_url, items))
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n  - id: f\n    url: {feed_url}\n    interval_seconds: 0.5\n"
        "    min_interval_seconds: 0.5\n    max_interval_seconds: 0.5\n"
    )
    env = {
        **pipeline_env,
        "PACTWATCH_CRAWLER_SOURCES_FILE": str(sources),
        "PACTWATCH_CRAWLER_DATA_DIR": str(tmp_path / "crawler-data"),
        "PACTWATCH_CRAWLER_PER_HOST_DELAY_SECONDS": "0",
    }
    crawler = start_service("crawler", env)
    wait_until(
        lambda: (
            httpx.get(crawler.base_url + "/readyz").json()
            == {"status": "ok", "checks": {"kafka": True, "seen_caught_up": True}}
        ),
        30,
        "ready: broker reachable, seen topic read to its end",
    )
    wait_until(
        lambda: crawler.metric("pactwatch_crawler_articles_published_total") == 5,
        30,
        "5 published",
    )
    wait_until(
        lambda: crawler.metric("pactwatch_crawler_fetches_total", {"outcome": "304"}) >= 2,
        15,
        "conditional polls answered 304",
    )
    first, *later = site.hits_of("/feed.xml")
    assert first.if_none_match is None
    assert later and all(h.if_none_match for h in later)
    assert "PactwatchBot" in (first.user_agent or "")
    assert crawler.stop() == 0

    restarted = start_service("crawler", env)
    before = len(site.hits_of("/feed.xml"))
    wait_until(
        lambda: len(site.hits_of("/feed.xml")) >= before + 3, 30, "three polls after restart"
    )
    # The very first request after the restart is conditional: the validators survived.
    assert all(h.if_none_match for h in site.hits_of("/feed.xml")[before:])
    assert restarted.metric("pactwatch_crawler_articles_published_total") == 0

    # A new entry: the feed answers 200 again; the five old entries are known, one is new.
    items.append(FeedItem("Article 5", f"{site.base_url}/a/5", "Text of article 5."))
    site.set("/feed.xml", render_rss("f", site.base_url, items))
    wait_until(
        lambda: restarted.metric("pactwatch_crawler_articles_published_total") == 1,
        30,
        "the new one",
    )
    assert restarted.metric("pactwatch_crawler_articles_already_seen_total") >= 5
    assert restarted.stop() == 0

    # Disk wiped: the seen set and the schedule state come back from their Kafka topics.
    fresh = start_service("crawler", {**env, "PACTWATCH_CRAWLER_DATA_DIR": str(tmp_path / "new")})
    before = len(site.hits_of("/feed.xml"))
    wait_until(lambda: len(site.hits_of("/feed.xml")) >= before + 2, 30, "polls on a fresh disk")
    assert site.hits_of("/feed.xml")[before].if_none_match
    items.append(FeedItem("Article 6", f"{site.base_url}/a/6", "Text of article 6."))
    site.set("/feed.xml", render_rss("f", site.base_url, items))
    wait_until(
        lambda: fresh.metric("pactwatch_crawler_articles_published_total") == 1, 30, "one more"
    )
    assert fresh.metric("pactwatch_crawler_articles_already_seen_total") >= 6
    assert fresh.metric("pactwatch_crawler_seen_articles") >= 7

    records = asyncio.run(read_topic(kafka, topics["articles"]))
    articles = [decode(Article, r.value) for r in records]
    assert sorted(a.url for a in articles) == sorted(item.link for item in items)
    assert len({a.id for a in articles}) == len(articles) == 7
