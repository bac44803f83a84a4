"""Step 4, fetch article pages and extract: an article per new entry.

When the entry lacks the full text and the source's `fetch_pages` is on, the article page
is fetched and its main text, title, date and language extracted (`extract.py`); else, or
when the page gives none, the feed's summary stands in. Language: page > entry > source
hint; dates: entry > page. Titles and texts are cut to the contract's limits.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

import structlog
from pydantic import ValidationError

from pactwatch_schemas import Article, limits

from .. import metrics
from ..extract import extract_article
from ..fetch import Fetcher, FetchError
from ..listing import Entry
from ..sources import Source
from ._cpu import CpuThread

log = structlog.get_logger("pactwatch.crawler")


@dataclass(frozen=True, slots=True)
class _Page:
    title: str | None
    text: str
    published_at: datetime | None
    language: str | None


async def build_articles(
    source: Source,
    entries: list[Entry],
    stop: asyncio.Event,
    *,
    fetcher: Fetcher,
    cpu: CpuThread,
    max_pages: int,
) -> tuple[list[Article], bool]:
    """An article per entry, and whether every entry was handled. Pages are fetched for
    at most `max_pages` entries; the rest stay unseen for the next poll, as do all left
    when `stop` is set (a rebalance should not wait for a hundred pages)."""
    articles: list[Article] = []
    pages = 0
    fetched_at = datetime.now(UTC)
    for entry in entries:
        page: _Page | None = None
        if source.fetch_pages and not entry.full_text:
            if stop.is_set() or pages >= max_pages:
                metrics.ENTRIES_SKIPPED.labels("deferred").inc()
                return articles, False
            pages += 1
            page = await _fetch_page(entry.url, fetcher, cpu)
        article = _article(source, entry, page, fetched_at)
        if article is not None:
            articles.append(article)
    return articles, True


def _article(
    source: Source, entry: Entry, page: _Page | None, fetched_at: datetime
) -> Article | None:
    """The entry as an article, its page's findings merged in; None (counted) when it has
    neither text nor title, or breaks the contract."""
    title, text = entry.title, entry.summary
    published_at, language = entry.published_at, entry.language
    if page is not None:
        title = title or page.title or ""
        text = page.text or text
        published_at = published_at or page.published_at
        language = page.language or language
    if not text and not title:
        metrics.ENTRIES_SKIPPED.labels("no_text").inc()
        return None
    if len(entry.url) > limits.MAX_URL_CHARS:
        metrics.ENTRIES_SKIPPED.labels("url_too_long").inc()
        return None
    try:
        return Article(
            schema_version=1,
            id=entry.article_id,
            url=entry.url,
            title=(title or "")[: limits.MAX_TITLE_CHARS],
            text=(text or "")[: limits.MAX_ARTICLE_TEXT_CHARS],
            source_id=source.id,
            source_tags=source.tags,
            language=(language or source.language or None),
            published_at=published_at,
            fetched_at=fetched_at,
        )
    except ValidationError as exc:
        metrics.ENTRIES_SKIPPED.labels("invalid").inc()
        log.info("entry_invalid", source=source.id, url=entry.url[:300], error=str(exc)[:300])
        return None


async def _fetch_page(url: str, fetcher: Fetcher, cpu: CpuThread) -> _Page | None:
    """The article page's main text, or None (counted) when it can't be had."""
    started = time.perf_counter()
    try:
        fetched = await fetcher.fetch(url, accept="html")
    except FetchError as exc:
        metrics.PAGES.labels(exc.kind).inc()
        log.info("page_failed", url=url[:300], kind=exc.kind, detail=exc.detail[:200])
        return None
    finally:
        metrics.FETCH_SECONDS.labels("page").observe(time.perf_counter() - started)
    metrics.BYTES.labels("page").inc(len(fetched.body))
    extracted = await cpu.run(partial(extract_article, fetched.body, fetched.url, fetched.charset))
    if extracted is None or not extracted.text:
        metrics.PAGES.labels("no_text").inc()
        return None
    metrics.PAGES.labels("extracted").inc()
    return _Page(extracted.title, extracted.text, extracted.published_at, extracted.language)
