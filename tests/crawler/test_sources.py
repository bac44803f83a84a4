"""The sources file: every kind and schedule field loads; errors name the file, the source and
the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactwatch_crawler.sources import SourcesFileError, load_sources

pytestmark = pytest.mark.unit


def test_all_kinds_and_schedule_fields_load(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "sources:\n"
        "  - {id: feed, url: 'https://a.example/rss', kind: rss, interval_seconds: 120,"
        " min_interval_seconds: 60, max_interval_seconds: 900, language: zh}\n"
        "  - {id: news-page, url: 'https://b.example/news/', kind: html,"
        " link_selector: 'ul.news a', tags: {region: wuxi}}\n"
        "  - {id: sitemap, url: 'https://c.example/news-sitemap.xml', kind: sitemap,"
        " fetch_pages: false}\n"
    )
    feed, page, sitemap = load_sources(path)
    assert (feed.kind, feed.interval_seconds, feed.min_interval_seconds) == ("rss", 120, 60)
    assert feed.max_interval_seconds == 900 and feed.language == "zh"
    assert (page.kind, page.link_selector, page.tags) == ("html", "ul.news a", {"region": "wuxi"})
    assert page.fetch_pages is True
    assert (sitemap.kind, sitemap.fetch_pages) == ("sitemap", False)


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        (
            "{id: s1, url: 'https://x.example', min_interval_seconds: 600,"
            " max_interval_seconds: 60}",
            "source s1: field '(entry)': Value error, min_interval_seconds must not exceed",
        ),
        (
            "{id: s2, url: 'https://x.example', kind: rss, link_selector: 'a'}",
            "source s2: field '(entry)': Value error, link_selector only applies",
        ),
        ("{id: s3, url: 'https://x.example', kind: gopher}", "source s3: field 'kind'"),
        ("{id: s4, url: 'https://x.example', max_interval_seconds: 0}", "field 'max_interval"),
        ("{id: 'bad id!', url: 'https://x.example'}", "field 'id'"),
        ("{id: s5, url: 'https://x.example', tags: [a, b]}", "source s5: field 'tags'"),
    ],
)
def test_wrong_fields_are_named(tmp_path: Path, entry: str, needle: str) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(f"sources:\n  - {{id: ok, url: 'https://ok.example'}}\n  - {entry}\n")
    with pytest.raises(SourcesFileError) as info:
        load_sources(path)
    assert str(info.value).startswith(f"{path}: source ")
    assert needle in str(info.value)


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


def test_sources_keep_their_order_and_an_entry_that_is_no_mapping_is_named_by_position(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "sources:\n  - {id: b, url: 'https://b.example'}\n  - {id: a, url: 'https://a.example'}\n"
    )
    assert [s.id for s in load_sources(path)] == ["b", "a"]
    path.write_text("sources:\n  - {id: ok, url: 'https://ok.example'}\n  - just-a-url\n")
    with pytest.raises(SourcesFileError, match=r"source #2: field '\(entry\)'"):
        load_sources(path)
