"""What every listing parser builds, and the little they all need.

A parser finds links; an `EntryCollector` turns each into an `Entry` of the `Listing`
(canonical absolute URL and article id, deduplicated, capped) or counts why it could not,
so the three parsers drop entries for the same reasons under the same names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from tld import get_fld

from pactwatch_schemas import limits

from ..canonical import article_id, canonical_url

# Han characters: a Chinese character carries about as much as a few Latin letters, so
# lengths and word counts weigh them apart.
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


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


def language_tag(value: object) -> str | None:
    """A language a document declares (`zh-CN`), trimmed; None when it declares none."""
    if not value:
        return None
    return str(value).strip()[:16] or None


def site_of(url: str) -> str:
    """The registrable domain (public-suffix aware), or the bare host for IPs/localhost."""
    host = (urlsplit(url).hostname or "").lower()
    fld = get_fld(host, fix_protocol=True, fail_silently=True)
    return str(fld) if fld else host


def same_site(host: str, site: str) -> bool:
    """Whether `host` is `site` or one of its subdomains (any `*.wuxi.gov.cn`)."""
    host = host.lower().rstrip(".")
    return host == site or host.endswith("." + site)
