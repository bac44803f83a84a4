"""The adaptive schedule: busy sources sooner, quiet ones later, hints and back-off win;
what one poll does to a source's state; where a source taken over resumes."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pactwatch_crawler.fetch import Validators
from pactwatch_crawler.outcome import PollOutcome
from pactwatch_crawler.schedule import (
    Bounds,
    after_failure,
    after_success,
    bounds_for,
    entry_spacing,
    first_delay,
    is_failing,
    reschedule,
    resume,
    server_hint,
)
from pactwatch_crawler.sources import Source
from pactwatch_crawler.state import SourceState

pytestmark = pytest.mark.unit

BOUNDS = Bounds(60, 3600)


def test_new_entries_shorten_the_interval_and_quiet_polls_lengthen_it() -> None:
    busy = after_success(600, new_entries=3, spacing=None, bounds=BOUNDS)
    quiet = after_success(600, new_entries=0, spacing=None, bounds=BOUNDS)
    assert busy == 300
    assert quiet == 900


def test_interval_stays_within_the_bounds() -> None:
    interval = 600.0
    for _ in range(20):
        interval = after_success(interval, new_entries=5, spacing=None, bounds=BOUNDS)
    assert interval == 60
    for _ in range(20):
        interval = after_success(interval, new_entries=0, spacing=None, bounds=BOUNDS)
    assert interval == 3600


def test_entry_spacing_sets_the_rhythm() -> None:
    # A source publishing every two hours: no minute-by-minute polls when quiet...
    assert after_success(60, new_entries=0, spacing=7200, bounds=BOUNDS) == 3600
    # ...and when busy not faster than a quarter of its spacing.
    assert after_success(1200, new_entries=1, spacing=4000, bounds=BOUNDS) == 1000


def test_longest_server_hint_wins_up_to_the_maximum() -> None:
    assert server_hint(None, 120.0, 900.0) == 900
    assert server_hint(None, 0.0) is None
    assert after_success(300, new_entries=1, spacing=None, bounds=BOUNDS, hint=900) == 900
    assert after_success(300, new_entries=1, spacing=None, bounds=BOUNDS, hint=86400) == 3600
    # A short hint does not make polling faster than the schedule says.
    assert after_success(300, new_entries=0, spacing=None, bounds=BOUNDS, hint=10) == 450


def test_errors_back_off_exponentially_with_jitter_then_hold_at_the_maximum() -> None:
    rng = random.Random(7)
    delays = [after_failure(n, bounds=BOUNDS, failing_after=6, rng=rng) for n in range(1, 6)]
    for n, delay in enumerate(delays, start=1):
        expected = min(3600, 60 * 2 ** (n - 1))
        assert expected * 0.8 <= delay <= min(3600, expected * 1.2)
    assert delays == sorted(delays)
    # Jitter: two sources failing together do not retry in lockstep.
    spread = {round(after_failure(2, bounds=BOUNDS, failing_after=6), 3) for _ in range(20)}
    assert len(spread) > 1
    # Failing: retried at the maximum interval, never dropped.
    assert after_failure(3, bounds=BOUNDS, failing_after=3) == 3600
    assert after_failure(300, bounds=BOUNDS, failing_after=3) == 3600


def test_retry_after_wins_when_longer_but_is_capped() -> None:
    assert after_failure(1, bounds=BOUNDS, failing_after=3, retry_after=1800) == 1800
    assert after_failure(1, bounds=BOUNDS, failing_after=3, retry_after=10**6) == 3600


def test_fixed_interval_when_min_equals_max() -> None:
    fixed = Bounds(3, 3)
    assert after_success(3, new_entries=10, spacing=1, bounds=fixed) == 3
    assert after_success(3, new_entries=0, spacing=None, bounds=fixed, hint=60) == 3
    assert after_failure(1, bounds=fixed, failing_after=3) == 3


def test_entry_spacing_is_the_median_gap() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    dates = [start + timedelta(hours=h) for h in (0, 1, 2, 3, 10)]
    assert entry_spacing([*dates, None]) == 3600
    assert entry_spacing(dates[:2]) is None
    assert entry_spacing([start, start, start]) is None


def test_first_polls_are_spread() -> None:
    rng = random.Random(1)
    delays = [first_delay(300, rng) for _ in range(100)]
    assert all(0 <= d <= 10 for d in delays)
    assert max(delays) - min(delays) > 5
    assert all(0 <= first_delay(2, rng) <= 2 for _ in range(20))


# --- reschedule: one poll's outcome -> the source's next state ----------------------------

NOW = 1_800_000_000.0
URL = "https://a.example/rss"


def polled_state(**fields: object) -> SourceState:
    """A source polled before: 600 s interval, validators and an entry spacing known."""
    state = SourceState(
        "a", URL, interval=600, next_due=NOW, etag='"old"', last_modified="Mon", spacing=None
    )
    return replace(state, polls=4, **fields)  # type: ignore[arg-type]


def after(
    outcome: PollOutcome, state: SourceState | None = None, failing_after: int = 3
) -> SourceState:
    return reschedule(
        state or polled_state(),
        outcome,
        bounds=BOUNDS,
        failing_after=failing_after,
        now=NOW,
        rng=random.Random(3),
    )


def test_success_takes_the_new_validators_and_clears_the_failures() -> None:
    before = polled_state(failures=2, last_error="timeout: slow")
    state = after(
        PollOutcome(
            "200", ok=True, validators=Validators('"new"', "Tue"), new_entries=2, spacing=900
        ),
        before,
    )
    assert (state.etag, state.last_modified, state.spacing) == ('"new"', "Tue", 900)
    assert (state.failures, state.last_error, state.last_success) == (0, None, NOW)
    assert state.interval == 300 and state.next_due == NOW + 300  # busy: halved
    assert state.polls == 5
    assert before.etag == '"old"' and before.failures == 2  # a new value, not a mutation


def test_success_without_validators_keeps_the_old_ones_for_a_full_poll_next_time() -> None:
    # Entries were left for later (page cap, rebalance): the old validators stay.
    state = after(PollOutcome("200", ok=True, validators=None, new_entries=1))
    assert (state.etag, state.last_modified) == ('"old"', "Mon")


def test_not_modified_grows_the_interval_and_keeps_the_known_spacing() -> None:
    state = after(
        PollOutcome("304", ok=True, validators=Validators('"old"', "Mon")),
        polled_state(spacing=1000.0),
    )
    assert state.interval == 900 and state.next_due == NOW + 900  # quiet: grown by half
    assert state.spacing == 1000 and state.failures == 0


def test_cache_control_max_age_asks_for_a_longer_pause() -> None:
    state = after(PollOutcome("304", ok=True, max_age=2400))
    assert state.interval == 2400
    assert after(PollOutcome("304", ok=True, max_age=10**6)).interval == 3600  # capped
    assert after(PollOutcome("304", ok=True, max_age=0)).interval == 900  # no hint


def test_rss_ttl_asks_for_a_longer_pause_and_the_longest_hint_wins() -> None:
    assert after(PollOutcome("200", ok=True, ttl=1800)).interval == 1800
    assert after(PollOutcome("200", ok=True, ttl=1800, max_age=2700)).interval == 2700
    assert after(PollOutcome("200", ok=True, ttl=2700, max_age=1800)).interval == 2700


def test_an_error_backs_off_and_leaves_the_interval_and_validators() -> None:
    state = after(PollOutcome("http_503", ok=False, detail="busy"))
    assert state.failures == 1 and state.last_error == "http_503: busy"
    assert 60 * 0.8 <= state.next_due - NOW <= 60 * 1.2  # from the minimum, with jitter
    assert (state.interval, state.etag, state.last_success) == (600, '"old"', None)
    second = after(PollOutcome("timeout", ok=False), state)
    assert second.failures == 2 and 120 * 0.8 <= second.next_due - NOW <= 120 * 1.2
    long = after(PollOutcome("internal_error", ok=False, detail="x" * 900))
    assert len(long.last_error or "") == 500


def test_retry_after_sets_the_pause_after_an_error() -> None:
    state = after(PollOutcome("http_429", ok=False, retry_after=1200))
    assert state.next_due == NOW + 1200
    assert after(PollOutcome("http_503", ok=False, retry_after=10**6)).next_due == NOW + 3600


def test_failing_after_n_errors_is_retried_at_the_maximum_then_recovers() -> None:
    state = polled_state()
    for _ in range(3):
        state = after(PollOutcome("http_500", ok=False), state)
    assert state.failures == 3 and is_failing(state.failures, 3)
    assert state.next_due == NOW + 3600  # never dropped: polled at the maximum interval
    assert not is_failing(2, 3)
    recovered = after(PollOutcome("304", ok=True), state)
    assert recovered.failures == 0 and not is_failing(recovered.failures, 3)


# --- bounds and resume: where a source's schedule starts on this replica -------------------

DEFAULTS = Bounds(60, 3600)


def test_bounds_default_and_widened_to_the_start_interval() -> None:
    plain = Source(id="a", url="https://a.example/rss")
    fast = Source(id="b", url="https://b.example/rss", interval_seconds=2)
    slow = Source(id="c", url="https://c.example/rss", interval_seconds=7200)
    own = Source(
        id="d", url="https://d.example/rss", min_interval_seconds=5, max_interval_seconds=50
    )
    assert bounds_for(plain, DEFAULTS) == Bounds(60, 3600)
    assert bounds_for(fast, DEFAULTS) == Bounds(2, 3600)
    assert bounds_for(slow, DEFAULTS) == Bounds(60, 7200)
    assert bounds_for(own, DEFAULTS) == Bounds(5, 50)


def test_resume_keeps_a_stored_schedule_and_restarts_a_moved_source() -> None:
    source = Source(id="a", url="https://a.example/rss", max_interval_seconds=600)
    bounds = bounds_for(source, DEFAULTS)
    now = time.time()

    def resumed_from(stored: SourceState | None) -> SourceState:
        return resume(source, stored, bounds=bounds, default_interval=300, now=now)

    stored = SourceState(
        "a", "https://a.example/rss", interval=9000, next_due=now + 5000, etag='"x"'
    )
    resumed = resumed_from(stored)
    assert resumed.etag == '"x"'
    assert resumed.interval == 600  # bounds changed since: re-applied
    assert resumed.next_due == now + 600
    moved = SourceState("a", "https://old.example/rss", interval=100, next_due=now + 50, etag='"x"')
    fresh = resumed_from(moved)
    assert fresh.etag is None and fresh.url == "https://a.example/rss"
    assert now <= fresh.next_due <= now + 10  # first polls spread over up to 10 s
    assert resumed_from(None).interval == 300
