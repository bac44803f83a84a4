"""URLs canonicalise (tracking parameters, case, ports, fragments dropped); one article, one id."""

from __future__ import annotations

import pytest

from pactwatch_crawler.canonical import article_id, canonical_url

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://Example.ORG:443/a/", "https://example.org/a"),
        ("http://example.org:80/a#frag", "http://example.org/a"),
        ("https://example.org/a?utm_source=x&b=2&a=1&fbclid=z", "https://example.org/a?a=1&b=2"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org:8443/x", "https://example.org:8443/x"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_same_article_under_two_urls_has_one_id() -> None:
    assert article_id("https://example.org/a?utm_medium=rss") == article_id(
        "https://EXAMPLE.org/a/"
    )
    assert article_id("https://example.org/a") != article_id("https://example.org/b")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://example.org/a?spm=a2c4g.11186623&id=7", "https://example.org/a?id=7"),
        ("https://example.org/a?from=timeline&isappinstalled=0", "https://example.org/a"),
        ("https://example.org/a?gclid=1&msclkid=2&mc_cid=3&ref=tw", "https://example.org/a"),
        ("https://example.org/a?UTM_Campaign=x&page=2", "https://example.org/a?page=2"),
        ("https://Example.org./a", "https://example.org/a"),
        ("https://example.org/a?b=&a=1", "https://example.org/a?a=1&b="),
        ("https://example.org/%E6%96%B0%E9%97%BB/", "https://example.org/%E6%96%B0%E9%97%BB"),
        ("http://example.org:8080/a", "http://example.org:8080/a"),
    ],
)
def test_canonical_url_drops_tracking_parameters(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_canonical_url_is_idempotent() -> None:
    for url in ("HTTPS://Example.ORG:443/a/?utm_source=x&z=1&a=2#f", "http://example.org"):
        once = canonical_url(url)
        assert canonical_url(once) == once
