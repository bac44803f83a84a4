"""Through the running service: an HTML listing with article pages comes out as clean
articles, and a press release syndicated on a second site is published with duplicate_of."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from pactwatch_devtools import FeedItem, read_topic, render_rss, wait_until
from pactwatch_schemas import Article, decode

pytestmark = pytest.mark.integration

BOILERPLATE = """
<header><nav><a href="/">Home</a> <a href="/about/">About the city</a>
<a href="/tag/economy/">Economy</a> <a href="/news/">News</a></nav></header>
<div class="cookie-banner">We use cookies to improve your visit. Accept all cookies.</div>
"""
SIDEBAR = """
<aside><h3>Latest news</h3><ul>
<li><a href="/news/2026/11/01/marathon-registration-opens-for-runners.html">Marathon
registration opens for runners</a></li>
<li><a href="/news/2026/10/30/new-bus-lines-in-the-old-town.html">New bus lines in the old
town</a></li></ul></aside>
<footer>Copyright Wuxi City Government. All rights reserved. Privacy policy.</footer>
"""

ARTICLES = {
    "/news/2026/11/21/city-signs-battery-recycling-agreement.html": (
        "City signs battery recycling agreement with Northbridge Energy",
        [
            "Wuxi Municipal Government and Northbridge Energy signed a strategic cooperation"
            " agreement on Friday to build a battery recycling plant in the Xinwu district.",
            "The plant will process 50,000 tonnes of used batteries a year and create 800 jobs."
            " The company will invest 2.1 billion yuan over three years.",
            "Construction starts in the spring, and the first line opens in 2028, the mayor's"
            " office said in a statement after the signing ceremony.",
        ],
    ),
    "/news/2026/11/20/university-and-port-open-logistics-lab.html": (
        "University and port authority open a joint logistics laboratory",
        [
            "Jiangnan University and the Wuxi port authority opened a joint laboratory for"
            " logistics research on Thursday, after a memorandum signed in the summer.",
            "Twenty researchers will study container flows and energy use on the Grand Canal,"
            " with funding from the provincial science programme for five years.",
        ],
    ),
}

RELEASE = (
    "Harbour City and the Port of Rotterdam signed a memorandum of understanding on green"
    " shipping corridors on Monday. The two ports will exchange data on shore power, build a"
    " shared registry of low-emission vessels and train pilots together. The memorandum"
    " runs for five years and follows two years of talks between the port authorities."
    " A first joint project on methanol bunkering starts next year, the ports said."
)


def _page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} - Wuxi City</title>"
        '<meta property="article:published_time" content="2026-11-21T09:30:00+08:00">'
        f"</head><body>{BOILERPLATE}<main><article><h1>{title}</h1>{body}</article></main>"
        f"{SIDEBAR}</body></html>"
    ).encode()


def _listing() -> bytes:
    links = "".join(
        f'<li><a href="{path}">{title}</a></li>' for path, (title, _) in ARTICLES.items()
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>News</title></head>'
        f"<body>{BOILERPLATE}<main><h1>City news</h1><ul class='news'>{links}</ul>"
        '<a href="/news/?page=2">Next</a></main></body></html>'
    ).encode()


def test_pages_are_extracted_and_syndicated_copies_marked(
    tmp_path: Path,
    kafka: str,
    pipeline_env: dict[str, str],
    topics: dict[str, str],
    start_service: Any,
    site: Any,
    other_site: Any,
) -> None:
    html = "text/html; charset=utf-8"
    listing_url = site.set("/news/", _listing(), html)
    for path, (title, paragraphs) in ARTICLES.items():
        site.set(path, _page(title, paragraphs), html)
    wire_a = site.set(
        "/wire-a.xml",
        render_rss(
            "Wire A", site.base_url, [FeedItem("Ports sign MoU", f"{site.base_url}/a/mou", RELEASE)]
        ),
    )
    wire_b = other_site.set("/wire-b.xml", render_rss("Wire B", other_site.base_url, []))
    sources = tmp_path / "sources.yaml"
    fixed = "interval_seconds: 1, min_interval_seconds: 1, max_interval_seconds: 1"
    sources.write_text(
        "sources:\n"
        f"  - {{id: city, url: '{listing_url}', kind: html, {fixed}, tags: {{region: wuxi}}}}\n"
        f"  - {{id: wire-a, url: '{wire_a}', fetch_pages: false, {fixed}}}\n"
        f"  - {{id: wire-b, url: '{wire_b}', fetch_pages: false, {fixed}, language: en}}\n"
    )
    crawler = start_service(
        "crawler",
        {
            **pipeline_env,
            "PACTWATCH_CRAWLER_SOURCES_FILE": str(sources),
            "PACTWATCH_CRAWLER_PER_HOST_DELAY_SECONDS": "0",
            # One article page per poll: the second waits for the next poll, which must not
            # be answered 304 (the crawler keeps the old validators until it is done).
            "PACTWATCH_CRAWLER_MAX_PAGES_PER_POLL": "1",
        },
    )
    published = lambda source: crawler.metric(  # noqa: E731
        "pactwatch_crawler_articles_published_total", {"source": source}
    )
    wait_until(lambda: published("city") == 2 and published("wire-a") == 1, 40, "3 published")
    # The same release, syndicated: another site, another URL.
    other_site.set(
        "/wire-b.xml",
        render_rss(
            "Wire B",
            other_site.base_url,
            [FeedItem("Harbour City, Rotterdam agree", f"{other_site.base_url}/news/42", RELEASE)],
        ),
    )
    wait_until(lambda: published("wire-b") == 1, 30, "the syndicated copy published")
    assert crawler.metric("pactwatch_crawler_near_duplicates_total", {"source": "wire-b"}) == 1
    assert crawler.metric("pactwatch_crawler_pages_total", {"outcome": "extracted"}) == 2
    assert crawler.metric("pactwatch_crawler_entries_skipped_total", {"reason": "deferred"}) >= 1

    articles = {
        a.url: a
        for a in (
            decode(Article, r.value) for r in asyncio.run(read_topic(kafka, topics["articles"]))
        )
    }
    assert len(articles) == 4
    for path, (title, paragraphs) in ARTICLES.items():
        article = articles[site.base_url + path]
        assert article.source_id == "city"
        assert article.title == title
        assert article.source_tags == {"region": "wuxi"}
        for paragraph in paragraphs:
            assert paragraph in article.text
        for boilerplate in ("cookies", "Latest news", "Marathon", "Copyright", "About the city"):
            assert boilerplate not in article.text
        assert article.language == "en"
        assert article.published_at is not None
        assert article.published_at.isoformat().startswith("2026-11-21T01:30")
        assert article.duplicate_of is None
    original = articles[f"{site.base_url}/a/mou"]
    copy = articles[f"{other_site.base_url}/news/42"]
    assert original.duplicate_of is None
    assert copy.duplicate_of == original.id
    assert copy.language == "en"
