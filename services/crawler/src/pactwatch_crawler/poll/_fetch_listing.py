"""Step 1, fetch the listing: a conditional GET with the validators of the last poll.

`Fetcher` makes it polite and safe (robots.txt, per-host slots, size and time caps,
redirects checked hop by hop); a 304 ends the poll there.
"""

from __future__ import annotations

import time

from .. import metrics
from ..fetch import Fetched, Fetcher, Validators
from ..sources import Source
from ..state import SourceState


async def fetch_listing(fetcher: Fetcher, source: Source, state: SourceState) -> Fetched:
    """The source's listing; raises `FetchError` when there is none to read."""
    started = time.perf_counter()
    try:
        fetched = await fetcher.fetch(
            str(source.url),
            validators=Validators(state.etag, state.last_modified),
            accept="html" if source.kind == "html" else "feed",
        )
    finally:
        metrics.FETCH_SECONDS.labels("listing").observe(time.perf_counter() - started)
    metrics.BYTES.labels("listing").inc(len(fetched.body))
    return fetched
