"""A fetched listing (feed, sitemap, HTML news list) -> candidate articles. Pure: no I/O.

`parse_listing` dispatches on the source's kind: RSS/Atom through feedparser here,
sitemaps and HTML listing pages in `discover.py`. Every entry comes out with a
canonical absolute URL and its article id, deduplicated, in document order; what was
dropped is counted by reason so the service can put it in metrics.
"""

from __future__ import annotations

import calendar
import gzip
import io
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import feedparser
import lxml.html
from lxml.etree import ParserError

from pactwatch_schemas import limits

from .canonical import article_id, canonical_url
from .sources import Source

if TYPE_CHECKING:
    from .fetch import Fetched

_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote")
# A feed item whose content is at least this long carries the article: no page fetch needed.
FULL_TEXT_CHARS = 1500
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SY_PERIODS = {
    "hourly": 3600,
    "daily": 86400,
    "weekly": 604800,
    "monthly": 2592000,
    "yearly": 31536000,
}


@dataclass(frozen=True)
class Entry:
    """A candidate article found in a listing."""

    url: str  # canonical, absolute
    article_id: str
    title: str | None
    summary: str  # plain text from the feed (the whole text when `full_text`); "" otherwise
    full_text: bool
    published_at: datetime | None  # aware UTC
    language: str | None


@dataclass(frozen=True)
class Listing:
    entries: list[Entry]  # deduplicated by article_id, in document order
    skipped: dict[str, int]  # reason -> count
    ttl_seconds: float | None  # what the feed says about its own update rate
    bozo: str | None  # malformed-but-parsed complaint
    sitemaps: list[str] = field(default_factory=list)  # child sitemaps of a sitemap index


class ListingError(ValueError):
    """The document is not a listing of the source's kind at all (HTML as a feed, garbage)."""


class EntryCollector:
    """Builds a Listing: canonicalises, deduplicates, caps and counts skips."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.entries: list[Entry] = []
        self.skipped: dict[str, int] = {}
        self._ids: set[str] = set()

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + count

    def add(
        self,
        url: str,
        *,
        title: str | None,
        summary: str = "",
        full_text: bool = False,
        published_at: datetime | None = None,
        language: str | None = None,
    ) -> bool:
        if not url.startswith(("http://", "https://")) or len(url) > limits.MAX_URL_CHARS:
            self.skip("bad_url")
            return False
        try:
            canonical = canonical_url(url)
        except ValueError:
            self.skip("bad_url")
            return False
        ident = article_id(canonical)
        if ident in self._ids:
            self.skip("duplicate")
            return False
        if len(self.entries) >= self.max_entries:
            self.skip("too_many")
            return False
        self._ids.add(ident)
        self.entries.append(
            Entry(canonical, ident, title, summary, full_text, published_at, language)
        )
        return True


def parse_listing(fetched: Fetched, source: Source, *, max_entries: int = 5000) -> Listing:
    """Candidate articles in a fetched listing; raises `ListingError` if it is none."""
    body = _maybe_gunzip(fetched.body)
    if not body.strip():
        raise ListingError("empty response body")
    if source.kind in ("rss", "atom"):
        return parse_feed_listing(body, source, fetched.url, max_entries=max_entries)
    from . import discover  # discover builds on this module's types

    if source.kind == "sitemap":
        return discover.parse_sitemap(body, source, fetched.url, max_entries=max_entries)
    return discover.parse_html_listing(
        body, source, fetched.url, fetched.charset, max_entries=max_entries
    )


def parse_feed_listing(body: bytes, source: Source, base_url: str, *, max_entries: int) -> Listing:
    """RSS/Atom via feedparser: relative links resolved, missing dates None, TTL read."""
    body, dropped = keep_first_items(body, max_entries)
    feed = _feedparse(body, base_url)
    bozo = str(feed.get("bozo_exception"))[:500] if feed.get("bozo") else None
    collector = EntryCollector(max_entries)
    if dropped:
        collector.skip("too_many", dropped)
    feed_language = _language(feed.feed.get("language"))
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
        full_text = _substantial(content_text)
        collector.add(
            urljoin(base_url, link.strip()),
            title=title,
            summary=content_text if len(content_text) >= len(summary_text) else summary_text,
            full_text=full_text,
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
    return len(text) + 2 * len(_CJK.findall(text)) >= FULL_TEXT_CHARS


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


def _language(value: object) -> str | None:
    if not value:
        return None
    return str(value).strip()[:16] or None


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


def _maybe_gunzip(body: bytes, cap: int = 50 * 1024 * 1024) -> bytes:
    """Compressed sitemaps (`sitemap.xml.gz`) arrive gzipped; unpack under a size cap."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as unpacked:
            data = unpacked.read(cap + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ListingError(f"broken gzip body: {exc}") from None
    if len(data) > cap:
        raise ListingError(f"gzip body unpacks to more than {cap} bytes")
    return data


def _entry_language(entry: Any) -> str | None:
    detail = entry.get("title_detail") or {}
    return _language(detail.get("language"))


def _published(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError):
        return None
