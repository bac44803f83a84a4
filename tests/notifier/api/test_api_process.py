"""The subscriptions API as a real process: operator auth on every route, the webhook
address guard, pagination and CRUD on SQLite and PostgreSQL, rate limits, signed links,
dead letters and test alerts against the real broker and real receivers."""

from __future__ import annotations

import asyncio
import re
import time
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from pactwatch_devtools import SmtpSink, WebhookReceiver, read_topic, wait_until
from pactwatch_notifier.api.tokens import Links
from pactwatch_schemas import NotifierRetry, dead_letter, decode, encode

from ..helpers import SECRET, make_event, produce
from .conftest import LINK_SECRET, TOKEN, StartApi, operator

pytestmark = pytest.mark.integration

SAMPLE = {"sub_id": "sub-1", "letter_id": "0-0"}


def _webhook(url: str, **extra: Any) -> dict[str, Any]:
    return {"channel": {"kind": "webhook", "url": url}, **extra}


def test_every_operator_route_needs_the_token(start_api: StartApi) -> None:
    api = start_api()
    doc = httpx.get(api.base_url + "/openapi.json").json()
    operations = [
        (method.upper(), path)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if op.get("security")
    ]
    # Every /api/v1 operation is secured in the document, and nothing else is.
    assert {p for _, p in operations} == {p for p in doc["paths"] if p.startswith("/api/v1/")}
    assert len(operations) >= 11
    for method, path in operations:
        url = api.base_url + path.format(**SAMPLE)
        for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Basic x"}):
            response = httpx.request(method, url, headers=headers, json={})
            assert response.status_code == 401, (method, path, headers, response.text)
            assert response.headers["www-authenticate"].startswith("Bearer")
    assert api.metric("pactwatch_notifier_api_auth_failures_total") == 3 * len(operations)
    assert api.metric("pactwatch_notifier_api_build_info") == 1
    # A token that is a prefix of the real one, or the real one plus a byte, is wrong too.
    for near in (TOKEN[:-1], TOKEN + "x"):
        response = httpx.get(
            api.base_url + "/api/v1/subscriptions", headers={"Authorization": f"Bearer {near}"}
        )
        assert response.status_code == 401


def test_private_webhook_targets_are_refused(start_api: StartApi) -> None:
    api = start_api(PACTWATCH_NOTIFIER_API_WEBHOOK_ALLOWLIST="[]")
    refused = {
        "http://10.0.0.1/hook": "private",
        "http://192.168.1.20:8080/hook": "private",
        "http://172.16.5.4/hook": "private",
        "http://169.254.169.254/latest/meta-data": "link-local",
        "http://[::1]:9000/hook": "loopback",
        "http://127.0.0.1:9000/hook": "loopback",  # not allowlisted in this process
        "http://localhost:9000/hook": "loopback",  # a host name resolving to loopback
        "http://[::ffff:10.1.2.3]/hook": "private",  # IPv4-mapped IPv6
        "http://224.0.0.1/hook": "multicast",
        "http://0.0.0.0/hook": "unspecified",
        "http://240.0.0.1/hook": "reserved",
        "http://100.64.0.1/hook": "non-global",  # carrier-grade NAT
        "http://[fe80::1]/hook": "link-local",
    }
    with operator(api) as client:
        for url, kind in refused.items():
            response = client.post("/api/v1/subscriptions", json=_webhook(url))
            assert response.status_code == 422, (url, response.text)
            (error,) = response.json()["detail"]
            assert error["loc"] == ["body", "channel", "url"]
            assert error["ctx"]["reason"] == kind, (url, error)
            assert kind in error["msg"]
        # Not http(s): the model refuses it before any lookup.
        response = client.post("/api/v1/subscriptions", json=_webhook("ftp://example.org/x"))
        assert response.status_code == 422
        # A PATCH to a private URL is refused the same way.
        created = client.post(
            "/api/v1/subscriptions",
            json={"id": "mail", "channel": {"kind": "email", "address": "a@example.org"}},
        )
        assert created.status_code == 201
        response = client.patch(
            "/api/v1/subscriptions/mail", json={"channel": _webhook("http://10.9.9.9/")["channel"]}
        )
        assert response.status_code == 422
        assert client.get("/api/v1/subscriptions").json()["total"] == 1
    assert api.metric("pactwatch_notifier_api_webhook_targets_refused_total") == len(refused) + 1


def test_crud_and_pagination(start_api: StartApi, database_url: str) -> None:
    """Runs on SQLite and on PostgreSQL (the `database_url` fixture)."""
    api = start_api(PACTWATCH_NOTIFIER_DATABASE_URL=database_url)
    with WebhookReceiver() as receiver, operator(api) as client:
        ids = []
        for n in range(7):
            body = _webhook(receiver.url, id=f"hook-{n}", label=f"n{n}")
            response = client.post("/api/v1/subscriptions", json=body)
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
        duplicate = client.post("/api/v1/subscriptions", json=_webhook(receiver.url, id="hook-0"))
        assert duplicate.status_code == 409

        pages = [
            client.get("/api/v1/subscriptions", params={"offset": o, "limit": 3}).json()
            for o in (0, 3, 6, 9)
        ]
        assert [p["total"] for p in pages] == [7, 7, 7, 7]
        assert [len(p["items"]) for p in pages] == [3, 3, 1, 0]
        seen = [item["id"] for p in pages for item in p["items"]]
        assert sorted(seen) == sorted(ids) and len(set(seen)) == 7
        assert client.get("/api/v1/subscriptions", params={"limit": 0}).status_code == 422
        assert client.get("/api/v1/subscriptions", params={"offset": -1}).status_code == 422

        one = client.get("/api/v1/subscriptions/hook-3").json()
        assert one["channel"]["url"] == receiver.url and one["state"] == "active"
        patched = client.patch(
            "/api/v1/subscriptions/hook-3",
            json={"filters": {"keywords": ["semiconductor"], "event_types": ["signing"]}},
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["filters"]["keywords"] == ["semiconductor"]
        assert client.get("/api/v1/subscriptions/hook-3").json()["filters"]["event_types"] == [
            "signing"
        ]
        assert client.post("/api/v1/subscriptions/hook-3/pause").json()["state"] == "paused"
        paused = client.get("/api/v1/subscriptions", params={"state": "paused"}).json()
        assert [s["id"] for s in paused["items"]] == ["hook-3"] and paused["total"] == 1
        assert client.post("/api/v1/subscriptions/hook-3/resume").json()["state"] == "active"
        assert client.delete("/api/v1/subscriptions/hook-3").status_code == 204
        assert client.get("/api/v1/subscriptions/hook-3").status_code == 404
        assert client.delete("/api/v1/subscriptions/hook-3").status_code == 404
        assert client.get("/api/v1/subscriptions").json()["total"] == 6

        # Clear 422s: where and what.
        bad = client.post(
            "/api/v1/subscriptions", json={"channel": {"kind": "email", "address": "nope"}}
        )
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"][:3] == ["body", "channel", "email"]
        digest_hook = client.post(
            "/api/v1/subscriptions", json=_webhook(receiver.url, mode="daily")
        )
        assert digest_hook.status_code == 422
        for name in ("Mars/Olympus", "America"):  # "America" is a folder of zones, not one
            zone = client.patch("/api/v1/subscriptions/hook-1", json={"timezone": name})
            assert zone.status_code == 422 and "time zone" in zone.text
        secrets_on_mail = client.post(
            "/api/v1/subscriptions",
            json={"id": "m", "channel": {"kind": "email", "address": "m@example.org"}},
        )
        assert secrets_on_mail.status_code == 201
        wrong = client.patch("/api/v1/subscriptions/m", json={"webhook_secrets": [SECRET]})
        assert wrong.status_code == 422
        assert client.get("/api/v1/deliveries").json() == {
            "items": [],
            "total": 0,
            "offset": 0,
            "limit": 50,
        }
        # The state gauge reads the database.
        assert api.metric("pactwatch_notifier_api_subscriptions", {"state": "active"}) == 7
    assert httpx.get(api.base_url + "/readyz").json()["checks"] == {"database": True}


def test_public_endpoints_are_rate_limited(start_api: StartApi) -> None:
    api = start_api(PACTWATCH_NOTIFIER_API_RATE_LIMIT="3/minute")
    answers = [
        httpx.post(api.base_url + "/subscribe", json={"email": "not-an-address"}) for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [422, 422, 422, 429]
    assert 0 < int(answers[-1].headers["retry-after"]) <= 60
    # Each route has its own budget, and operator routes have none.
    assert httpx.get(api.base_url + "/subscribe").status_code == 200
    with operator(api) as client:
        assert all(client.get("/api/v1/subscriptions").status_code == 200 for _ in range(6))
    assert api.metric("pactwatch_notifier_api_rate_limited_total") == 1


def _link(message: EmailMessage, path: str) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(rf"(http://\S+{path}\?token=\S+)", body.get_content())
    assert found, body.get_content()
    return found.group(1)


def test_double_opt_in_links_and_one_click_unsubscribe(start_api: StartApi) -> None:
    with SmtpSink() as smtp:
        api = start_api(
            PACTWATCH_NOTIFIER_SMTP_PORT=str(smtp.port),
            PACTWATCH_NOTIFIER_API_CONFIRM_MAX_AGE_SECONDS="2",
        )
        base = api.base_url
        bad = httpx.post(base + "/subscribe", json={"email": "x@example.org", "mode": "weekly"})
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "mode"]
        # A form with a wrong address: the page again (422), the problem named, answers kept.
        again = httpx.post(
            base + "/subscribe",
            data={"email": "reader-at-example", "keywords": "chip, wafer", "mode": "daily"},
        )
        assert again.status_code == 422 and 'role="alert"' in again.text
        assert "email:" in again.text and 'value="chip, wafer"' in again.text
        assert 'value="daily" checked' in again.text
        ok = httpx.post(
            base + "/subscribe",
            json={"email": "Reader@Example.org", "keywords": ["chip"], "mode": "daily"},
        )
        assert ok.status_code == 202, ok.text
        wait_until(lambda: len(smtp.messages) == 1, 10, "the confirmation email")
        confirm_url = _link(smtp.messages[0], "/confirm")
        with operator(api) as client:
            (pending,) = client.get("/api/v1/subscriptions").json()["items"]
            assert pending["state"] == "pending" and pending["mode"] == "daily"

            # A forged link (right shape, other key) and a tampered one: 400, nothing changes.
            forged = Links(base, ["another-secret-0123456789"], 60).confirm_url(
                pending["id"], "reader@example.org"
            )
            tampered = confirm_url[:-3] + ("aaa" if not confirm_url.endswith("aaa") else "bbb")
            for url in (forged, tampered):
                response = httpx.get(url)
                assert response.status_code == 400 and "not valid" in response.text
            assert client.get(f"/api/v1/subscriptions/{pending['id']}").json()["state"] == "pending"

            # The real link: active, with a manage link on the page.
            confirmed = httpx.get(confirm_url)
            assert confirmed.status_code == 200, confirmed.text
            assert client.get(f"/api/v1/subscriptions/{pending['id']}").json()["state"] == "active"
            time.sleep(3.5)  # past CONFIRM_MAX_AGE_SECONDS (whole seconds)
            expired = httpx.get(confirm_url)
            assert expired.status_code == 400 and "expired" in expired.text

            # Manage: the page is prefilled, a POST of the form changes the filters.
            links = Links(base, [LINK_SECRET], 60)
            manage = links.manage_url(pending["id"], "Reader@Example.org")
            page = httpx.get(manage)
            assert page.status_code == 200 and 'value="chip"' in page.text
            saved = httpx.post(
                manage,
                data={
                    "event_types": ["signing"],
                    "keywords": "chip, wafer",
                    "regions": "Wuxi",
                    "sectors": "",
                    "mode": "instant",
                    "digest_hour": "8",
                    "timezone": "Asia/Shanghai",
                },
            )
            assert saved.status_code == 200 and "saved" in saved.text
            now = client.get(f"/api/v1/subscriptions/{pending['id']}").json()
            assert now["filters"]["keywords"] == ["chip", "wafer"]
            assert now["filters"]["regions"] == ["Wuxi"] and now["mode"] == "instant"
            assert now["timezone"] == "Asia/Shanghai"
            invalid = httpx.post(manage, data={"event_types": ["nothing"], "timezone": "UTC"})
            assert invalid.status_code == 422 and 'role="alert"' in invalid.text

            # Forged unsubscribe/manage tokens: 400 on every route taking one.
            fake = Links(base, ["another-secret-0123456789"], 60)
            for url in (
                fake.unsubscribe_url(pending["id"], "reader@example.org"),
                fake.manage_url(pending["id"], "reader@example.org"),
            ):
                assert httpx.get(url).status_code == 400
                assert httpx.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 400
            assert httpx.get(base + "/unsubscribe?token=v1.garbage").status_code == 400

            # RFC 8058: POST, no cookies, token in the URL, 200 without a redirect.
            unsubscribe = links.unsubscribe_url(pending["id"], "reader@example.org")
            assert "Unsubscribe" in httpx.get(unsubscribe).text  # the page only shows a button
            assert client.get(f"/api/v1/subscriptions/{pending['id']}").json()["state"] == "active"
            for _ in range(2):  # and a second click is harmless
                done = httpx.post(
                    unsubscribe,
                    content=b"List-Unsubscribe=One-Click",
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                    follow_redirects=False,
                )
                assert done.status_code == 200 and "set-cookie" not in done.headers
            after = client.get(f"/api/v1/subscriptions/{pending['id']}").json()
            assert after["state"] == "disabled" and "unsubscribed" in after["state_reason"]
        assert (
            api.metric("pactwatch_notifier_api_confirmation_emails_total", {"result": "sent"}) == 1
        )


def test_dead_letters_replay_and_test_alerts(
    start_api: StartApi, kafka: str, topics: dict[str, str]
) -> None:
    event = make_event(7)
    letters = [
        dead_letter(
            service="notifier",
            reason="delivery_failed",
            error="http://x answered 500",
            source_topic=topics["events"],
            payload=encode(event),
            key=event.event_id.encode(),
            subscription_id="hook",
        ),
        dead_letter(
            service="notifier",
            reason="invalid_json",
            error="not JSON",
            source_topic=topics["events"],
            payload=b"{oops",
        ),
    ]
    produce(kafka, topics["deadletter"], [encode(letter) for letter in letters] + [b"garbage"])
    with SmtpSink() as smtp, WebhookReceiver(secret=SECRET) as receiver:
        api = start_api(
            PACTWATCH_KAFKA_BOOTSTRAP=kafka,
            PACTWATCH_DEAD_LETTER_TOPIC=topics["deadletter"],
            PACTWATCH_NOTIFIER_RETRY_TOPIC=topics["retry"],
            PACTWATCH_NOTIFIER_SMTP_PORT=str(smtp.port),
        )
        with operator(api) as client:
            listed = client.get("/api/v1/dead-letters", params={"limit": 10})
            assert listed.status_code == 200, listed.text
            items = listed.json()["items"]
            assert listed.json()["read"] == 2  # the garbage record is skipped
            by_reason = {i["reason"]: i for i in items}
            assert by_reason["delivery_failed"]["replayable"] is True
            assert by_reason["delivery_failed"]["event_id"] == event.event_id
            assert by_reason["invalid_json"]["replayable"] is False
            only = client.get("/api/v1/dead-letters", params={"subscription_id": "hook"}).json()
            assert [i["reason"] for i in only["items"]] == ["delivery_failed"]

            replay = client.post(
                f"/api/v1/dead-letters/{by_reason['delivery_failed']['id']}/replay"
            )
            assert replay.status_code == 200, replay.text
            chain = replay.json()["chain"]
            records = [
                decode(NotifierRetry, r.value)
                for r in asyncio.run(read_topic(kafka, topics["retry"]))
            ]
            assert [(r.subscription_id, r.event.event_id, r.attempt, r.chain) for r in records] == [
                ("hook", event.event_id, 1, chain)
            ]
            refused = client.post(f"/api/v1/dead-letters/{by_reason['invalid_json']['id']}/replay")
            assert refused.status_code == 409
            assert client.post("/api/v1/dead-letters/0-99999/replay").status_code == 404
            assert client.post("/api/v1/dead-letters/77-0/replay").status_code == 404

            # Test alerts through the real channels.
            hook = client.post(
                "/api/v1/subscriptions",
                json={
                    "id": "hook",
                    "channel": {"kind": "webhook", "url": receiver.url, "secrets": [SECRET]},
                },
            )
            assert hook.status_code == 201, hook.text
            result = client.post("/api/v1/subscriptions/hook/test").json()
            assert result["delivered"] is True and result["status"] == 200
            assert receiver.received[0].verified is True
            assert receiver.received[0].json()["event"]["parties"] == [
                "Example City",
                "Example Corp",
            ]
            client.post(
                "/api/v1/subscriptions",
                json={"id": "mail", "channel": {"kind": "email", "address": "ops@example.org"}},
            )
            assert client.post("/api/v1/subscriptions/mail/test").json()["delivered"] is True
            wait_until(lambda: len(smtp.messages) == 1, 10, "the test alert email")
            message = smtp.messages[0]
            assert "test alert" in message["Subject"]
            assert message["List-Unsubscribe"].startswith(f"<{api.base_url}/unsubscribe?token=")
            assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            assert f"{api.base_url}/manage?token=" in message.get_body(("plain",)).get_content()
            receiver.responses = [(500, {})]
            failed = client.post("/api/v1/subscriptions/hook/test").json()
            assert failed["delivered"] is False and "500" in failed["error"]
            assert client.post("/api/v1/subscriptions/absent/test").status_code == 404
