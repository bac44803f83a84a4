"""The delivery step with its edges faked (sender, publisher, listing, digests) and a real
delivery ledger (a SQLite store, its batching flusher running): each decision becomes the
durable outcome it names, and a replay of the same record changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pactwatch_notifier.channels import DeliveryError, status_error
from pactwatch_notifier.retry import RetryPolicy
from pactwatch_notifier.store import SKIP, AlertKey, Store
from pactwatch_notifier.worker.deliver import Deliverer, Job
from pactwatch_notifier.worker.ledger import DeliveryLedger
from pactwatch_notifier.worker.live import LiveSubscriptions
from pactwatch_schemas import NotifierRetry

from ..helpers import make_event
from .fakes import (
    FakeDigests,
    FakePublisher,
    FakeRecorder,
    FakeSender,
    FakeSubscriptions,
    record,
)

pytestmark = pytest.mark.unit

POLICY = RetryPolicy(schedule=[5.0, 300.0], jitter=0.0, disable_after=3)


class Setup:
    def __init__(self, tmp_path: Path, *records: object) -> None:
        self.store = FakeSubscriptions(*records)  # type: ignore[arg-type]
        self.live = LiveSubscriptions(
            self.store,  # type: ignore[arg-type]
            list(self.store.records.values()),
            refresh_seconds=60,
        )
        self.db = Store(f"sqlite:///{tmp_path / 'subscriptions.sqlite3'}")
        self.db.migrate()
        self.log = DeliveryLedger(self.db.ledger, "test-replica", 30.0)
        self._flusher = asyncio.create_task(self.log.run())
        self.sender = FakeSender()
        self.publish = FakePublisher()
        self.recorder = FakeRecorder()
        self.digests = FakeDigests()
        self.deliver = Deliverer(
            self.live,
            self.log,
            self.sender,  # type: ignore[arg-type]
            self.publish,  # type: ignore[arg-type]
            self.recorder,  # type: ignore[arg-type]
            self.digests,  # type: ignore[arg-type]
            POLICY,
        )

    def outcomes(self) -> list[str]:
        return [outcome for _, outcome, _ in self.recorder.rows]

    async def close(self) -> None:
        await self.log.close(self._flusher)
        self.db.close()


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[Setup]:
    made = Setup(tmp_path, record("hook"))
    yield made
    await made.close()


def _http(status: int) -> DeliveryError:
    error = status_error("https://hook.example.org/h", status)
    assert error is not None
    return error


async def test_an_accepted_alert_is_logged_and_never_sent_again(setup: Setup) -> None:
    await setup.deliver.event(make_event(1))
    await setup.deliver.event(make_event(1))  # a replay, or another copy of the event
    assert setup.sender.calls == [("hook", make_event(1).event_id, False)]
    assert setup.outcomes() == ["delivered"]
    event = make_event(1)
    assert (
        await setup.log.claim(AlertKey("hook", event.event_id), event.article, "first", 1) is SKIP
    )


async def test_a_retryable_failure_becomes_a_retry_record_once(setup: Setup) -> None:
    setup.sender.answers = [_http(503)]
    event = make_event(2)
    await setup.deliver.event(event)
    [retry] = setup.publish.retries
    assert (retry.subscription_id, retry.attempt, retry.chain) == ("hook", 2, "first")
    assert [a.outcome for a in retry.attempts] == ["https://hook.example.org/h answered 503"]
    assert (retry.not_before - retry.attempts[0].at).total_seconds() == pytest.approx(5.0)
    assert setup.outcomes() == ["retry_scheduled"]
    # The events record comes back (a crash before its commit): attempt 1 was handed on.
    await setup.deliver.event(event)
    assert len(setup.sender.calls) == 1 and len(setup.publish.retries) == 1
    # The retry record, when due, is attempt 2; accepted this time.
    await setup.deliver.retry(retry)
    assert setup.outcomes() == ["retry_scheduled", "delivered"]
    assert setup.publish.letters == []


async def test_410_disables_the_subscription_and_dead_letters(setup: Setup) -> None:
    setup.sender.answers = [_http(410)]
    await setup.deliver.event(make_event(3))
    [(sub_id, _, history, error)] = setup.publish.letters
    assert sub_id == "hook" and error.endswith("answered 410: subscription disabled")
    assert len(history) == 1
    assert setup.store.records["hook"].state == "disabled"  # for every replica
    assert setup.live.active == [] and [s.id for s in setup.live.disabled] == ["hook"]
    await setup.deliver.event(make_event(4))
    assert len(setup.sender.calls) == 1  # nothing more is sent to it
    assert setup.outcomes() == ["disabled"]


async def test_permanent_failures_in_a_row_disable_and_a_success_resets_the_count(
    setup: Setup,
) -> None:
    setup.sender.answers = [_http(400), _http(400), None, _http(400), _http(404), _http(400)]
    for n in range(10, 16):
        await setup.deliver.event(make_event(n))
    assert setup.outcomes() == [
        "dead_lettered",
        "dead_lettered",
        "delivered",  # the count starts again
        "dead_lettered",
        "dead_lettered",
        "disabled",
    ]
    reason = setup.store.records["hook"].state_reason or ""
    assert reason.startswith("3 permanent failures in a row, last: ") and "400" in reason


async def test_the_last_attempt_gives_up(setup: Setup) -> None:
    setup.sender.answers = [_http(500)]
    sub = setup.live.get("hook")
    assert sub is not None
    await setup.deliver.deliver(Job(sub, make_event(5), attempt=3))
    [(_, _, _, error)] = setup.publish.letters
    assert error == "https://hook.example.org/h answered 500"
    assert setup.publish.retries == [] and setup.outcomes() == ["dead_lettered"]


async def test_a_retry_for_a_deleted_subscription_is_dead_lettered(setup: Setup) -> None:
    retry = NotifierRetry(
        schema_version=1,
        subscription_id="gone",
        event=make_event(6),
        attempt=2,
        not_before=make_event(6).detected_at,
        chain="first",
    )
    await setup.deliver.retry(retry)
    assert setup.sender.calls == []
    assert setup.publish.letters[0][3] == "subscription 'gone' is no longer configured"


async def test_updates_alert_again_for_another_article(tmp_path: Path) -> None:
    setup = Setup(tmp_path, record("news", updates=True), record("once"))
    await setup.deliver.event(make_event(7))
    await setup.deliver.event(make_event(7, article=70, source="other"))
    calls = sorted(setup.sender.calls)
    event_id = make_event(7).event_id
    assert calls == [("news", event_id, False), ("news", event_id, True), ("once", event_id, False)]
    await setup.close()


async def test_digest_subscriptions_get_an_item_not_an_alert(tmp_path: Path) -> None:
    daily = record("brief", channel={"kind": "email", "address": "brief@example.org"}, mode="daily")
    paused = record("paused", state="paused")
    setup = Setup(tmp_path, daily, paused)
    await setup.deliver.event(make_event(8))
    assert setup.digests.items == [("brief", make_event(8).event_id)]
    assert setup.sender.calls == []
    await setup.close()


class SlowSender(FakeSender):
    """Each send takes until `release` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    async def send(self, sub: object, event: object, sources: object, *, update: bool) -> None:
        await self.release.wait()


async def test_revoked_before_the_send_the_claim_is_released_at_once(tmp_path: Path) -> None:
    setup = Setup(tmp_path, record("hook"))
    event = make_event(20)
    alert = AlertKey("hook", event.event_id)
    # Another attempt holds the claim: this delivery waits for it, and is then revoked.
    other = await setup.log.claim(alert, event.article, "replay-x", 1)
    assert other is not SKIP
    waiting = asyncio.create_task(setup.deliver.event(event, owner="p0"))
    await asyncio.sleep(0.2)
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    await setup.log.flush()
    assert setup.sender.calls == []
    # Revoked while waiting: it claimed nothing, so the holder's claim is untouched.
    row = setup.db.ledger.row(alert)
    assert row is not None and row.state == "claimed" and row.claimed_by == "test-replica"
    await setup.close()


def _slow(tmp_path: Path, n: int) -> tuple[Setup, SlowSender, asyncio.Task[None]]:
    """A delivery of event `n` under way (its own task, partition "p0") to a slow sender."""
    setup = Setup(tmp_path, record("hook"))
    slow = SlowSender()
    setup.deliver._sender = slow  # type: ignore[assignment]
    return setup, slow, asyncio.create_task(setup.deliver.event(make_event(n), owner="p0"))


async def test_a_claim_granted_to_a_cancelled_delivery_is_released(tmp_path: Path) -> None:
    setup, _, task = _slow(tmp_path, 22)
    event = make_event(22)
    while not any(r.kind == "claim" for r in setup.log._queue):
        await asyncio.sleep(0)  # the claim is asked for, not answered yet
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await asyncio.sleep(0.2)
    await setup.log.flush()
    row = setup.db.ledger.row(AlertKey("hook", event.event_id))
    assert row is not None and row.state == "released"  # the next owner may take it at once
    await setup.close()


async def test_revoked_during_the_send_it_finishes_and_is_recorded(tmp_path: Path) -> None:
    setup, slow, task = _slow(tmp_path, 21)
    event = make_event(21)
    await asyncio.sleep(0.2)  # claimed, and the send is under way
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()
    draining = asyncio.create_task(setup.deliver.drain(["p0"], 5))
    await asyncio.sleep(0.05)
    assert not draining.done()  # the revocation waits for the send
    slow.release.set()
    assert await draining == 0
    await setup.log.flush()
    row = setup.db.ledger.row(AlertKey("hook", event.event_id))
    assert row is not None and row.state == "sent"  # the next owner skips it
    again = await setup.log.claim(AlertKey("hook", event.event_id), event.article, "first", 1)
    assert again is SKIP
    await setup.close()
