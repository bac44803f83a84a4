"""The subscriptions issue's "done when", end to end with real parts: a person subscribes on
the page in headless Chromium, confirms through the link that reaches a local SMTP server,
receives an instant alert from the real notifier workers reading a real Kafka topic, a digest
subscriber gets a digest, and one RFC 8058 POST from the alert's List-Unsubscribe header stops
the alerts."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from pactwatch_devtools import ServiceProcess, SmtpSink, WebhookReceiver, wait_until
from pactwatch_schemas import Event, encode

from ..helpers import make_event, produce
from .browser import chromium_page
from .conftest import LINK_SECRET, StartApi, operator

pytestmark = pytest.mark.integration

DIGEST_PERIOD = 6  # seconds: the workers' test-only digest period


def matching_event(n: int, title: str) -> Event:
    """A signing in Wuxi whose title names semiconductors (what the page asks for below)."""
    return make_event(n).model_copy(
        update={
            "locations": ["Wuxi"],
            "article": make_event(n).article.model_copy(update={"title": title}),
        }
    )


def to(smtp: SmtpSink, address: str) -> list[EmailMessage]:
    return [m for m in smtp.messages if address in str(m["To"])]


def first_link(message: EmailMessage, path: str) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(rf"(http://127\.0\.0\.1:\d+{path}\?token=\S+)", body.get_content())
    assert found, body.get_content()
    return found.group(1)


def subscribe_in_browser(api: ServiceProcess, smtp: SmtpSink, email: str, mode: str) -> None:
    """Fill the form, submit, open the confirmation link from the email: all in Chromium."""
    with chromium_page() as page:
        page.goto(api.base_url + "/")
        assert page.title() == "Subscribe to Pactwatch alerts · Pactwatch"
        page.get_by_label("Your email address").fill(email)
        page.get_by_label("Cooperation announcements").uncheck()
        assert page.get_by_label("Signings (agreements, contracts, MoUs)").is_checked()
        page.get_by_label("Keywords").fill("semiconductor, wafer")
        page.get_by_label("Regions").fill("Wuxi")
        names = {"instant": "Right away, one email per event", "daily": "Daily digest"}
        page.get_by_label(names[mode], exact=True).check()
        page.get_by_role("button", name="Subscribe").click()
        page.wait_for_url("**/subscribe")
        assert page.get_by_role("heading").inner_text() == "Check your email"
        assert email in page.get_by_role("status").inner_text()

        wait_until(lambda: len(to(smtp, email)) == 1, 20, f"the confirmation email to {email}")
        (confirmation,) = to(smtp, email)
        assert confirmation["Subject"] == "Confirm your Pactwatch alerts"
        page.goto(first_link(confirmation, "/confirm"))
        assert page.get_by_role("heading").inner_text() == "Subscription confirmed"


def test_subscribe_confirm_alert_digest_unsubscribe(
    start_api: StartApi,
    start_service: Any,
    notifier_env: dict[str, str],
    kafka: str,
    topics: dict[str, str],
    tmp_path: Any,
) -> None:
    database = f"sqlite:///{tmp_path / 'shared-subscriptions.sqlite3'}"
    with SmtpSink() as smtp, WebhookReceiver() as witness:
        api = start_api(
            PACTWATCH_NOTIFIER_DATABASE_URL=database,
            PACTWATCH_NOTIFIER_SMTP_PORT=str(smtp.port),
        )
        workers = start_service(
            "notifier",
            {
                **notifier_env,
                "PACTWATCH_NOTIFIER_DATABASE_URL": database,
                "PACTWATCH_NOTIFIER_SMTP_PORT": str(smtp.port),
                "PACTWATCH_NOTIFIER_PUBLIC_BASE_URL": api.base_url,
                "PACTWATCH_NOTIFIER_UNSUBSCRIBE_SECRETS": f'["{LINK_SECRET}"]',
                "PACTWATCH_NOTIFIER_SUBSCRIPTIONS_REFRESH_SECONDS": "0.3",
                "PACTWATCH_NOTIFIER_DIGEST_PERIOD_SECONDS_OVERRIDE": str(DIGEST_PERIOD),
                "PACTWATCH_NOTIFIER_DIGEST_CHECK_SECONDS": "0.5",
            },
        )
        with operator(api) as ops:
            # A webhook that takes every event: the sign that the workers handled one.
            created = ops.post(
                "/api/v1/subscriptions",
                json={"id": "witness", "channel": {"kind": "webhook", "url": witness.url}},
            )
            assert created.status_code == 201, created.text

            # 1. Sign up on the page and confirm: instant alerts.
            subscribe_in_browser(api, smtp, "reader@example.org", "instant")
            (reader,) = [
                s
                for s in ops.get("/api/v1/subscriptions").json()["items"]
                if s["channel"].get("address") == "reader@example.org"
            ]
            assert reader["state"] == "active" and reader["mode"] == "instant"
            assert reader["filters"]["keywords"] == ["semiconductor", "wafer"]
            assert reader["filters"]["event_types"] == ["signing"]
            wait_until(
                lambda: workers.metric("pactwatch_notifier_active_subscriptions") == 2,
                20,
                "the workers to load the confirmed subscription",
            )

            # 2. A matching and a non-matching event: one instant alert.
            produce(
                kafka,
                topics["events"],
                [
                    encode(matching_event(1, "Wuxi signs semiconductor packaging deal")),
                    encode(matching_event(2, "Wuxi signs a port logistics deal")),
                ],
            )
            wait_until(lambda: len(witness.received) == 2, 30, "both events at the witness")
            wait_until(lambda: len(to(smtp, "reader@example.org")) == 2, 30, "the instant alert")
            alert = to(smtp, "reader@example.org")[1]
            assert "semiconductor packaging" in alert["Subject"]
            unsubscribe_url = str(alert["List-Unsubscribe"]).strip("<>")
            assert unsubscribe_url.startswith(api.base_url + "/unsubscribe?token=")
            assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

            # The manage link in the alert opens the prefilled form in the browser.
            with chromium_page() as page:
                page.goto(first_link(alert, "/manage"))
                assert page.get_by_label("Keywords").input_value() == "semiconductor, wafer"
                assert page.get_by_label("Right away, one email per event").is_checked()

            # 3. A digest subscriber: nothing at once, one digest email per period.
            subscribe_in_browser(api, smtp, "digest@example.org", "daily")
            wait_until(
                lambda: workers.metric("pactwatch_notifier_active_subscriptions") == 3,
                20,
                "the workers to load the digest subscription",
            )
            produce(
                kafka,
                topics["events"],
                [encode(matching_event(3, "Wuxi signs wafer fab agreement"))],
            )
            wait_until(lambda: len(witness.received) == 3, 30, "the third event at the witness")
            wait_until(
                lambda: len(to(smtp, "digest@example.org")) == 2,
                DIGEST_PERIOD * 4,
                "the digest email",
            )
            digest = to(smtp, "digest@example.org")[1]
            assert "digest" in digest["Subject"].lower()
            digest_text = digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
            assert "Wuxi signs wafer fab agreement" in digest_text
            assert "semiconductor packaging" not in digest_text  # before the subscription

            # 4. One click: the RFC 8058 POST to the List-Unsubscribe URL, no cookies.
            answer = httpx.post(
                unsubscribe_url,
                content=b"List-Unsubscribe=One-Click",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                follow_redirects=False,
            )
            assert answer.status_code == 200
            state = ops.get(f"/api/v1/subscriptions/{reader['id']}").json()
            assert state["state"] != "active"
            wait_until(
                lambda: workers.metric("pactwatch_notifier_active_subscriptions") == 2,
                20,
                "the workers to drop the unsubscribed reader",
            )
            alerts_before = len(to(smtp, "reader@example.org"))
            produce(
                kafka,
                topics["events"],
                [encode(matching_event(4, "Wuxi signs semiconductor testing deal"))],
            )
            wait_until(lambda: len(witness.received) == 4, 30, "the fourth event at the witness")
            # The workers no longer hold the reader (waited for above), so the event the witness
            # got is one the reader would have had: none came.
            assert len(to(smtp, "reader@example.org")) == alerts_before
