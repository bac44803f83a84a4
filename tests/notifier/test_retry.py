"""The retry policy: the schedule with jitter and Retry-After, and the decision after each
attempt, one test per branch, with errors made the way the channels make them."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from pactwatch_notifier.channels import DeliveryError, smtp_error, status_error
from pactwatch_notifier.retry import Decision, RetryPolicy, decide, next_delay, with_attempt
from pactwatch_schemas import Attempt, limits

pytestmark = pytest.mark.unit

URL = "https://hooks.example.org/x"
#: Three attempts in all, no jitter: every delay is exact.
POLICY = RetryPolicy(schedule=[5.0, 300.0], jitter=0.0, retry_after_max=3600.0, disable_after=3)


def _decide(error: DeliveryError | None, *, attempt: int = 1, permanent: int = 0) -> Decision:
    return decide(error, attempt=attempt, permanent_failures=permanent, policy=POLICY)


def _http(status: int, retry_after: str | None = None) -> DeliveryError | None:
    return status_error(URL, status, retry_after)


# -- the schedule -------------------------------------------------------------------------
def test_schedule_with_jitter_and_budget() -> None:
    schedule = [5.0, 300.0, 1800.0]
    rng = random.Random(1)
    delays = [next_delay(n, schedule, jitter=0.2, rng=rng) for n in (1, 2, 3)]
    for delay, base in zip(delays, schedule, strict=True):
        assert delay is not None and base * 0.8 <= delay <= base * 1.2
    assert next_delay(4, schedule) is None  # 1 + len(schedule) attempts, then dead letter
    spread = {round(next_delay(1, schedule, rng=rng) or 0, 3) for _ in range(20)}
    assert len(spread) > 10  # jitter spreads a thundering herd


def test_retry_after_is_honoured_within_a_cap() -> None:
    assert next_delay(1, [0.1], jitter=0, retry_after=7) == 7
    assert next_delay(1, [30.0], jitter=0, retry_after=7) == 30  # never sooner than the plan
    assert next_delay(1, [0.1], jitter=0, retry_after=10**9, retry_after_max=3600) == 3600


# -- the decision, branch by branch -------------------------------------------------------
@pytest.mark.parametrize("status", [200, 202, 204])
def test_2xx_is_delivered_and_clears_the_permanent_count(status: int) -> None:
    assert _http(status) is None
    assert _decide(None, attempt=2, permanent=2) == Decision("delivered", permanent_failures=0)


@pytest.mark.parametrize(
    ("status", "permanent", "reason"),
    [
        (410, 1, f"{URL} answered 410"),  # the endpoint is gone: at once
        (400, POLICY.disable_after - 1, f"3 permanent failures in a row, last: {URL} answered 400"),
    ],
    ids=["410", "permanent-failure-count-reaches-the-threshold"],
)
def test_disables_and_dead_letters(status: int, permanent: int, reason: str) -> None:
    decision = _decide(_http(status), permanent=permanent)
    assert decision == Decision(
        "disabled",
        permanent_failures=0,
        disable_reason=reason,
        dead_letter=f"{URL} answered {status}: subscription disabled",
    )


def test_429_with_retry_after_waits_at_least_as_long_as_asked() -> None:
    decision = _decide(_http(429, "120"), permanent=1)
    assert decision == Decision("retry_scheduled", permanent_failures=1, delay=120.0)
    capped = _decide(_http(429, str(10**9)))
    assert capped.delay == POLICY.retry_after_max
    shorter = _decide(_http(429, "1"), attempt=2)  # the plan says 300 s: never sooner
    assert shorter.delay == 300.0


def test_429_without_retry_after_follows_the_schedule() -> None:
    assert _decide(_http(429)) == Decision("retry_scheduled", permanent_failures=0, delay=5.0)
    assert _decide(_http(429, "soon")).delay == 5.0  # not a Retry-After: no hint


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_retried_without_counting_as_permanent(status: int) -> None:
    decision = _decide(_http(status), attempt=2, permanent=2)
    assert decision == Decision("retry_scheduled", permanent_failures=2, delay=300.0)


def test_timeout_is_retried() -> None:
    timeout = DeliveryError(f"timeout posting to {URL}", retryable=True)
    assert _decide(timeout) == Decision("retry_scheduled", permanent_failures=0, delay=5.0)


@pytest.mark.parametrize("status", [301, 400, 401, 404, 408])
def test_other_4xx_and_3xx_dead_letter_at_once_and_count(status: int) -> None:
    decision = _decide(_http(status), permanent=1)
    assert decision == Decision(
        "dead_lettered", permanent_failures=2, dead_letter=f"{URL} answered {status}"
    )


def test_the_last_attempt_gives_up_with_a_dead_letter() -> None:
    last = 1 + len(POLICY.schedule)
    decision = _decide(_http(503), attempt=last, permanent=1)
    assert decision == Decision(
        "dead_lettered", permanent_failures=1, dead_letter=f"{URL} answered 503"
    )


def test_smtp_4xx_is_retried_and_5xx_is_permanent() -> None:
    busy = _decide(smtp_error(421, "try again later"))
    assert busy == Decision("retry_scheduled", permanent_failures=0, delay=5.0)
    refused = _decide(smtp_error(550, "no such mailbox"))
    assert refused == Decision(
        "dead_lettered", permanent_failures=1, dead_letter="SMTP 550: no such mailbox"
    )


def test_the_attempt_history_is_cut_to_the_contract() -> None:
    start = datetime(2026, 11, 21, tzinfo=UTC)
    history: list[Attempt] = []
    for n in range(limits.MAX_RETRY_ATTEMPTS + 5):
        history = with_attempt(history, start + timedelta(seconds=n), f"{n} " + "x" * 600)
    assert len(history) == limits.MAX_RETRY_ATTEMPTS
    assert history[0].outcome.startswith("5 ") and history[-1].outcome.startswith("54 ")
    assert all(len(a.outcome) == limits.MAX_ATTEMPT_OUTCOME_CHARS for a in history)
