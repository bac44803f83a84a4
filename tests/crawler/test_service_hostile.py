"""One crawler facing a hostile server: every bad source gets a counted, logged outcome,
the good sources keep being polled, and the process stays up and stops cleanly."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from pactwatch_devtools import FeedItem, render_rss, wait_until
from pactwatch_devtools.hostile import HostileServer

pytestmark = pytest.mark.integration

# source id -> (hostile path, the fetch outcome it must be counted under)
HOSTILE = {
    "malformed": ("/malformed.xml", "200"),
    "html-as-feed": ("/html-as-feed", "not_a_listing"),
    "empty": ("/empty", "empty"),
    "loop": ("/loop/a", "redirects"),
    "gone": ("/status/410", "http_410"),
    "broken": ("/status/500", "http_500"),
    "busy": ("/status/503", "http_503"),
    "trickle": ("/trickle", "timeout"),
    "huge": ("/huge", "too_large"),
    "image": ("/image.png", "bad_content_type"),
    "many": ("/many.xml", "200"),
    "wrong-charset": ("/wrong-charset", "200"),
    "robots": ("/private/feed.xml", "robots_disallowed"),
}
FAILING = {k for k, (_, outcome) in HOSTILE.items() if outcome != "200"}


def test_hostile_sources_are_counted_and_good_ones_keep_going(
    tmp_path: Path, pipeline_env: dict[str, str], start_service: Any, site: Any
) -> None:
    good = []
    for i in range(3):
        item = FeedItem(f"Good {i}", f"{site.base_url}/good/{i}", f"Good news number {i}.")
        good.append(site.set(f"/good-{i}.xml", render_rss(f"good {i}", site.base_url, [item])))
    with HostileServer() as hostile:
        hostile.robots = (200, b"User-agent: *\nDisallow: /private/\n")
        lines = ["sources:"]
        for source_id, (path, _) in HOSTILE.items():
            lines.append(
                f"  - {{id: {source_id}, url: '{hostile.url(path)}', fetch_pages: false,"
                " interval_seconds: 1, min_interval_seconds: 1, max_interval_seconds: 2}"
            )
        for i, url in enumerate(good):
            lines.append(
                f"  - {{id: good-{i}, url: '{url}', fetch_pages: false,"
                " interval_seconds: 1, min_interval_seconds: 1, max_interval_seconds: 1}"
            )
        sources = tmp_path / "sources.yaml"
        sources.write_text("\n".join(lines) + "\n")
        crawler = start_service(
            "crawler",
            {
                **pipeline_env,
                "PACTWATCH_CRAWLER_SOURCES_FILE": str(sources),
                "PACTWATCH_CRAWLER_PER_HOST_DELAY_SECONDS": "0",
                "PACTWATCH_CRAWLER_PER_HOST_CONCURRENCY": "4",
                "PACTWATCH_CRAWLER_FETCH_TIMEOUT_SECONDS": "1",
                "PACTWATCH_CRAWLER_MAX_RESPONSE_BYTES": str(4 * 1024 * 1024),  # /many.xml fits
            },
        )

        def outcome(source_id: str, kind: str) -> float:
            return crawler.metric(
                "pactwatch_crawler_fetches_total", {"source": source_id, "outcome": kind}
            )

        wait_until(
            lambda: all(outcome(s, kind) >= 1 for s, (_, kind) in HOSTILE.items()),
            60,
            "every hostile source polled with its expected outcome",
        )
        # Good sources keep their rhythm while the hostile ones fail around them.
        before = [len(site.hits_of(f"/good-{i}.xml")) for i in range(3)]
        time.sleep(5)
        after = [len(site.hits_of(f"/good-{i}.xml")) for i in range(3)]
        assert all(b - a >= 3 for a, b in zip(before, after, strict=True)), (before, after)
        for i in range(3):
            assert (
                crawler.metric(
                    "pactwatch_crawler_articles_published_total", {"source": f"good-{i}"}
                )
                == 1
            )
            assert (
                crawler.metric(
                    "pactwatch_crawler_source_last_success_timestamp_seconds",
                    {"source": f"good-{i}"},
                )
                > time.time() - 5
            )

        # Failures repeat (retried, never dropped) and mark the source failing.
        wait_until(
            lambda: all(
                crawler.metric("pactwatch_crawler_source_consecutive_failures", {"source": s}) >= 3
                for s in FAILING - {"trickle"}
            ),
            60,
            "failing sources retried",
        )
        assert crawler.metric("pactwatch_crawler_sources_failing") >= len(FAILING) - 1
        assert crawler.metric("pactwatch_crawler_robots_refusals_total") >= 1
        assert crawler.metric("pactwatch_crawler_entries_skipped_total", {"reason": "too_many"}) > 0
        assert (
            crawler.metric("pactwatch_crawler_articles_published_total", {"source": "many"}) == 5000
        )
        assert (
            crawler.metric("pactwatch_crawler_articles_published_total", {"source": "malformed"})
            >= 1
        )
        assert httpx_ok(crawler.base_url + "/healthz")

    logged = [
        json.loads(line)
        for line in crawler.log_path.read_text().splitlines()
        if line.startswith("{")
    ]
    failures = {(e.get("source"), e.get("kind")) for e in logged if e.get("event") == "poll_failed"}
    for source_id in FAILING:
        assert (source_id, HOSTILE[source_id][1]) in failures, source_id
    assert {e.get("source") for e in logged if e.get("event") == "source_failing"} >= FAILING - {
        "trickle"
    }
    assert not [e for e in logged if e.get("event") == "poll_crashed"]


def httpx_ok(url: str) -> bool:
    import httpx

    return httpx.get(url, timeout=5).status_code == 200
