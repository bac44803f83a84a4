"""A fetched listing (feed, sitemap, HTML news list) -> candidate articles. Pure: no I/O.

`parse_listing` dispatches on the source's kind: RSS/Atom (`_feeds`), sitemaps
(`_sitemaps`), HTML listing pages (`_html`). Every entry comes out with a canonical
absolute URL and its article id, deduplicated, in document order; what was dropped is
counted by reason (`_common.EntryCollector`) so the poll can put it in metrics.
"""

from ._common import Entry, Listing, ListingError
from ._parse import parse_listing

__all__ = ["Entry", "Listing", "ListingError", "parse_listing"]
