"""The delivery step with its edges faked (sender, publisher, listing, digests) and a real
local delivery log: each decision becomes the durable outcome it names, and a replay of the
same record changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pactwatch_notifier.channels import DeliveryError, status_error
from pactwatch_notifier.retry import RetryPolicy
from pactwatch_notifier.worker.deliver import Deliverer, Job
from pactwatch_notifier.worker.delivery_log import AlertKey, LocalDeliveryLog
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
        self.log = LocalDeliveryLog(tmp_path / "log.sqlite3")
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


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    made = Setup(tmp_path, record("hook"))
    yield made
    made.log.close()


def _http(status: int) -> DeliveryError:
    error = status_error("https://hook.example.org/h", status)
    assert error is not None
    return error


async def test_an_accepted_alert_is_logged_and_never_sent_again(setup: Setup) -> None:
    await setup.deliver.event(make_event(1))
    await setup.deliver.event(make_event(1))  # a replay, or another copy of the event
    assert setup.sender.calls == [("hook", make_event(1).event_id, False)]
    assert setup.outcomes() == ["delivered"]
    assert setup.log.begin(AlertKey("hook", make_event(1).event_id), "first", 1) is None


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
    setup.log.close()


async def test_digest_subscriptions_get_an_item_not_an_alert(tmp_path: Path) -> None:
    daily = record("brief", channel={"kind": "email", "address": "brief@example.org"}, mode="daily")
    paused = record("paused", state="paused")
    setup = Setup(tmp_path, daily, paused)
    await setup.deliver.event(make_event(8))
    assert setup.digests.items == [("brief", make_event(8).event_id)]
    assert setup.sender.calls == []
    setup.log.close()
