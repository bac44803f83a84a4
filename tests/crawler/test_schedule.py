"""The adaptive schedule: busy sources sooner, quiet ones later, hints and back-off win."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from pactwatch_crawler.schedule import (
    Bounds,
    after_failure,
    after_success,
    entry_spacing,
    first_delay,
    server_hint,
)

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
