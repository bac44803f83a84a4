"""Alert rendering and signing: pure logic, checked against the reference library."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from pactwatch_notifier.channels import alert_id, build_alert, render_email, signature_headers
from pactwatch_schemas import Amount, ArticleRef, Event

pytestmark = pytest.mark.unit

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OTHER = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
ID = "0123456789abcdef0123456789abcdef"


def event(
    title: str = "Binhu District signs with Pfizer", parties: list[str] | None = None
) -> Event:
    now = datetime(2026, 11, 21, tzinfo=UTC)
    return Event(
        schema_version=1,
        event_id=ID,
        type="signing",
        cameo="057",
        confidence=0.93,
        parties=parties or ["Binhu District", "Pfizer Pharmaceuticals (Wuxi) Co., Ltd."],
        evidence="Binhu District signed a strategic cooperation agreement with Pfizer.",
        evidence_spans=[(10, 80)],
        amount=Amount(value=1.2e9, currency="CNY"),
        date=date(2023, 11, 5),
        fingerprint=ID,
        article=ArticleRef(
            id=ID, url="https://example.org/a", title=title, source_id="s", fetched_at=now
        ),
        detected_at=now,
    )


def test_signature_verifies_with_the_reference_library() -> None:
    alert = build_alert("sub-1", event())
    body = alert.model_dump_json()
    headers = signature_headers(alert.alert_id, body, [SECRET])
    assert headers["webhook-id"] == alert.alert_id == alert_id("sub-1", ID)
    assert Webhook(SECRET).verify(body, headers)["alert_id"] == alert.alert_id


def test_rotation_signs_with_every_secret_and_tampering_fails() -> None:
    body = build_alert("sub-1", event()).model_dump_json()
    headers = signature_headers("msg_1", body, [SECRET, OTHER])
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(OTHER).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(body.replace("Pfizer", "Pfizor"), headers)


def test_webhook_id_is_stable_across_retries() -> None:
    assert build_alert("s", event()).alert_id == build_alert("s", event()).alert_id
    assert build_alert("s", event()).alert_id != build_alert("t", event()).alert_id


def test_email_subject_says_what_happened() -> None:
    msg = render_email(sender="a@b.org", to="c@d.org", message_id="m1", event=event())
    assert msg["Subject"].startswith("Signing: Binhu District × Pfizer Pharmaceuticals")
    assert msg["Message-ID"] == "<m1@pactwatch>"
    body = msg.get_body(("plain",)).get_content()
    assert "https://example.org/a" in body
    assert "1,200,000,000 CNY" in body
    assert "2023-11-05" in body


def test_article_text_cannot_inject_headers() -> None:
    hostile = "Deal\r\nBcc: victim@example.org\r\nX-Evil: 1"
    msg = render_email(
        sender="a@b.org",
        to="c@d.org",
        message_id="m1",
        event=event(title=hostile, parties=[hostile]),
    )
    raw = msg.as_bytes()
    headers_part = raw.split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers_part
    assert b"\nX-Evil:" not in headers_part
    assert msg["Bcc"] is None
