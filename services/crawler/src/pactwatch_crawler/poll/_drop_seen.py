"""Step 3, drop seen: the entries whose article was published before, by any replica ever
(the seen cache, fed by the seen topic), or is being published by another poll of this
replica right now (two sources listing the same URL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .. import metrics
from ..listing import Entry
from ..seen import SeenStore
from ..sources import Source


@contextmanager
def drop_seen(
    source: Source, entries: list[Entry], store: SeenStore, in_flight: set[str]
) -> Iterator[list[Entry]]:
    """The entries never published (first occurrence of each article only), claimed in
    `in_flight` for as long as the block runs, so a concurrent poll here skips them; the
    claim ends with the block, published or not (the seen cache knows the published)."""
    by_id: dict[str, Entry] = {}
    for entry in entries:
        by_id.setdefault(entry.article_id, entry)
    unseen = store.unseen(by_id) - in_flight
    metrics.ALREADY_SEEN.labels(source.id).inc(len(by_id) - len(unseen))
    new = [e for i, e in by_id.items() if i in unseen]
    claimed = {e.article_id for e in new}
    in_flight.update(claimed)
    try:
        yield new
    finally:
        in_flight.difference_update(claimed)
