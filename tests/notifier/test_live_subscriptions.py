"""Subscriptions from the database, live: the real broker, the real notifier process(es),
real receivers (webhook, SMTP), the database on SQLite and on PostgreSQL. Instant alerts follow
what the store says within the refresh period; digests go out once per period, from stored
items, across restarts and replicas."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pactwatch_devtools import SmtpSink, WebhookReceiver, wait_until
from pactwatch_notifier.models import Filters, SubscriptionCreate
from pactwatch_notifier.store import Store
from pactwatch_schemas import Event, encode

from .helpers import SECRET, make_event, produce

pytestmark = pytest.mark.integration


@pytest.fixture
def live_env(notifier_env: dict[str, str], database_url: str) -> dict[str, str]:
    return {
        **notifier_env,
        "PACTWATCH_NOTIFIER_DATABASE_URL": database_url,
        "PACTWATCH_NOTIFIER_SUBSCRIPTIONS_REFRESH_SECONDS": "0.5",
        "PACTWATCH_NOTIFIER_DIGEST_CHECK_SECONDS": "0.3",
    }


@pytest.fixture
def store(live_env: dict[str, str]) -> Store:
    s = Store(live_env["PACTWATCH_NOTIFIER_DATABASE_URL"])
    s.migrate()
    yield s  # type: ignore[misc]
    s.close()


def _hook(sub_id: str, url: str, **extra: Any) -> SubscriptionCreate:
    return SubscriptionCreate.model_validate(
        {"id": sub_id, "channel": {"kind": "webhook", "url": url, "secrets": [SECRET]}} | extra
    )


def test_instant_alerts_follow_the_store(
    kafka: str,
    topics: dict[str, str],
    live_env: dict[str, str],
    store: Store,
    start_service: Any,
) -> None:
    with (
        WebhookReceiver(secret=SECRET) as new,
        WebhookReceiver(secret=SECRET) as paused,
        WebhookReceiver(secret=SECRET) as picky,
        WebhookReceiver(secret=SECRET) as gone,
    ):
        gone.responses = [(410, {})]
        notifier = start_service("notifier", live_env)  # no subscriptions yet
        assert notifier.metric("pactwatch_notifier_subscriptions") == 0

        # Created while the notifier runs: picked up within the refresh period.
        store.subscriptions.create(_hook("new", new.url))
        store.subscriptions.create(_hook("paused", paused.url, state="paused"))
        store.subscriptions.create(_hook("picky", picky.url, filters={"parties": ["Nobody Ltd"]}))
        store.subscriptions.create(_hook("gone", gone.url))
        wait_until(
            lambda: notifier.metric("pactwatch_notifier_active_subscriptions") == 3,
            10,
            "the new subscriptions loaded",
        )
        produce(kafka, topics["events"], [encode(make_event(1))])
        wait_until(lambda: len(new.received) == 1, 20, "the alert to the new subscription")
        wait_until(lambda: len(gone.answered) == 1, 20, "the 410")
        # 410: disabled in the store, for every replica, with the reason.
        wait_until(
            lambda: store.subscriptions.get("gone").state == "disabled", 10, "disabled in the store"
        )  # type: ignore[union-attr]
        assert "410" in (store.subscriptions.get("gone").state_reason or "")  # type: ignore[union-attr]
        # The delivery shows in the store's listing (written in batches).
        wait_until(
            lambda: store.deliveries.page(subscription_id="new")[1] == 1, 10, "delivery listed"
        )
        [row], _ = store.deliveries.page(subscription_id="new")
        assert row.outcome == "delivered" and row.event_id == make_event(1).event_id

        # Resume the paused one, delete the new one: the next event follows.
        store.subscriptions.set_state("paused", "active")
        store.subscriptions.delete("new")
        wait_until(
            lambda: (
                notifier.metric("pactwatch_notifier_active_subscriptions") == 2
                and notifier.metric("pactwatch_notifier_subscriptions") == 3
            ),
            10,
            "the changes loaded",
        )
        produce(kafka, topics["events"], [encode(make_event(2))])
        wait_until(lambda: len(paused.received) == 1, 20, "the resumed subscription's alert")
        assert paused.received[0].json()["event"]["event_id"] == make_event(2).event_id
        # An event the filter wants reaches the picky subscriber, the others never did.
        wanted = make_event(3).model_copy(update={"parties": ["Nobody Ltd", "Wuxi"]})
        produce(kafka, topics["events"], [encode(wanted)])
        wait_until(lambda: len(picky.received) == 1, 20, "the picky subscription's one alert")
        time.sleep(1.0)
        assert [r.json()["event"]["event_id"] for r in picky.received] == [wanted.event_id]
        assert len(new.received) == 1  # deleted: nothing after event 1
        assert len(gone.answered) == 1  # disabled: nothing after the 410
        assert len(paused.received) == 2  # events 2 and 3
        assert (
            notifier.metric("pactwatch_notifier_deliveries_total", {"outcome": "skipped_disabled"})
            == 2
        )


def _digest_event(n: int, kind: str, minutes_ago: int) -> Event:
    event = make_event(n)
    return event.model_copy(
        update={"type": kind, "detected_at": datetime.now(UTC) - timedelta(minutes=minutes_ago)}
    )


def test_digest_once_per_period_across_restarts_and_replicas(
    kafka: str,
    topics: dict[str, str],
    live_env: dict[str, str],
    store: Store,
    start_service: Any,
) -> None:
    with SmtpSink() as smtp:
        store.subscriptions.create(
            SubscriptionCreate.model_validate(
                {
                    "id": "digest",
                    "channel": {"kind": "email", "address": "digest@example.org"},
                    "mode": "daily",
                    "filters": Filters(keywords_exclude=["rumour"]).model_dump(),
                }
            )
        )
        env = {**live_env, "PACTWATCH_NOTIFIER_SMTP_PORT": str(smtp.port)}
        # A period far longer than the test while the events arrive (test-only override).
        long_period = {**env, "PACTWATCH_NOTIFIER_DIGEST_PERIOD_SECONDS_OVERRIDE": "31536000"}
        first = start_service("notifier", long_period)
        events = [
            _digest_event(1, "signing", 30),
            _digest_event(2, "cooperation", 20),
            _digest_event(3, "signing", 10),
        ]
        rumour = _digest_event(9, "signing", 5).model_copy(
            update={"evidence": "a rumour of a deal"}
        )
        produce(kafka, topics["events"], [encode(events[0]), encode(events[1]), encode(rumour)])
        wait_until(
            lambda: first.metric("pactwatch_notifier_digest_items_total") == 2, 20, "two items"
        )
        assert first.stop() == 0  # a restart mid-period: the items are in the database

        second = start_service("notifier", long_period)
        produce(kafka, topics["events"], [encode(events[2])])
        wait_until(
            lambda: second.metric("pactwatch_notifier_digest_items_total") == 1, 20, "third item"
        )
        time.sleep(1.0)
        assert smtp.messages == []  # the period is not over: nothing sent yet
        assert second.stop() == 0

        # Two replicas with a 2 s period: the period that holds the items ends, both race for
        # the digest, exactly one email goes out.
        short = {**env, "PACTWATCH_NOTIFIER_DIGEST_PERIOD_SECONDS_OVERRIDE": "2"}
        replicas = [start_service("notifier", short), start_service("notifier", short)]
        wait_until(lambda: len(smtp.messages) == 1, 20, "the digest")
        time.sleep(5)  # two more periods, with nothing in them
        assert len(smtp.messages) == 1, [m["Subject"] for m in smtp.messages]
        assert (
            sum(r.metric("pactwatch_notifier_digests_total", {"outcome": "sent"}) for r in replicas)
            == 1
        )

        message = smtp.messages[0]
        assert message["To"] == "digest@example.org"
        assert message["Subject"] == "Pactwatch daily digest: 3 events (2 signings, 1 cooperation)"
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        lines = [line.strip() for line in text.splitlines()]
        positions = [lines.index(f"- Deal {n}") for n in (3, 1, 2)]
        assert positions == sorted(positions), text  # signings newest first, then cooperation
        assert text.index("Signings (2)") < text.index("Cooperation (1)")
        assert "Deal 9" not in text  # filtered out: never stored
        history = store.digests.history("digest")
        assert [(h["state"], h["items"]) for h in history] == [("sent", 3)]


def test_repeated_permanent_failures_disable_a_subscription(
    kafka: str,
    topics: dict[str, str],
    live_env: dict[str, str],
    store: Store,
    start_service: Any,
) -> None:
    with WebhookReceiver(secret=SECRET) as refusing:
        refusing.responses = [(400, {})] * 10
        store.subscriptions.create(_hook("refusing", refusing.url))
        env = {**live_env, "PACTWATCH_NOTIFIER_DISABLE_AFTER_PERMANENT_FAILURES": "3"}
        notifier = start_service("notifier", env)
        produce(kafka, topics["events"], [encode(make_event(n)) for n in range(1, 4)])
        wait_until(
            lambda: store.subscriptions.get("refusing").state == "disabled",  # type: ignore[union-attr]
            20,
            "disabled after three 400s",
        )
        reason = store.subscriptions.get("refusing").state_reason or ""  # type: ignore[union-attr]
        assert reason.startswith("3 permanent failures in a row") and "400" in reason
        assert len(refusing.answered) == 3
        wait_until(
            lambda: notifier.metric("pactwatch_notifier_dead_letters_total") == 3, 20, "3 letters"
        )
        assert notifier.metric("pactwatch_notifier_subscriptions_disabled_total") == 1
        # Later events are not sent to it any more.
        produce(kafka, topics["events"], [encode(make_event(n)) for n in range(4, 6)])
        wait_until(
            lambda: (
                notifier.metric(
                    "pactwatch_notifier_deliveries_total", {"outcome": "skipped_disabled"}
                )
                == 2
            ),
            20,
            "two skipped",
        )
        assert len(refusing.answered) == 3
