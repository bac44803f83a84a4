"""HTML listing pages -> article links: same site, article-like, deduplicated."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactwatch_crawler.canonical import article_id
from pactwatch_crawler.fetch import Fetched, Validators
from pactwatch_crawler.listing import ListingError, parse_listing
from pactwatch_crawler.listing._html import looks_like_article
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
