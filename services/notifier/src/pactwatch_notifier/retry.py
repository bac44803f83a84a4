"""When to try a failed delivery again: the schedule with jitter, and the receiver's
Retry-After. Pure functions, so the policy is tested without a clock or a network."""

from __future__ import annotations

import random
from collections.abc import Sequence


def next_delay(
    attempts_made: int,
    schedule: Sequence[float],
    *,
    jitter: float = 0.2,
    retry_after: float | None = None,
    retry_after_max: float = 86400.0,
    rng: random.Random | None = None,
) -> float | None:
    """Seconds to wait before the next attempt, or None when the budget is spent.

    `schedule[i]` is the delay before attempt i + 2 (attempt 1 is immediate). Each delay is
    spread by ±`jitter` so that a receiver that comes back is not hit by every retry at once.
    A Retry-After from the receiver is honoured (never retry sooner than it asks), up to
    `retry_after_max`.
    """
    if attempts_made < 1:
        raise ValueError("attempts_made counts the attempts already made (>= 1)")
    if attempts_made > len(schedule):
        return None
    delay = schedule[attempts_made - 1] * (1 + (rng or random).uniform(-jitter, jitter))
    if retry_after is not None:
        delay = max(delay, min(retry_after, retry_after_max))
    return max(0.0, delay)
