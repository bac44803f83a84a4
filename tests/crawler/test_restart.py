"""A restarted crawler publishes nothing twice, and still publishes what is new."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from pactwatch_devtools import FeedItem, FeedServer, read_topic, render_rss, wait_until
from pactwatch_schemas import Article, decode

pytestmark = pytest.mark.integration


def test_restart_publishes_nothing_twice(
    tmp_path: Path,
    kafka: str,
    pipeline_env: dict[str, str],
    topics: dict[str, str],
    start_service: Any,
) -> None:
    with FeedServer() as feeds:
        items = [
            FeedItem(f"Article {i}", f"{feeds.base_url}/a/{i}", f"Text of article {i}.")
            for i in range(5)
        ]
        feed_url = feeds.set("/feed.xml", render_rss("f", feeds.base_url, items))
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"sources:\n  - id: f\n    url: {feed_url}\n    interval_seconds: 0.5\n")
        env = {
            **pipeline_env,
            "PACTWATCH_CRAWLER_SOURCES_FILE": str(sources),
            "PACTWATCH_CRAWLER_DATA_DIR": str(tmp_path / "crawler-data"),
        }
        crawler = start_service("crawler", env)
        wait_until(
            lambda: crawler.metric("pactwatch_crawler_articles_published_total") == 5,
            30,
            "5 published",
        )
        assert crawler.stop() == 0

        restarted = start_service("crawler", env)
        polls = feeds.hits["/feed.xml"]
        wait_until(lambda: feeds.hits["/feed.xml"] >= polls + 3, 30, "three polls after restart")
        assert restarted.metric("pactwatch_crawler_articles_published_total") == 0
        assert restarted.metric("pactwatch_crawler_articles_already_seen_total") >= 5

        # A new entry after the restart is published, once.
        items.append(FeedItem("Article 5", f"{feeds.base_url}/a/5", "Text of article 5."))
        feeds.set("/feed.xml", render_rss("f", feeds.base_url, items))
        wait_until(
            lambda: restarted.metric("pactwatch_crawler_articles_published_total") == 1,
            30,
            "new one",
        )

    records = asyncio.run(read_topic(kafka, topics["articles"]))
    articles = [decode(Article, r.value) for r in records]
    urls = sorted(a.url for a in articles)
    assert urls == sorted(item.link for item in items)
    assert len({a.id for a in articles}) == len(articles) == 6
