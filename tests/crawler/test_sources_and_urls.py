"""The sources file is validated with errors naming file, source and field; URLs canonicalise."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactwatch_crawler.canonical import article_id, canonical_url
from pactwatch_crawler.sources import SourcesFileError, load_sources

pytestmark = pytest.mark.unit


def test_loads_valid_sources(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "sources:\n  - id: wuxi\n    url: https://example.org/rss\n    interval_seconds: 60\n"
        "    tags: {region: wuxi, sector: biomedicine}\n"
    )
    [source] = load_sources(path)
    assert source.id == "wuxi"
    assert source.interval_seconds == 60
    assert source.tags["sector"] == "biomedicine"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("sources:\n  - id: a\n    url: not-a-url\n", "source a: field 'url'"),
        ("sources:\n  - id: a\n    url: https://x.org\n    interval_seconds: -1\n", "interval"),
        ("sources:\n  - id: a\n    url: https://x.org\n    colour: red\n", "field 'colour'"),
        (
            "sources:\n  - id: a\n    url: https://x.org\n  - id: a\n    url: https://y.org\n",
            "duplicate",
        ),
        ("feeds: []\n", "'sources' list"),
        ("sources: [\n", "not valid YAML"),
    ],
)
def test_bad_sources_name_file_source_and_field(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(SourcesFileError) as info:
        load_sources(path)
    assert str(path) in str(info.value)
    assert needle in str(info.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourcesFileError, match="file not found"):
        load_sources(tmp_path / "nope.yaml")


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
