"""When to poll a source next. Pure functions, so the policy is unit-tested, not guessed.

The policy follows Miniflux's: a source that publishes often is polled often and a quiet
one rarely, always within the source's bounds; a server's own hint (Retry-After,
Cache-Control max-age, the feed's TTL) wins when it asks for a longer pause; errors back
off exponentially with jitter, and a source that keeps failing is polled at the maximum
interval, never dropped.

`reschedule` is the whole decision after one poll; `resume` is where a source's schedule
starts on the replica that takes it over. The rest are their parts.
"""

from __future__ import annotations

import itertools
import math
import random
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from .outcome import PollOutcome
from .sources import Source
from .state import SourceState

BUSY_FACTOR = 0.5  # new entries: poll twice as often
QUIET_FACTOR = 1.5  # nothing new: poll a bit less often
JITTER = 0.2  # +-20% on error back-off, so failing hosts are not hit in lockstep


@dataclass(frozen=True, slots=True)
class Bounds:
    """A source's interval limits, in seconds."""

    min: float
    max: float

    def clamp(self, seconds: float) -> float:
        return min(self.max, max(self.min, seconds))


def entry_spacing(published: Iterable[datetime | None]) -> float | None:
    """Median seconds between consecutive entry dates: the source's own rhythm.

    None when fewer than three dated entries tell it.
    """
    stamps = sorted({p.timestamp() for p in published if p is not None})
    if len(stamps) < 3:
        return None
    gaps = [b - a for a, b in itertools.pairwise(stamps) if b > a]
    return statistics.median(gaps) if gaps else None


def server_hint(*hints: float | None) -> float | None:
    """The longest delay any server hint asks for (Retry-After, max-age, TTL)."""
    present = [h for h in hints if h is not None and h > 0]
    return max(present) if present else None


def after_success(
    current: float,
    *,
    new_entries: int,
    spacing: float | None,
    bounds: Bounds,
    hint: float | None = None,
) -> float:
    """The interval after a successful poll.

    Busy (new entries): halve the interval, but not below a quarter of the entry spacing.
    Quiet: grow it by half, and at least to half the spacing (a daily feed needs no
    minute-by-minute checks). Then clamp to the bounds; a longer server hint wins, up to
    the maximum.
    """
    if new_entries > 0:
        target = current * BUSY_FACTOR
        if spacing is not None:
            target = max(target, spacing / 4)
    else:
        target = current * QUIET_FACTOR
        if spacing is not None:
            target = max(target, spacing / 2)
    interval = bounds.clamp(target)
    if hint is not None:
        interval = max(interval, min(hint, bounds.max))
    return interval


def after_failure(
    failures: int,
    *,
    bounds: Bounds,
    failing_after: int,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """The delay after the `failures`-th consecutive failure (1 = first).

    Exponential from the minimum with +-20% jitter, capped at the maximum; a failing
    source (`failures >= failing_after`) waits the maximum. Retry-After wins when longer.
    """
    if is_failing(failures, failing_after):
        delay = bounds.max
    else:
        jitter = (rng or random).uniform(1 - JITTER, 1 + JITTER)
        delay = bounds.clamp(bounds.min * 2 ** max(0, failures - 1) * jitter)
    hint = server_hint(retry_after)
    if hint is not None:
        delay = max(delay, min(hint, bounds.max))
    return delay


def is_failing(failures: int, failing_after: int) -> bool:
    """Whether a source has failed often enough in a row to be reported as failing (it is
    still polled, at the maximum interval)."""
    return failures >= failing_after


def reschedule(
    state: SourceState,
    polled: PollOutcome,
    *,
    bounds: Bounds,
    failing_after: int,
    now: float,
    rng: random.Random | None = None,
) -> SourceState:
    """The source's state after one poll (a new value: `state` is left as it was).

    Success (200 or 304): the validators and entry spacing the poll found are kept, the
    failure count is reset, and the interval adapts (`after_success`) with the longest of
    the listing's max-age and the feed's TTL as the server's hint. Failure: one failure
    more, the error remembered, and the next poll backs off (`after_failure`, Retry-After
    honoured); the interval itself is left for the first success to adapt from.
    """
    polls = state.polls + 1
    if not polled.ok:
        failures = state.failures + 1
        delay = after_failure(
            failures,
            bounds=bounds,
            failing_after=failing_after,
            retry_after=polled.retry_after,
            rng=rng,
        )
        return replace(
            state,
            polls=polls,
            failures=failures,
            last_error=f"{polled.outcome}: {polled.detail}"[:500],
            next_due=now + delay,
        )
    validators = polled.validators
    spacing = state.spacing if polled.spacing is None else polled.spacing
    interval = after_success(
        state.interval,
        new_entries=polled.new_entries,
        spacing=spacing,
        bounds=bounds,
        hint=server_hint(polled.max_age, polled.ttl),
    )
    return replace(
        state,
        polls=polls,
        etag=state.etag if validators is None else validators.etag,
        last_modified=state.last_modified if validators is None else validators.last_modified,
        spacing=spacing,
        failures=0,
        last_success=now,
        last_error=None,
        interval=interval,
        next_due=now + interval,
    )


def bounds_for(source: Source, defaults: Bounds) -> Bounds:
    """The source's own bounds, else the defaults widened to include its start interval
    (a source configured for 30 s polls is not slowed to the 60 s default minimum)."""
    start = source.interval_seconds
    low = source.min_interval_seconds or min(defaults.min, start or math.inf)
    high = source.max_interval_seconds or max(defaults.max, start or 0.0, low)
    return Bounds(min(low, high), high)


def resume(
    source: Source,
    stored: SourceState | None,
    *,
    bounds: Bounds,
    default_interval: float,
    now: float,
) -> SourceState:
    """Where the schedule of a source taken over (at start, after a rebalance) carries on:
    the stored state when it belongs to this URL, with today's bounds re-applied (a
    takeover does not re-poll everything at once); else a fresh one, polled soon."""
    if stored is None or stored.url != str(source.url):
        interval = bounds.clamp(source.interval_seconds or default_interval)
        return SourceState(
            source_id=source.id,
            url=str(source.url),
            interval=interval,
            next_due=now + first_delay(interval),
        )
    return replace(
        stored,
        interval=bounds.clamp(stored.interval),
        next_due=min(stored.next_due, now + bounds.max),
    )


def first_delay(interval: float, rng: random.Random | None = None) -> float:
    """Delay before a source's very first poll: spread over up to 10 s (or the interval),
    so a fresh start does not hit every host in the same second."""
    return (rng or random).uniform(0, min(interval, 10.0))
