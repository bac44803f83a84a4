"""Listing pages and sitemaps -> article links: same site, article-like, deduplicated."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pactwatch_crawler.canonical import article_id
from pactwatch_crawler.discover import looks_like_article
from pactwatch_crawler.fetch import Fetched, Validators
from pactwatch_crawler.parse import ListingError, parse_listing
from pactwatch_crawler.sources import Source

pytestmark = pytest.mark.unit

PAGES = Path(__file__).parent / "pages"


def fetched(body: bytes, url: str, content_type: str = "text/html") -> Fetched:
    return Fetched(url, 200, body, content_type, None, Validators(), None, 0.0)


def test_chinese_government_listing_keeps_articles_on_the_site_only() -> None:
    url = "http://www.wuxi.gov.cn/zwgk/jryw/index.shtml"
    listing = parse_listing(
        fetched((PAGES / "zh_gov_listing.html").read_bytes(), url),
        Source(id="wuxi", url=url, kind="html", language="zh"),
    )
    assert [e.url for e in listing.entries] == [
        "http://www.wuxi.gov.cn/doc/2026/11/20/4129911.shtml",
        "http://www.wuxi.gov.cn/doc/2026/11/19/4129801.shtml",
        "https://wxrb.wuxi.gov.cn/art/2026/11/18/art_1234_567890.html",  # a subdomain: same site
        "http://www.wuxi.gov.cn/zwgk/jryw/202611/t20261117_4129650.html",
    ]
    first, second = listing.entries[:2]
    assert first.title == "无锡市政府与工信部火炬中心签署战略合作协议"
    assert second.title == "江阴港开通至鹿特丹集装箱物流新航线"  # the title attribute beats "…"
    assert first.article_id == article_id(first.url)
    assert (first.summary, first.full_text, first.published_at) == ("", False, None)
    assert first.language == "zh"
    # jiangsu.gov.cn and the ICP link are other sites; the "#comments" link is the same article.
    assert listing.skipped["off_site"] == 3
    assert listing.skipped["duplicate"] == 1
    assert listing.skipped["not_article_like"] >= 10  # navigation, pagination, topic pages


def test_english_press_release_listing() -> None:
    url = "https://www.acmebio.com/news"
    listing = parse_listing(
        fetched((PAGES / "en_press_listing.html").read_bytes(), url),
        Source(id="acme", url=url, kind="html"),
    )
    assert [e.url for e in listing.entries] == [
        "https://www.acmebio.com/news/2026/11/20/acme-and-wuxi-biologics-sign-manufacturing-agreement",
        "https://www.acmebio.com/news/acme-opens-research-centre-in-suzhou-industrial-park",
        "https://www.acmebio.com/press-releases/12345",  # utm_source dropped
        "https://investors.acmebio.com/news-releases/news-release-details/acme-completes-phase-3-enrolment",
    ]
    assert (
        listing.entries[0].title == "Acme and WuXi Biologics sign long-term manufacturing agreement"
    )
    assert listing.skipped["off_site"] == 2  # businesswire.com, twitter.com


def test_link_selector_picks_the_operators_links_only() -> None:
    url = "https://www.acmebio.com/news"
    listing = parse_listing(
        fetched((PAGES / "en_press_listing.html").read_bytes(), url),
        Source(id="acme", url=url, kind="html", link_selector="div.filters"),
    )
    # The operator's selector overrides the article heuristics (these are category pages).
    assert [e.url.rsplit("/", 1)[1] for e in listing.entries] == [
        "partnerships",
        "clinical",
        "china",
    ]


def test_bad_link_selector_is_a_listing_error() -> None:
    url = "https://www.acmebio.com/news"
    with pytest.raises(ListingError, match="link_selector"):
        parse_listing(
            fetched(b"<html><body><a href='/a'>x</a></body></html>", url),
            Source(id="acme", url=url, kind="html", link_selector="div[[["),
        )


@pytest.mark.parametrize(
    ("url", "text", "expected"),
    [
        ("https://a.org/news/2026/11/20/deal", "City signs deal with port operator", True),
        ("https://a.org/xwzx/202611/t20261120_123.html", "市政府召开常务会议研究部署", True),
        ("https://a.org/news/acme-signs-mou-with-city", "Acme signs MoU with city of Wuxi", True),
        ("https://a.org/news/index.html", "News and announcements of the city", False),
        ("https://a.org/tag/china/2026", "Everything tagged China this year", False),
        ("https://a.org/news/2026/11/20/deal", "More", False),
        ("https://a.org/news/2026/11/20/deal", "下一页", False),
        ("https://a.org/news?page=2", "Older press releases from the city", False),
        ("https://a.org/about", "About the city government and its work", False),
        ("https://a.org/", "The homepage of the city government", False),
    ],
)
def test_article_link_heuristics(url: str, text: str, expected: bool) -> None:
    assert looks_like_article(url, text) is expected


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
