"""What happens after an attempt: delivered, tried again later, dead-lettered, or the
subscription switched off. Pure functions of the attempt's result, so every branch of the
policy is tested without a clock, a network or a broker (`tests/notifier/test_retry.py`).

    decision = decide(error, attempt=2, permanent_failures=0, policy=policy)
    decision.outcome   # "delivered" | "retry_scheduled" | "disabled" | "dead_lettered"

The caller acts on the decision (records the delivery, publishes the retry record or the dead
letter, disables the subscription) and keeps `decision.permanent_failures` for the
subscription's next attempt: that count is the only state the policy has.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pactwatch_schemas import Attempt, limits

from .channels import DeliveryError
from .models import DeliveryOutcome


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """`schedule[i]` is the delay before attempt i + 2 (1 + len(schedule) attempts in all);
    `disable_after` consecutive permanent failures switch a subscription off."""

    schedule: Sequence[float]
    jitter: float = 0.2
    retry_after_max: float = 86400.0
    disable_after: int = 5


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one attempt's result.

    `permanent_failures`: the subscription's consecutive permanent failures after this
    attempt (0 after a success or once it is disabled). `delay`: seconds before the next
    attempt (`retry_scheduled` only). `disable_reason`: the subscription's new state reason
    (`disabled` only). `dead_letter`: the error the dead letter carries (`disabled`,
    `dead_lettered`).
    """

    outcome: DeliveryOutcome  # as `deliveries_total{outcome}` and the listing name it
    permanent_failures: int
    delay: float | None = None
    disable_reason: str | None = None
    dead_letter: str | None = None


def decide(
    error: DeliveryError | None,
    *,
    attempt: int,
    permanent_failures: int,
    policy: RetryPolicy,
    rng: random.Random | None = None,
) -> Decision:
    """The decision after attempt number `attempt` ended with `error` (None: accepted).

    In order: accepted → delivered. The receiver says the endpoint is gone (410), or this is
    the `disable_after`-th permanent failure in a row → disable the subscription (and
    dead-letter the delivery). Retryable (timeout, connection error, 429, 5xx, SMTP 4xx) with
    attempts left → retry after the next delay. Anything else → dead letter: a permanent
    failure (3xx, other 4xx, SMTP 5xx), or the last attempt used up.
    """
    if error is None:
        return Decision("delivered", permanent_failures=0)
    permanent = permanent_failures if error.retryable else permanent_failures + 1
    if error.disable or permanent >= policy.disable_after:
        reason = (
            error.detail
            if error.disable
            else f"{permanent} permanent failures in a row, last: {error.detail}"
        )
        return Decision(
            "disabled",
            permanent_failures=0,
            disable_reason=reason,
            dead_letter=f"{error.detail}: subscription disabled",
        )
    delay = (
        next_delay(
            attempt,
            policy.schedule,
            jitter=policy.jitter,
            retry_after=error.retry_after,
            retry_after_max=policy.retry_after_max,
            rng=rng,
        )
        if error.retryable
        else None
    )
    if delay is not None:
        return Decision("retry_scheduled", permanent_failures=permanent, delay=delay)
    return Decision("dead_lettered", permanent_failures=permanent, dead_letter=error.detail)


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


def with_attempt(history: Sequence[Attempt], at: datetime, outcome: str) -> list[Attempt]:
    """The attempt history with this failure added, cut to what the contract carries: the
    latest `MAX_RETRY_ATTEMPTS`, each outcome at most `MAX_ATTEMPT_OUTCOME_CHARS`."""
    tried = Attempt(at=at, outcome=outcome[: limits.MAX_ATTEMPT_OUTCOME_CHARS])
    return [*history, tried][-limits.MAX_RETRY_ATTEMPTS :]
