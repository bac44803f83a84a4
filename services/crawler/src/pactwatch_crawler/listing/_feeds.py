"""RSS and Atom feeds, through feedparser: the reference parser for real-world feeds,
tolerant of broken XML. Relative links are resolved, missing dates stay None, and the
feed's own word on its update rate (`<ttl>`, `sy:updatePeriod`) is read for the schedule.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html
from lxml.etree import ParserError

from pactwatch_schemas import limits

from ..sources import Source
from ._common import CJK, EntryCollector, Listing, ListingError, language_tag

_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote")
# A feed item whose content is at least this long carries the article: no page fetch needed.
FULL_TEXT_CHARS = 1500
_SY_PERIODS = {
    "hourly": 3600,
    "daily": 86400,
    "weekly": 604800,
    "monthly": 2592000,
    "yearly": 31536000,
}


def parse_feed(body: bytes, source: Source, base_url: str, *, max_entries: int) -> Listing:
    """RSS/Atom via feedparser: relative links resolved, missing dates None, TTL read."""
    body, dropped = keep_first_items(body, max_entries)
    feed = _feedparse(body, base_url)
    bozo = str(feed.get("bozo_exception"))[:500] if feed.get("bozo") else None
    collector = EntryCollector(max_entries)
    if dropped:
        collector.skip("too_many", dropped)
    feed_language = language_tag(feed.feed.get("language"))
    for entry in feed.entries:
        link = entry.get("link") or _guid_link(entry)
        if not link:
            collector.skip("no_link")
            continue
        title = html_to_text(entry.get("title") or "")[: limits.MAX_TITLE_CHARS] or None
        contents = entry.get("content") or []
        content = max((str(c.get("value", "")) for c in contents), key=len, default="")
        content_text = html_to_text(content)[: limits.MAX_ARTICLE_TEXT_CHARS] if content else ""
        summary_text = html_to_text(entry.get("summary") or "")[: limits.MAX_ARTICLE_TEXT_CHARS]
        collector.add(
            urljoin(base_url, link.strip()),
            title=title,
            summary=content_text if len(content_text) >= len(summary_text) else summary_text,
            full_text=_substantial(content_text),
            published_at=_published(entry),
            language=source.language or _entry_language(entry) or feed_language,
        )
    return Listing(
        entries=collector.entries,
        skipped=collector.skipped,
        ttl_seconds=_ttl_seconds(feed.feed),
        bozo=bozo,
    )


def keep_first_items(body: bytes, limit: int) -> tuple[bytes, int]:
    """Cut a feed with more than `limit` items down to its first `limit` before parsing.

    feedparser costs ~0.3 ms of CPU per entry, so a hostile 100,000-entry feed would stall
    the crawler for half a minute. The items beyond the limit are spliced out at the byte
    level (from the end of item `limit` to the end of the last item), which keeps the
    document's own closing tags; returns the body and how many items were dropped.
    ASCII-compatible encodings only (UTF-8, GBK, Latin-1...): a UTF-16 feed is left as is.
    """
    if limit < 1 or body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body, 0
    for end_tag in (b"</item>", b"</entry>"):
        total = body.count(end_tag)
        if total <= limit:
            continue
        cut = -1
        for _ in range(limit):
            cut = body.index(end_tag, cut + 1)
        last_end = body.rindex(end_tag) + len(end_tag)
        return body[: cut + len(end_tag)] + body[last_end:], total - limit
    return body, 0


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, keeping paragraph breaks (the classifier splits on them)."""
    if "<" not in fragment:
        return fragment.strip()
    try:
        tree = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return fragment.strip()
    for bad in tree.iter("script", "style"):
        bad.drop_tree()
    for element in tree.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _feedparse(body: bytes, base_url: str) -> Any:
    # A neutral XML content type: without one feedparser reports every feed as malformed,
    # and the server's charset is not passed on (it lies often; the XML declaration rules).
    headers = {"content-location": base_url, "content-type": "application/xml"}
    # We keep only text: no sanitising or link rewriting inside the HTML content (costly).
    feed = feedparser.parse(
        body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    if not feed.get("version") and not feed.entries:
        bozo = str(feed.get("bozo_exception")) if feed.get("bozo") else "no feed elements found"
        raise ListingError(f"not an RSS/Atom feed ({bozo[:300]})")
    return feed


def _substantial(text: str) -> bool:
    """Long enough to be the article itself. A Chinese character carries about as much as
    three Latin letters, so 500 characters of Chinese count like 1,500 of English."""
    return len(text) + 2 * len(CJK.findall(text)) >= FULL_TEXT_CHARS


def _guid_link(entry: Any) -> str | None:
    """An RSS guid that is a permalink stands in for a missing <link>."""
    guid = entry.get("id") or ""
    if entry.get("guidislink") and guid.startswith(("http://", "https://")):
        return str(guid)
    return None


def _ttl_seconds(feed_info: Any) -> float | None:
    ttl = str(feed_info.get("ttl") or "").strip()
    if ttl.isdigit() and int(ttl) > 0:
        return int(ttl) * 60.0
    period = str(feed_info.get("sy_updateperiod") or "").strip().lower()
    if period in _SY_PERIODS:
        frequency = str(feed_info.get("sy_updatefrequency") or "1").strip()
        per = int(frequency) if frequency.isdigit() and int(frequency) > 0 else 1
        return _SY_PERIODS[period] / per
    return None


def _entry_language(entry: Any) -> str | None:
    detail = entry.get("title_detail") or {}
    return language_tag(detail.get("language"))


def _published(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError):
        return None
