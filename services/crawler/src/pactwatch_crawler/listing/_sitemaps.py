"""Sitemaps: `<urlset>` (Google News sitemaps included, with their titles, dates and
languages) gives entries; a `<sitemapindex>` gives child sitemaps, which the poll fetches
and parses in turn. Only URLs on the source's own site are kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

from pactwatch_schemas import limits

from ..sources import Source
from ._common import EntryCollector, Listing, ListingError, language_tag, same_site, site_of

_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def parse_sitemap(body: bytes, source: Source, url: str, *, max_entries: int) -> Listing:
    """`<urlset>` (incl. Google News sitemaps) -> entries; `<sitemapindex>` -> `sitemaps`."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ListingError(f"not a sitemap: {exc}") from None
    if root is None:
        raise ListingError("not a sitemap: no XML elements found")
    kind = etree.QName(root).localname
    bozo = str(parser.error_log.last_error)[:500] if len(parser.error_log) else None
    collector = EntryCollector(max_entries)
    site = site_of(str(source.url))
    if kind == "sitemapindex":
        sitemaps: list[str] = []
        for loc in root.iter("{*}loc"):
            child = urljoin(url, (loc.text or "").strip())
            if child.startswith(("http://", "https://")) and len(sitemaps) < max_entries:
                sitemaps.append(child)
        return Listing([], {}, ttl_seconds=None, bozo=bozo, sitemaps=sitemaps)
    if kind != "urlset":
        raise ListingError(f"not a sitemap: root element <{kind}>")
    for node in root.iter("{*}url"):
        loc = (node.findtext("{*}loc") or "").strip()
        if not loc:
            collector.skip("no_link")
            continue
        absolute = urljoin(url, loc)
        host = urlsplit(absolute).hostname
        if host is None or not same_site(host, site):
            collector.skip("off_site")
            continue
        title = (node.findtext(f"{{{_NEWS_NS}}}news/{{{_NEWS_NS}}}title") or "").strip()
        language = node.findtext(
            f"{{{_NEWS_NS}}}news/{{{_NEWS_NS}}}publication/{{{_NEWS_NS}}}language"
        )
        published = _w3c_date(
            node.findtext(f"{{{_NEWS_NS}}}news/{{{_NEWS_NS}}}publication_date")
            or node.findtext("{*}lastmod")
        )
        collector.add(
            absolute,
            title=" ".join(title.split())[: limits.MAX_TITLE_CHARS] or None,
            published_at=published,
            language=source.language or language_tag(language),
        )
    return Listing(collector.entries, collector.skipped, ttl_seconds=None, bozo=bozo)


def _w3c_date(value: str | None) -> datetime | None:
    """W3C datetime (`2026-11-20`, `2026-11-20T08:00:00+08:00`) as aware UTC."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
