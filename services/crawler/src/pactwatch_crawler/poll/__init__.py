"""One poll of a source, top to bottom (`Poller.poll`), each step in its own module:

    _fetch_listing    conditional GET of the listing (a 304 ends the poll)
    _parse_listing    its entries (child sitemaps too) and the feed's TTL
    _drop_seen        the articles published before, or being published here now
    _pages            article pages fetched, main text extracted (feed summary as fallback)
    _near_duplicates  syndicated copies marked with `duplicate_of`
    _publish          published, acks awaited, the acked marked seen

The poll returns a `PollOutcome`; the watch (`watch.py`) turns it into the next schedule
and the metrics. CPU-bound steps run on one worker thread (`_cpu`).
"""

from ._pipeline import Poller

__all__ = ["Poller"]
