"""What one poll found out: the poll's result, read by the schedule and the metrics."""

from __future__ import annotations

from dataclasses import dataclass

from .fetch import Validators


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """One poll of a source, as the schedule (`schedule.reschedule`) and the watch's
    metrics and logs need it. The server's hints are kept apart, as the server gave them;
    the schedule decides what they mean together."""

    outcome: str  # "200", "304" or an error kind (the `fetches_total` label)
    ok: bool
    validators: Validators | None = None  # None: keep the old ones (the next poll is full)
    new_entries: int = 0
    published: int = 0
    spacing: float | None = None  # median seconds between the listing's entries
    max_age: float | None = None  # the listing's Cache-Control max-age / Expires
    ttl: float | None = None  # what the feed says about its own update rate
    retry_after: float | None = None  # the error response's Retry-After
    detail: str = ""
