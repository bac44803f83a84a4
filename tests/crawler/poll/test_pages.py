"""Building articles: page findings merged by the README's precedence, the feed summary
as fallback, the page cap and a rebalance leaving entries for the next poll."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from pactwatch_crawler.canonical import article_id
from pactwatch_crawler.fetch import FetchError
from pactwatch_crawler.listing import Entry
from pactwatch_crawler.poll._cpu import CpuThread
from pactwatch_crawler.poll._pages import _article, _Page, build_articles
from pactwatch_crawler.sources import Source

pytestmark = pytest.mark.unit

FETCHED_AT = datetime(2026, 11, 21, tzinfo=UTC)
ENTRY_DATE = datetime(2026, 11, 20, tzinfo=UTC)
PAGE_DATE = datetime(2026, 11, 19, tzinfo=UTC)


def entry(path: str, **fields: Any) -> Entry:
    url = f"https://example.org/{path}"
    given: dict[str, Any] = {
        "title": path,
        "summary": f"Summary of {path}.",
        "full_text": False,
        "published_at": None,
        "language": None,
        **fields,
    }
    return Entry(url, article_id(url), **given)


def test_page_text_and_language_win_entry_title_and_date_win() -> None:
    source = Source(id="s", url="https://example.org/rss", language="zh")
    page = _Page("Page title", "The page's main text.", PAGE_DATE, "en")
    built = _article(source, entry("a", published_at=ENTRY_DATE), page, FETCHED_AT)
    assert built is not None
    assert (built.title, built.text, built.language) == ("a", "The page's main text.", "en")
    assert built.published_at == ENTRY_DATE
    bare = _article(source, entry("b", title=None), page, FETCHED_AT)
    assert bare is not None and bare.title == "Page title" and bare.published_at == PAGE_DATE


def test_without_a_page_the_summary_and_the_source_language_stand_in() -> None:
    source = Source(id="s", url="https://example.org/rss", language="zh")
    built = _article(source, entry("a"), None, FETCHED_AT)
    assert built is not None
    assert (built.text, built.language, built.source_id) == ("Summary of a.", "zh", "s")
    assert _article(source, entry("b", title=None, summary=""), None, FETCHED_AT) is None


class FailingPages:
    """A fetcher whose every article page is gone."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    async def fetch(self, url: str, **_: object) -> object:
        self.urls.append(url)
        raise FetchError("http_410", "gone", permanent=True)


async def build(
    source: Source, entries: list[Entry], stop: asyncio.Event, fetcher: Any, max_pages: int
) -> tuple[list[str], bool]:
    cpu = CpuThread()
    try:
        articles, complete = await build_articles(
            source, entries, stop, fetcher=fetcher, cpu=cpu, max_pages=max_pages
        )
    finally:
        cpu.close()
    return [a.text for a in articles], complete


async def test_pages_are_capped_and_a_failed_page_falls_back_to_the_summary() -> None:
    source = Source(id="s", url="https://example.org/rss")
    fetcher = FailingPages()
    entries = [entry("a"), entry("full", full_text=True), entry("b"), entry("c")]
    texts, complete = await build(source, entries, asyncio.Event(), fetcher, max_pages=2)
    assert texts == ["Summary of a.", "Summary of full.", "Summary of b."]
    assert not complete  # "c" waits, unseen, for the next poll
    assert fetcher.urls == ["https://example.org/a", "https://example.org/b"]


async def test_a_stop_defers_only_the_entries_that_need_a_page() -> None:
    stop = asyncio.Event()
    stop.set()
    pages = Source(id="s", url="https://example.org/rss")
    texts, complete = await build(pages, [entry("a")], stop, FailingPages(), max_pages=50)
    assert (texts, complete) == ([], False)
    no_pages = Source(id="t", url="https://example.org/rss", fetch_pages=False)
    texts, complete = await build(no_pages, [entry("a")], stop, FailingPages(), max_pages=50)
    assert (texts, complete) == (["Summary of a."], True)
