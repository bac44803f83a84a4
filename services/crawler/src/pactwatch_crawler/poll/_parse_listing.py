"""Step 2, parse the listing: its entries, a sitemap index's child sitemaps included,
and the feed's TTL for the schedule."""

from __future__ import annotations

from functools import partial

import structlog

from .. import metrics
from ..fetch import Fetched, Fetcher, FetchError
from ..listing import Entry, ListingError, parse_listing
from ..sources import Source
from ._cpu import CpuThread

log = structlog.get_logger("pactwatch.crawler")


async def parse_entries(
    source: Source,
    fetched: Fetched,
    *,
    fetcher: Fetcher,
    cpu: CpuThread,
    max_entries: int,
    max_child_sitemaps: int,
) -> tuple[list[Entry], float | None]:
    """Entries of the listing and its TTL; raises `ListingError` when it is no listing.

    A child sitemap that cannot be had is counted and passed over: the others still count.
    """
    # Parsing runs on the CPU thread, so /metrics, heartbeats and the other sources' polls
    # keep their turn on the event loop while a big listing is parsed.
    listing = await cpu.run(partial(parse_listing, fetched, source, max_entries=max_entries))
    for reason, count in listing.skipped.items():
        metrics.ENTRIES_SKIPPED.labels(reason).inc(count)
    if listing.bozo:
        log.info("listing_malformed_but_parsed", source=source.id, detail=listing.bozo[:200])
    entries = list(listing.entries)
    for child_url in listing.sitemaps[:max_child_sitemaps]:
        try:
            child = await fetcher.fetch(child_url, accept="feed")
            child_listing = await cpu.run(
                partial(parse_listing, child, source, max_entries=max_entries)
            )
            entries.extend(child_listing.entries)
        except (FetchError, ListingError) as exc:
            metrics.ENTRIES_SKIPPED.labels("child_sitemap_failed").inc()
            log.info("child_sitemap_failed", source=source.id, url=child_url, error=str(exc)[:200])
    return entries, listing.ttl_seconds
