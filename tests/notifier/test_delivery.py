"""Delivery against real receivers and the real broker: retries through the retry topic,
Retry-After, dead letters and their replay, 410, SMTP 421/550, updates, and kill -9."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pactwatch_devtools import SmtpSink, WebhookReceiver, free_port, wait_until
from pactwatch_notifier.verify import verify_alert
from pactwatch_schemas import encode

from .helpers import SECRET, SHORT_LEASE, dead_letters, make_event, produce

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


def _subs(env: dict[str, str], text: str) -> None:
    Path(env["PACTWATCH_NOTIFIER_SUBSCRIPTIONS_FILE"]).write_text("subscriptions:\n" + text)


def _hook(name: str, url: str, extra: str = "") -> str:
    return f"  - id: {name}\n    webhook: {{url: '{url}', secrets: ['{SECRET}']}}\n{extra}"


def test_flaky_receiver_gets_each_alert_once_and_signed(
    kafka: str, topics: dict[str, str], notifier_env: dict[str, str], start_service: Any
) -> None:
    with WebhookReceiver(secret=SECRET) as flaky:
        flaky.responses = [(500, {}), (502, {}), (503, {}), (429, {"Retry-After": "2"})]
        _subs(notifier_env, _hook("flaky", flaky.url))
        notifier = start_service("notifier", notifier_env)
        events = [make_event(n) for n in range(1, 4)]
        produce(kafka, topics["events"], [encode(e) for e in events])

        wait_until(lambda: len(flaky.received) == 3, 30, "three accepted deliveries")
        time.sleep(1.5)  # nothing more arrives: no late duplicate from a retry
        ids = [r.headers["webhook-id"] for r in flaky.received]
        assert sorted(ids) == sorted(f"msg_flaky_{e.event_id}" for e in events)
        for item in flaky.received:
            assert item.verified is True  # the reference library, in the receiver
            alert = verify_alert(item.body, item.headers, [SECRET])  # our helper agrees
            assert alert.alert_id == item.headers["webhook-id"]
            assert [s.id for s in alert.sources] == [alert.event.article.id]

        # The delivery answered 429 + Retry-After: 2 was not tried again sooner.
        answered = flaky.answered
        limited = next(a for a in answered if a.status == 429)
        after = [a for a in answered if a.webhook_id == limited.webhook_id and a.at > limited.at]
        assert after and after[0].at - limited.at >= 1.9
        assert (
            notifier.metric("pactwatch_notifier_delivery_attempts_total", {"result": "retryable"})
            == 4
        )
        assert notifier.metric("pactwatch_notifier_retries_published_total") == 4
        assert notifier.metric("pactwatch_notifier_deliveries_total", {"outcome": "delivered"}) == 3
        assert notifier.metric("pactwatch_notifier_dead_letters_total") == 0
        assert notifier.metric("pactwatch_notifier_delivery_latency_seconds_count") == 3


def test_dead_receiver_does_not_hold_up_a_healthy_one_and_replays(
    kafka: str, topics: dict[str, str], notifier_env: dict[str, str], start_service: Any
) -> None:
    dead_port = free_port()  # nobody listens: connection refused, every time
    with WebhookReceiver(secret=SECRET) as healthy:
        _subs(
            notifier_env,
            _hook("healthy", healthy.url) + _hook("dead", f"http://127.0.0.1:{dead_port}/hook"),
        )
        notifier = start_service("notifier", notifier_env)
        events = [make_event(n) for n in range(100, 120)]
        sent_at = time.time()
        produce(kafka, topics["events"], [encode(e) for e in events])

        wait_until(lambda: len(healthy.received) == 20, 15, "the healthy receiver's 20 alerts")
        healthy_done = max(r.received_at for r in healthy.received)
        assert healthy_done - sent_at < 5.0
        # 1 + 3 attempts over ~2 s of back-off, then a dead letter each.
        wait_until(
            lambda: notifier.metric("pactwatch_notifier_dead_letters_total") == 20,
            30,
            "20 dead letters for the dead receiver",
        )
        letters = dead_letters(kafka, topics["deadletter"])
        assert {letter.subscription_id for letter in letters} == {"dead"}
        assert {letter.reason for letter in letters} == {"delivery_failed"}
        assert all(len(letter.attempts) == 4 for letter in letters)
        assert all("ConnectorError" in a.outcome for a in letters[0].attempts)
        assert min(letter.failed_at.timestamp() for letter in letters) > healthy_done
        assert len(healthy.received) == 20

        # The endpoint comes back; the operator replays its dead letters.
        with WebhookReceiver(secret=SECRET, port=dead_port) as revived:
            out = subprocess.run(
                [str(BIN / "pactwatch-notifier-replay"), "--subscription", "dead"],
                env={**notifier_env},
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            summary = json.loads(out.stdout.strip().splitlines()[-1])
            assert summary["replayed"] == 20
            wait_until(lambda: len(revived.received) == 20, 20, "the replayed alerts")
            assert {r.headers["webhook-id"] for r in revived.received} == {
                f"msg_dead_{e.event_id}" for e in events
            }
            assert all(r.verified for r in revived.received)
            # Replaying again alerts nobody twice: the delivery ledger has them.
            subprocess.run(
                [str(BIN / "pactwatch-notifier-replay"), "--subscription", "dead"],
                env={**notifier_env},
                capture_output=True,
                timeout=60,
                check=True,
            )
            wait_until(
                lambda: notifier.metric("pactwatch_notifier_duplicates_skipped_total") >= 20,
                20,
                "second replay skipped",
            )
            assert len(revived.received) == 20


def test_410_disables_the_subscription_across_restarts(
    kafka: str, topics: dict[str, str], notifier_env: dict[str, str], start_service: Any
) -> None:
    with WebhookReceiver(secret=SECRET) as gone, WebhookReceiver(secret=SECRET) as other:
        gone.responses = [(410, {})]
        _subs(notifier_env, _hook("gone", gone.url) + _hook("other", other.url))
        notifier = start_service("notifier", notifier_env)
        produce(kafka, topics["events"], [encode(make_event(1))])
        wait_until(
            lambda: notifier.metric("pactwatch_notifier_disabled_subscriptions") == 1, 20, "410"
        )
        assert notifier.metric("pactwatch_notifier_subscriptions_disabled_total") == 1
        # The subscription is disabled before its dead letter is sent; wait for the letter.
        wait_until(
            lambda: notifier.metric("pactwatch_notifier_dead_letters_total") == 1, 20, "letter"
        )
        letters = dead_letters(kafka, topics["deadletter"])
        assert len(letters) == 1 and "410" in letters[0].error and len(letters[0].attempts) == 1
        assert notifier.stop() == 0

        again = start_service("notifier", notifier_env)
        assert again.metric("pactwatch_notifier_disabled_subscriptions") == 1
        produce(kafka, topics["events"], [encode(make_event(2))])
        wait_until(lambda: len(other.received) == 2, 20, "the other subscriber's alerts")
        wait_until(
            lambda: (
                again.metric("pactwatch_notifier_deliveries_total", {"outcome": "skipped_disabled"})
                == 1
            ),
            10,
            "the disabled subscription skipped",
        )
        assert len(gone.answered) == 1  # nothing posted to it after the 410


def test_smtp_421_is_retried_and_550_dead_lettered(
    kafka: str, topics: dict[str, str], notifier_env: dict[str, str], start_service: Any
) -> None:
    with SmtpSink() as smtp:
        smtp.replies = ["421 4.3.2 Service not available, try later"]
        _subs(notifier_env, "  - id: mail\n    email: analyst@example.org\n")
        env = {
            **notifier_env,
            "PACTWATCH_NOTIFIER_SMTP_PORT": str(smtp.port),
            "PACTWATCH_NOTIFIER_PUBLIC_BASE_URL": "https://pactwatch.example.org",
            "PACTWATCH_NOTIFIER_UNSUBSCRIBE_SECRETS": '["unsubscribe-secret-0123456789"]',
        }
        notifier = start_service("notifier", env)
        first = make_event(1)
        produce(kafka, topics["events"], [encode(first)])
        wait_until(lambda: len(smtp.messages) == 1, 20, "the mail after a 421")
        message = smtp.messages[0]
        assert message["Message-ID"] == f"<msg_mail_{first.event_id}@pactwatch>"
        assert message["Subject"] == "Signing: Wuxi Municipal Government × Company 1 — Deal 1"
        assert message.get_content_type() == "multipart/alternative"
        assert message["List-Unsubscribe"].startswith(
            "<https://pactwatch.example.org/unsubscribe?token=v1."
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"] == "Pactwatch alerts mail <mail.alerts.pactwatch.localhost>"
        assert (
            notifier.metric(
                "pactwatch_notifier_delivery_attempts_total",
                {"channel": "email", "result": "retryable"},
            )
            == 1
        )

        smtp.replies = ["550 5.1.1 No such user here"] * 5
        produce(kafka, topics["events"], [encode(make_event(2))])
        wait_until(lambda: notifier.metric("pactwatch_notifier_dead_letters_total") == 1, 20, "550")
        [letter] = dead_letters(kafka, topics["deadletter"])
        assert letter.subscription_id == "mail" and "550" in letter.error
        assert len(letter.attempts) == 1  # permanent: not retried
        assert len(smtp.messages) == 1 and len(smtp.replies) == 4


def test_same_event_from_another_source_alerts_only_who_asks_for_updates(
    kafka: str, topics: dict[str, str], notifier_env: dict[str, str], start_service: Any
) -> None:
    with WebhookReceiver(secret=SECRET) as once, WebhookReceiver(secret=SECRET) as news:
        _subs(
            notifier_env, _hook("once", once.url) + _hook("news", news.url, "    updates: true\n")
        )
        notifier = start_service("notifier", notifier_env)
        produce(kafka, topics["events"], [encode(make_event(7, source="wuxi-gov"))])
        wait_until(lambda: len(once.received) == 1 and len(news.received) == 1, 20, "first")
        produce(kafka, topics["events"], [encode(make_event(7, article=70, source="xinhua"))])
        wait_until(lambda: len(news.received) == 2, 20, "the update alert")
        wait_until(
            lambda: notifier.metric("pactwatch_notifier_duplicates_skipped_total") == 1,
            10,
            "the non-update subscriber skipped",
        )
        assert len(once.received) == 1
        first, update = (r.json() for r in news.received)
        assert not first["update"] and update["update"]
        assert update["alert_id"] != first["alert_id"]
        assert [s["source_id"] for s in update["sources"]] == ["xinhua", "wuxi-gov"]


def test_kill_9_mid_burst_loses_nothing(
    kafka: str, topics: dict[str, str], notifier_env: dict[str, str], start_service: Any
) -> None:
    per_subscription = 4
    with WebhookReceiver(secret=SECRET) as hooks, SmtpSink() as smtp:
        hooks.delay_seconds = 0.01  # a slowish endpoint: the burst takes a while
        _subs(
            notifier_env,
            _hook("hook", hooks.url) + "  - id: mail\n    email: analyst@example.org\n",
        )
        env = {
            **notifier_env,
            "PACTWATCH_NOTIFIER_SMTP_PORT": str(smtp.port),
            "PACTWATCH_NOTIFIER_MAX_CONCURRENT_PER_SUBSCRIPTION": str(per_subscription),
            # The killed process's claims are taken over by its successor after the lease.
            **SHORT_LEASE,
        }
        notifier = start_service("notifier", env)
        events = [make_event(n) for n in range(1000, 1200)]
        produce(kafka, topics["events"], [encode(e) for e in events])
        wait_until(lambda: len(hooks.received) >= 40, 30, "the burst under way", interval=0.01)
        notifier.kill()
        at_kill = (len(hooks.received), len(smtp.messages))
        assert at_kill[0] < 200 and at_kill[1] < 200, f"burst was over before the kill: {at_kill}"

        start_service("notifier", env)
        hook_ids = lambda: Counter(r.headers["webhook-id"] for r in hooks.received)  # noqa: E731
        mail_ids = lambda: Counter(m["Message-ID"] for m in smtp.messages)  # noqa: E731
        wait_until(lambda: len(hook_ids()) == 200, 45, "all 200 webhooks")
        wait_until(lambda: len(mail_ids()) == 200, 45, "all 200 emails")
        time.sleep(1)
        assert set(hook_ids()) == {f"msg_hook_{e.event_id}" for e in events}
        assert set(mail_ids()) == {f"<msg_mail_{e.event_id}@pactwatch>" for e in events}
        assert all(r.verified for r in hooks.received)
        # At-least-once over HTTP/SMTP: only a delivery the receiver accepted in the instant
        # before the kill, before the notifier could log it, can come twice (with the same
        # webhook-id / Message-ID, so receivers dedupe). Everything logged was not resent.
        extra_hooks = sum(hook_ids().values()) - 200
        extra_mails = sum(mail_ids().values()) - 200
        print(f"kill at {at_kill}: duplicates webhook {extra_hooks}, email {extra_mails}")
        assert extra_hooks <= per_subscription and extra_mails <= per_subscription, (
            extra_hooks,
            extra_mails,
        )
