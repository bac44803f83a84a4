"""The ledger's claim rules (pure): who may attempt an alert, and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pactwatch_notifier.store.claims import LedgerRow, busy_for, decide

pytestmark = pytest.mark.unit

AT = datetime(2026, 12, 1, 12, tzinfo=UTC)
LATER = AT + timedelta(seconds=30)


def _row(
    state: str, *, until: datetime | None = None, chain: str = "", attempt: int = 0
) -> LedgerRow:
    return LedgerRow(state, "a" if state == "claimed" else None, until, chain, attempt)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("row", "chain", "attempt", "expected"),
    [
        (None, "first", 1, "claim"),  # a new alert
        (_row("sent"), "first", 1, "skip"),  # delivered: never again
        (_row("sent"), "replay-1", 1, "skip"),  # not even by a replay
        (_row("claimed", until=LATER), "first", 1, "busy"),  # a live claim
        (_row("claimed", until=AT), "first", 1, "claim"),  # its lease ran out: take it over
        (_row("failed", chain="first", attempt=1), "first", 1, "skip"),  # handed on already
        (_row("failed", chain="first", attempt=2), "first", 1, "skip"),  # a late replay
        (_row("failed", chain="first", attempt=1), "first", 2, "claim"),  # the next attempt
        (_row("failed", chain="first", attempt=10), "replay-x", 1, "claim"),  # a replay chain
        (_row("released"), "first", 1, "claim"),  # given back unsent
        (_row("released", chain="first", attempt=1), "first", 1, "skip"),
    ],
)
def test_decide(row: LedgerRow | None, chain: str, attempt: int, expected: str) -> None:
    assert decide(row, chain, attempt, AT) == expected


def test_a_busy_claim_is_asked_about_again_soon_but_not_in_a_tight_loop() -> None:
    assert busy_for(_row("claimed", until=LATER), AT) == 0.5
    assert busy_for(_row("claimed", until=AT + timedelta(milliseconds=100)), AT) == pytest.approx(
        0.1
    )
    assert busy_for(_row("claimed", until=AT + timedelta(milliseconds=1)), AT) == 0.05
