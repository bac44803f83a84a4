"""Pure delivery logic: status classification, alert size, email headers,
unsubscribe tokens, the receivers' verification helper, the subscriptions file. No network,
no broker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from standardwebhooks.webhooks import WebhookVerificationError

from pactwatch_notifier.channels import (
    build_alert,
    classify_status,
    render_email,
    signature_headers,
)
from pactwatch_notifier.core.config import Settings
from pactwatch_notifier.subscriptions_file import load_subscriptions
from pactwatch_notifier.unsubscribe import (
    InvalidToken,
    sign_token,
    unsubscribe_url,
    verify_token,
)
from pactwatch_notifier.verify import verify_alert
from pactwatch_schemas import Alert, ArticleRef

from .test_channels import ID, OTHER, SECRET, event

pytestmark = pytest.mark.unit

UNSUB_SECRET = "unsubscribe-secret-0123456789"


# -- webhook answers ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "retryable", "disable"),
    [
        (500, True, False),
        (502, True, False),
        (503, True, False),
        (429, True, False),
        (400, False, False),
        (401, False, False),
        (404, False, False),
        (408, False, False),
        (410, False, True),
        (301, False, False),  # a redirect is a failure, not followed
    ],
)
def test_status_classes(status: int, retryable: bool, disable: bool) -> None:
    assert classify_status(status) == (retryable, disable)


# -- alert payload ------------------------------------------------------------------------
def _ref(n: int, size: int = 100) -> ArticleRef:
    return ArticleRef(
        id=f"{n:032x}",
        url=f"https://news{n}.example.org/" + "p" * size,
        title="T" * size,
        source_id=f"site-{n}",
        fetched_at=datetime(2026, 11, 21, tzinfo=UTC),
    )


def test_alert_lists_every_source_and_stays_under_20_kB() -> None:
    small = build_alert("s", event(), sources=[event().article, _ref(1), _ref(2)])
    assert [r.source_id for r in small.sources] == ["s", "site-1", "site-2"]
    huge_event = event().model_copy(
        update={
            "evidence": "E" * 5000,
            "parties": ["P" * 300] * 50,
            "locations": ["L" * 300] * 50,
            "sectors": ["S" * 100] * 20,
        }
    )
    sources = [huge_event.article] + [_ref(n, 2000) for n in range(1, 20)]
    alert = build_alert("s", huge_event, sources=sources)
    body = alert.model_dump_json().encode()
    assert len(body) <= 20_000
    Alert.model_validate_json(body)  # still a valid alert
    assert alert.sources[0] == huge_event.article and alert.event.article == huge_event.article


def test_update_alerts_have_their_own_id() -> None:
    first = build_alert("s", event())
    update = build_alert("s", event(), update=True)
    assert first.alert_id == f"msg_s_{ID}" and not first.update
    assert update.alert_id == f"msg_s_{ID}_{ID}" and update.update


# -- verification helper for receivers ----------------------------------------------------
def test_verify_alert_accepts_ours_and_rejects_forgeries() -> None:
    alert = build_alert("s", event())
    body = alert.model_dump_json()
    headers = signature_headers(alert.alert_id, body, [SECRET])
    assert verify_alert(body.encode(), headers, [OTHER, SECRET]) == alert  # rotation
    with pytest.raises(WebhookVerificationError):
        verify_alert(body.replace("Pfizer", "Pfizor"), headers, [SECRET])
    with pytest.raises(WebhookVerificationError):
        verify_alert(body, headers, [OTHER])
    stale = signature_headers(
        alert.alert_id, body, [SECRET], now=datetime.now(UTC) - timedelta(minutes=10)
    )
    with pytest.raises(WebhookVerificationError):
        verify_alert(body, stale, [SECRET])
    relabelled = {**headers, "webhook-id": "msg_other"}
    relabelled.update(signature_headers("msg_other", body, [SECRET]))
    with pytest.raises(WebhookVerificationError, match="webhook-id"):
        verify_alert(body, relabelled, [SECRET])


# -- email --------------------------------------------------------------------------------
def _mail(**kwargs: object) -> bytes:
    defaults: dict[str, object] = {
        "sender": "Pactwatch <alerts@pactwatch.localhost>",
        "to": "analyst@example.org",
        "message_id": f"msg_mail_{ID}",
        "event": event(),
        "list_id": "Pactwatch alerts mail <mail.alerts.pactwatch.localhost>",
        "unsubscribe_url": unsubscribe_url(
            "https://pactwatch.example.org", sign_token(UNSUB_SECRET, "mail", "analyst@example.org")
        ),
    }
    return render_email(**{**defaults, **kwargs}).as_bytes()  # type: ignore[arg-type]


def test_email_is_multipart_with_list_headers() -> None:
    msg = message_from_bytes(_mail(sources=[event().article, _ref(7)]), policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    for body in (text, html):
        assert "Binhu District" in body and "site-7" in body and ID in body
    assert msg["List-Id"] == "Pactwatch alerts mail <mail.alerts.pactwatch.localhost>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = msg["List-Unsubscribe"]
    assert link.startswith("<https://pactwatch.example.org/unsubscribe?token=v1.")
    token = link.split("token=")[1].rstrip(">")
    assert verify_token([UNSUB_SECRET], token).subscription_id == "mail"
    assert msg["Subject"] == (
        "Signing: Binhu District × Pfizer Pharmaceuticals (Wuxi) Co., Ltd."
        " — Binhu District signs with Pfizer"
    )


def test_html_is_escaped_and_only_web_links_are_links() -> None:
    hostile = event(title='<script>alert(1)</script> "x" & y', parties=["<b>Evil</b>"])
    hostile = hostile.model_copy(
        update={"article": hostile.article.model_copy(update={"url": "javascript:alert(1)"})}
    )
    msg = message_from_bytes(_mail(event=hostile), policy=policy.default)
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Evil</b>" not in html and "&lt;b&gt;Evil&lt;/b&gt;" in html
    assert 'href="javascript:' not in html and 'href="#"' in html
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "<script>alert(1)</script>" in text  # plain text is not HTML: shown as written


def test_no_header_injection_from_parties() -> None:
    raw = _mail(event=event(parties=["A\r\nBcc: victim@example.org", "B\nX-Evil: 1"]))
    head = raw.split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in head and b"\nX-Evil:" not in head


def test_update_email_subject() -> None:
    msg = message_from_bytes(_mail(update=True), policy=policy.default)
    assert msg["Subject"].startswith("Update — Signing: ")


# -- unsubscribe tokens -------------------------------------------------------------------
def test_unsubscribe_tokens_cannot_be_forged() -> None:
    token = sign_token(UNSUB_SECRET, "analyst", "analyst@example.org")
    request = verify_token(["older-secret-0123456789", UNSUB_SECRET], token)
    assert (request.subscription_id, request.address) == ("analyst", "analyst@example.org")
    version, payload, mac = token.split(".")
    forged_payload = sign_token(UNSUB_SECRET, "victim", "victim@example.org").split(".")[1]
    for bad in (
        f"{version}.{forged_payload}.{mac}",  # someone else's id with our MAC
        f"{version}.{payload}.{mac[:-2]}AA",
        token + "x",
        "v2." + payload + "." + mac,
        "garbage",
    ):
        with pytest.raises(InvalidToken):
            verify_token([UNSUB_SECRET], bad)
    with pytest.raises(InvalidToken):
        verify_token(["another-secret-0123456789"], token)


def test_settings_want_https_and_a_secret_for_unsubscribe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACTWATCH_NOTIFIER_PUBLIC_BASE_URL", "http://pactwatch.example.org")
    monkeypatch.setenv("PACTWATCH_NOTIFIER_UNSUBSCRIBE_SECRETS", f'["{UNSUB_SECRET}"]')
    with pytest.raises(ValueError, match="https"):
        Settings()
    monkeypatch.setenv("PACTWATCH_NOTIFIER_PUBLIC_BASE_URL", "https://pactwatch.example.org")
    monkeypatch.setenv("PACTWATCH_NOTIFIER_UNSUBSCRIBE_SECRETS", "[]")
    with pytest.raises(ValueError, match="UNSUBSCRIBE_SECRETS"):
        Settings()
    monkeypatch.setenv("PACTWATCH_NOTIFIER_RETRY_SCHEDULE_SECONDS", "[0.5, 1, 2]")
    monkeypatch.setenv("PACTWATCH_NOTIFIER_UNSUBSCRIBE_SECRETS", f'["{UNSUB_SECRET}"]')
    settings = Settings()
    assert settings.max_attempts == 4 and settings.webhook_timeout_seconds == 15


# -- subscriptions file -----------------------------------------------------------------
def test_updates_option_is_optional(tmp_path: Path) -> None:
    path = tmp_path / "subs.yaml"
    path.write_text(
        "subscriptions:\n"
        "  - id: once\n    webhook: {url: 'https://hooks.example.org/x'}\n"
        "  - id: all-news\n    email: a@example.org\n    updates: true\n"
    )
    once, all_news = load_subscriptions(path)
    assert not once.updates and all_news.updates
