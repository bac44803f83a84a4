"""When to poll a source next. Pure functions, so the policy is unit-tested, not guessed.

The policy follows Miniflux's: a source that publishes often is polled often and a quiet
one rarely, always within the source's bounds; a server's own hint (Retry-After,
Cache-Control max-age, the feed's TTL) wins when it asks for a longer pause; errors back
off exponentially with jitter, and a source that keeps failing is polled at the maximum
interval, never dropped.
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

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
    if failures >= failing_after:
        delay = bounds.max
    else:
        jitter = (rng or random).uniform(1 - JITTER, 1 + JITTER)
        delay = bounds.clamp(bounds.min * 2 ** max(0, failures - 1) * jitter)
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(retry_after, bounds.max))
    return delay


def is_failing(failures: int, failing_after: int) -> bool:
    return failures >= failing_after


def first_delay(interval: float, rng: random.Random | None = None) -> float:
    """Delay before a source's very first poll: spread over up to 10 s (or the interval),
    so a fresh start does not hit every host in the same second."""
    return (rng or random).uniform(0, min(interval, 10.0))
