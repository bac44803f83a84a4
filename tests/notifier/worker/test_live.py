"""The live subscriptions follow the store: changes and deletions at each refresh, and a
subscription this worker disables is off here at once, even with the database away."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pactwatch_notifier.worker.live import LiveSubscriptions

from .fakes import T0, FakeSubscriptions, record

pytestmark = pytest.mark.unit


def _ids(subs: list[object]) -> list[str]:
    return sorted(s.id for s in subs)  # type: ignore[attr-defined]


async def test_a_refresh_applies_changes_and_deletions() -> None:
    store = FakeSubscriptions(record("a"), record("b"), record("c", state="disabled"))
    live = LiveSubscriptions(store, list(store.records.values()), refresh_seconds=60)  # type: ignore[arg-type]
    assert _ids(live.active) == ["a", "b"] and _ids(live.disabled) == ["c"]
    later = T0 + timedelta(days=365 * 10)  # after the refresh's `since`, whatever the clock
    store.records["b"] = record("b", state="paused", at=later)
    store.records["d"] = record("d", at=later)
    store.deleted.append("a")
    await live.refresh()
    assert _ids(live.active) == ["d"]
    assert live.get("a") is None and live.record_of("b").state == "paused"  # type: ignore[union-attr]


async def test_disable_holds_here_when_the_store_is_away() -> None:
    store = FakeSubscriptions(record("a"))
    live = LiveSubscriptions(store, list(store.records.values()), refresh_seconds=60)  # type: ignore[arg-type]
    store.fail = True
    sub = live.get("a")
    assert sub is not None
    await live.disable(sub, "410 " + "x" * 600)
    assert live.active == [] and _ids(live.disabled) == ["a"]
    reason = live.record_of("a").state_reason or ""  # type: ignore[union-attr]
    assert reason.startswith("410 ") and len(reason) == 500
