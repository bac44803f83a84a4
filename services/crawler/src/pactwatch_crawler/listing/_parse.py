"""A fetched listing -> its candidate articles, by the source's kind. Pure: no I/O."""

from __future__ import annotations

import gzip
import io
import zlib
from typing import TYPE_CHECKING

from ..sources import Source
from ._common import Listing, ListingError
from ._feeds import parse_feed
from ._html import parse_html_listing
from ._sitemaps import parse_sitemap

if TYPE_CHECKING:
    from ..fetch import Fetched

# Unpacked size allowed for a gzipped body (`sitemap.xml.gz`): a bomb stops here.
GUNZIP_CAP = 50 * 1024 * 1024


def parse_listing(fetched: Fetched, source: Source, *, max_entries: int = 5000) -> Listing:
    """Candidate articles in a fetched listing; raises `ListingError` if it is none."""
    body = _maybe_gunzip(fetched.body)
    if not body.strip():
        raise ListingError("empty response body")
    if source.kind in ("rss", "atom"):
        return parse_feed(body, source, fetched.url, max_entries=max_entries)
    if source.kind == "sitemap":
        return parse_sitemap(body, source, fetched.url, max_entries=max_entries)
    return parse_html_listing(body, source, fetched.url, fetched.charset, max_entries=max_entries)


def _maybe_gunzip(body: bytes, cap: int = GUNZIP_CAP) -> bytes:
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
