"""Sitemaps -> article links on the site (Google News fields read); an index -> its children."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from pactwatch_crawler.fetch import Fetched, Validators
from pactwatch_crawler.listing import ListingError, parse_listing
from pactwatch_crawler.sources import Source

pytestmark = pytest.mark.unit


def fetched(body: bytes, url: str, content_type: str = "text/html") -> Fetched:
    return Fetched(url, 200, body, content_type, None, Validators(), None, 0.0)


SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://news.example.org/2026/11/20/wuxi-signs.html</loc>
    <news:news><news:publication><news:name>Example News</news:name>
      <news:language>en</news:language></news:publication>
      <news:publication_date>2026-11-20T09:30:00+08:00</news:publication_date>
      <news:title>Wuxi signs agreement with Torch Center</news:title></news:news></url>
  <url><loc>https://news.example.org/2026/11/19/port.html</loc><lastmod>2026-11-19</lastmod></url>
  <url><loc>https://news.example.org/2026/11/19/port.html?utm_source=x</loc></url>
  <url><loc>https://elsewhere.example.com/2026/11/19/other.html</loc></url>
  <url><loc></loc></url>
</urlset>"""


def test_google_news_sitemap() -> None:
    url = "https://news.example.org/news-sitemap.xml"
    listing = parse_listing(
        fetched(SITEMAP, url, "application/xml"), Source(id="n", url=url, kind="sitemap")
    )
    first, second = listing.entries
    assert first.url == "https://news.example.org/2026/11/20/wuxi-signs.html"
    assert first.title == "Wuxi signs agreement with Torch Center"
    assert first.published_at == datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
    assert first.language == "en"
    assert second.published_at == datetime(2026, 11, 19, tzinfo=UTC)
    assert second.title is None
    assert listing.skipped == {"duplicate": 1, "off_site": 1, "no_link": 1}
    assert listing.sitemaps == []


def test_gzipped_sitemap_index_lists_child_sitemaps() -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://news.example.org/sitemap-1.xml</loc></sitemap>
    <sitemap><loc>/sitemap-2.xml.gz</loc><lastmod>2026-11-20</lastmod></sitemap>
    </sitemapindex>"""
    url = "https://news.example.org/sitemap.xml.gz"
    listing = parse_listing(
        fetched(gzip.compress(index), url, "application/x-gzip"),
        Source(id="n", url=url, kind="sitemap"),
    )
    assert listing.entries == []
    assert listing.sitemaps == [
        "https://news.example.org/sitemap-1.xml",
        "https://news.example.org/sitemap-2.xml.gz",
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><p>Not a sitemap</p></body></html>",
        b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>',
        b"\x00\x01garbage",
    ],
)
def test_non_sitemaps_raise_listing_error(body: bytes) -> None:
    url = "https://news.example.org/sitemap.xml"
    with pytest.raises(ListingError):
        parse_listing(fetched(body, url), Source(id="n", url=url, kind="sitemap"))


def test_sitemap_entries_are_capped() -> None:
    urls = "".join(f"<url><loc>https://e.org/a/{i}.html</loc></url>" for i in range(50))
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
    url = "https://e.org/sitemap.xml"
    listing = parse_listing(
        fetched(body, url), Source(id="n", url=url, kind="sitemap"), max_entries=10
    )
    assert len(listing.entries) == 10
    assert listing.skipped == {"too_many": 40}
