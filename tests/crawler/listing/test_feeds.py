"""Feed parsing: real and hostile feeds become listing entries or a clear error, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pactwatch_crawler.fetch import Fetched, Validators
from pactwatch_crawler.listing import Listing, ListingError, parse_listing
from pactwatch_crawler.listing._feeds import html_to_text, keep_first_items
from pactwatch_crawler.sources import Source
from pactwatch_devtools.hostile import HTML_PAGE, MALFORMED, WRONG_CHARSET_FEED, ZH_TITLE

pytestmark = pytest.mark.unit


def test_html_to_text_keeps_paragraphs_and_drops_tags() -> None:
    assert html_to_text("<p>One <b>two</b></p><p>Three</p>") == "One two\nThree"
    assert html_to_text("plain & simple") == "plain & simple"


FEED_URL = "https://example.org/feeds/news.xml"
RSS_SOURCE = Source(id="s1", url=FEED_URL, kind="rss")


def listing_of(body: bytes, source: Source = RSS_SOURCE, **kwargs: int) -> Listing:
    fetched = Fetched(FEED_URL, 200, body, "application/rss+xml", None, Validators(), None, 0.0)
    return parse_listing(fetched, source, **kwargs)


def rss(items: str, channel_extra: str = "") -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">'
        f"<channel><title>t</title>{channel_extra}{items}</channel></rss>"
    ).encode()


def test_listing_resolves_relative_links_and_keeps_missing_dates_none() -> None:
    listing = listing_of(
        rss(
            "<item><title>One</title><link>/news/1.html?utm_source=rss</link></item>"
            "<item><title>Two</title><link>../two.html</link>"
            "<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate></item>"
            "<item><title>No link</title></item>"
        )
    )
    one, two = listing.entries
    assert one.url == "https://example.org/news/1.html"
    assert two.url == "https://example.org/two.html"
    assert one.published_at is None
    assert two.published_at == datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert listing.skipped == {"no_link": 1}


def test_listing_deduplicates_repeated_guids_and_urls() -> None:
    listing = listing_of(
        rss(
            "<item><title>A</title><link>https://example.org/a</link><guid>g1</guid></item>"
            "<item><title>A again</title><link>https://example.org/a</link><guid>g1</guid></item>"
            "<item><title>A tracked</title><link>https://example.org/a/?fbclid=1</link></item>"
            "<item><title>B</title><link>https://example.org/b</link></item>"
        )
    )
    assert [e.title for e in listing.entries] == ["A", "B"]
    assert listing.skipped == {"duplicate": 2}


def test_listing_caps_a_huge_feed_and_counts_the_rest() -> None:
    items = "".join(
        f"<item><title>I{i}</title><link>https://example.org/i/{i}</link></item>"
        for i in range(10_000)
    )
    listing = listing_of(rss(items), max_entries=5000)
    assert len(listing.entries) == 5000
    assert listing.entries[-1].url == "https://example.org/i/4999"
    assert listing.skipped == {"too_many": 5000}


def test_full_text_items_need_no_page_fetch() -> None:
    long_text = "The two sides signed a cooperation agreement. " * 40
    listing = listing_of(
        rss(
            "<item><title>Full</title><link>https://example.org/f</link>"
            "<description>Short teaser.</description>"
            f"<content:encoded><![CDATA[<p>{long_text}</p>]]></content:encoded></item>"
            "<item><title>Teaser</title><link>https://example.org/t</link>"
            "<description>&lt;p&gt;Only a teaser.&lt;/p&gt;</description></item>"
        )
    )
    full, teaser = listing.entries
    assert full.full_text is True
    assert full.summary == long_text.strip()
    assert teaser.full_text is False
    assert teaser.summary == "Only a teaser."


def test_chinese_full_text_threshold_counts_characters_by_weight() -> None:
    zh = "无锡市人民政府与火炬中心签署战略合作协议，双方将在生物医药领域深化合作。" * 16  # ~576
    listing = listing_of(
        rss(
            "<item><title>全文</title><link>https://example.org/zh</link>"
            f"<content:encoded><![CDATA[<p>{zh}</p>]]></content:encoded></item>"
            "<item><title>摘要</title><link>https://example.org/zh2</link>"
            f"<content:encoded><![CDATA[<p>{zh[:100]}</p>]]></content:encoded></item>"
        )
    )
    full, short = listing.entries
    assert full.full_text and full.summary == zh
    assert not short.full_text and short.summary == zh[:100]  # still the fallback text


@pytest.mark.parametrize(
    ("extra", "seconds"),
    [
        ("<ttl>30</ttl>", 1800.0),
        (
            "<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>",
            1800.0,
        ),
        ("<sy:updatePeriod>daily</sy:updatePeriod>", 86400.0),
        ("", None),
    ],
)
def test_feed_ttl(extra: str, seconds: float | None) -> None:
    item = "<item><title>x</title><link>https://example.org/x</link></item>"
    assert listing_of(rss(item, extra)).ttl_seconds == seconds


def test_atom_listing_with_language() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN"><title>A</title>
    <entry><title>Atom entry</title><link href="/e1"/>
    <updated>2026-11-19T10:00:00Z</updated><content type="html">&lt;p&gt;Body&lt;/p&gt;</content>
    </entry></feed>"""
    [entry] = listing_of(body, Source(id="a", url=FEED_URL, kind="atom")).entries
    assert entry.url == "https://example.org/e1"
    assert entry.summary == "Body"
    assert entry.language == "zh-CN"
    assert entry.published_at == datetime(2026, 11, 19, 10, tzinfo=UTC)


def test_chinese_gbk_feed_decodes() -> None:
    xml = (
        '<?xml version="1.0" encoding="gbk"?><rss version="2.0"><channel><title>新闻</title>'
        "<item><title>无锡市政府与火炬中心签署战略合作协议</title>"
        "<link>https://example.org/zh/1</link><description>双方签约。</description></item>"
        "</channel></rss>"
    )
    [entry] = listing_of(xml.encode("gbk")).entries
    assert entry.title == "无锡市政府与火炬中心签署战略合作协议"
    assert entry.summary == "双方签约。"


def test_gbk_feed_declared_utf8_by_the_server_still_decodes() -> None:
    # feedparser reads the XML declaration; the HTTP header's wrong charset is not passed in.
    [entry] = listing_of(WRONG_CHARSET_FEED).entries
    assert entry.title == ZH_TITLE


@pytest.mark.parametrize("body", [HTML_PAGE, b"", b"  \n", b"\x00\xff\xfe garbage"])
def test_non_feeds_raise_listing_error(body: bytes) -> None:
    with pytest.raises(ListingError):
        listing_of(body)


def test_well_formed_feed_has_no_complaint() -> None:
    item = "<item><title>x</title><link>https://example.org/x</link></item>"
    assert listing_of(rss(item)).bozo is None


def test_huge_feed_is_cut_before_parsing_and_keeps_its_closing_tags() -> None:
    items = "".join(
        f"<item><title>I{i}</title><link>https://example.org/i/{i}</link></item>" for i in range(30)
    )
    body = rss(items, "<ttl>15</ttl>")
    kept, dropped = keep_first_items(body, 10)
    assert dropped == 20
    assert kept.count(b"</item>") == 10 and kept.endswith(b"</channel></rss>")
    listing = listing_of(body, max_entries=10)
    assert [e.url for e in listing.entries][-1] == "https://example.org/i/9"
    assert listing.skipped == {"too_many": 20}
    assert listing.bozo is None and listing.ttl_seconds == 900.0
    atom = b'<feed xmlns="http://www.w3.org/2005/Atom">' + b"<entry></entry>" * 5 + b"</feed>"
    assert keep_first_items(atom, 2) == (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry></entry><entry></entry></feed>',
        3,
    )


def test_malformed_feed_reports_bozo_and_keeps_readable_entries() -> None:
    listing = listing_of(MALFORMED)
    assert listing.bozo is not None
    assert "http://example.invalid/good" in {e.url for e in listing.entries}
