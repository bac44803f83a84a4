"""Feed parsing: real and hostile feeds become articles or a clear error, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pactwatch_crawler.parse import FeedError, html_to_text, parse_feed
from pactwatch_crawler.sources import Source
from pactwatch_devtools import FeedItem, render_rss

pytestmark = pytest.mark.unit

SOURCE = Source(id="s1", url="https://example.org/feed.xml", tags={"region": "wuxi"})
NOW = datetime(2026, 11, 21, tzinfo=UTC)
BASE = "https://example.org/feed.xml"


def test_rss_items_become_articles_with_full_text_and_tags() -> None:
    body = render_rss(
        "t",
        "https://example.org",
        [
            FeedItem(
                "Wuxi signs deal",
                "https://example.org/a",
                "First paragraph.\nSecond paragraph.",
                datetime(2026, 11, 20, 8, tzinfo=UTC),
            )
        ],
    )
    parsed = parse_feed(body, SOURCE, BASE, NOW)
    [article] = parsed.articles
    assert article.title == "Wuxi signs deal"
    assert article.text == "First paragraph.\nSecond paragraph."
    assert article.published_at == datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert article.source_tags == {"region": "wuxi"}
    assert article.fetched_at == NOW
    assert len(article.id) == 32


def test_relative_links_resolve_and_missing_dates_are_none() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
    <item><title>One</title><link>/news/1?utm_source=rss</link><description>d</description></item>
    <item><title>No link</title><description>d</description></item>
    </channel></rss>"""
    parsed = parse_feed(body, SOURCE, BASE, NOW)
    [article] = parsed.articles
    assert article.url == "https://example.org/news/1?utm_source=rss"
    assert article.published_at is None
    assert parsed.skipped == {"no_link": 1}


def test_atom_feed() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
    <entry><title>Atom entry</title><link href="https://example.org/e1"/>
    <updated>2026-11-19T10:00:00Z</updated><content type="html">&lt;p&gt;Body&lt;/p&gt;</content>
    </entry></feed>"""
    [article] = parse_feed(body, SOURCE, BASE, NOW).articles
    assert (article.title, article.text) == ("Atom entry", "Body")
    assert article.published_at == datetime(2026, 11, 19, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n", b"<html><body><p>Not a feed</p></body></html>", b"\x00\xff\xfe garbage"],
)
def test_non_feeds_raise_feed_error(body: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(body, SOURCE, BASE, NOW)


def test_malformed_xml_still_yields_the_readable_entries() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
    <item><title>Good &amp; fine</title><link>https://example.org/g</link></item>
    <item><title>Broken <b>tag</title><link>https://example.org/b</link>"""
    parsed = parse_feed(body, SOURCE, BASE, NOW)
    assert parsed.bozo is not None
    assert "https://example.org/g" in {a.url for a in parsed.articles}


def test_chinese_gbk_feed_decodes() -> None:
    xml = (
        '<?xml version="1.0" encoding="gbk"?><rss version="2.0"><channel><title>新闻</title>'
        "<item><title>无锡市政府与火炬中心签署战略合作协议</title>"
        "<link>https://example.org/zh/1</link><description>双方签约。</description></item>"
        "</channel></rss>"
    )
    [article] = parse_feed(xml.encode("gbk"), SOURCE, BASE, NOW).articles
    assert article.title == "无锡市政府与火炬中心签署战略合作协议"
    assert article.text == "双方签约。"


def test_html_to_text_keeps_paragraphs_and_drops_tags() -> None:
    assert html_to_text("<p>One <b>two</b></p><p>Three</p>") == "One two\nThree"
    assert html_to_text("plain & simple") == "plain & simple"
