"""Feed bytes -> Article messages. Pure: no I/O, so it is easy to test with hostile input."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html
from lxml.etree import ParserError

from pactwatch_schemas import Article

from .canonical import article_id
from .sources import Source

_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote")
MAX_TITLE = 2000
MAX_TEXT = 1_000_000


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    articles: list[Article]
    skipped: dict[str, int]  # reason -> count, for metrics
    bozo: str | None  # feedparser's complaint about malformed XML, if any


class FeedError(ValueError):
    """The document is not a feed at all (HTML page, empty body, garbage)."""


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, keeping paragraph breaks (the classifier splits on them)."""
    if "<" not in fragment:
        return fragment.strip()
    try:
        tree = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return fragment.strip()
    for element in tree.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def parse_feed(body: bytes, source: Source, base_url: str, fetched_at: datetime) -> ParsedFeed:
    """Turn a fetched RSS/Atom document into articles; raise `FeedError` if it is no feed."""
    if not body.strip():
        raise FeedError("empty response body")
    feed = feedparser.parse(body, response_headers={"content-location": base_url})
    bozo = str(feed.get("bozo_exception")) if feed.get("bozo") else None
    if not feed.get("version") and not feed.entries:
        raise FeedError(f"not an RSS/Atom feed ({bozo or 'no feed elements found'})")
    articles: list[Article] = []
    skipped: dict[str, int] = {}
    for entry in feed.entries:
        article = _entry_to_article(entry, source, base_url, fetched_at)
        if isinstance(article, str):
            skipped[article] = skipped.get(article, 0) + 1
        else:
            articles.append(article)
    return ParsedFeed(articles=articles, skipped=skipped, bozo=bozo)


def _entry_to_article(
    entry: Any, source: Source, base_url: str, fetched_at: datetime
) -> Article | str:
    """An Article, or the reason the entry was skipped."""
    link = entry.get("link") or ""
    if not link:
        return "no_link"
    url = urljoin(base_url, link)
    if not url.startswith(("http://", "https://")):
        return "bad_link"
    title = html_to_text(entry.get("title") or "")[:MAX_TITLE]
    contents = entry.get("content") or []
    body = max((c.get("value", "") for c in contents), key=len, default="")
    text = html_to_text(body or entry.get("summary") or "")[:MAX_TEXT]
    if not title and not text:
        return "empty"
    return Article(
        schema_version=1,
        id=article_id(url),
        url=url[:4096],
        title=title,
        text=text,
        source_id=source.id,
        source_tags=source.tags,
        language=source.language or _entry_language(entry),
        published_at=_published(entry),
        fetched_at=fetched_at,
    )


def _entry_language(entry: Any) -> str | None:
    detail = entry.get("title_detail") or {}
    lang = detail.get("language")
    return str(lang)[:16] if lang else None


def _published(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError):
        return None
