"""`parse_retry_after`: the two forms RFC 9110 allows, and nothing else."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta

import pytest

from pactwatch_runtime import parse_retry_after

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("120", 120.0), (" 120 ", 120.0), ("0", 0.0), ("007", 7.0), ("86400000", 86_400_000.0)],
)
def test_delta_seconds_are_a_non_negative_integer(header: str, seconds: float) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


@pytest.mark.parametrize(
    "header",
    ["1.5", "-5", "+5", "1e3", "inf", "nan", "１２", "²", "12 34", "soon", "", "   "],
)
def test_anything_else_is_no_hint(header: str) -> None:
    assert parse_retry_after(header, now=NOW) is None


def test_absent_header_is_no_hint() -> None:
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("Sat, 21 Nov 2026 12:01:30 GMT", 90.0),  # IMF-fixdate
        ("Saturday, 21-Nov-26 12:01:30 GMT", 90.0),  # obsolete RFC 850 form
        ("Sat Nov 21 12:01:30 2026", 90.0),  # obsolete asctime form: no zone, read as GMT
        ("Sat, 21 Nov 2026 11:00:00 GMT", 0.0),  # already past
    ],
)
def test_http_dates_count_from_now(header: str, seconds: float) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


def test_http_date_counts_from_the_current_time_by_default() -> None:
    header = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=300), usegmt=True)
    assert parse_retry_after(header) == pytest.approx(300, abs=2)
