"""Pure logic of the API: the webhook address guard, token comparison, signed links, rate
limits, form parsing and the alert email's manage link."""

from __future__ import annotations

import ipaddress

import pytest
from itsdangerous import URLSafeTimedSerializer

from pactwatch_notifier.addresses import UnsafeWebhook, check_webhook_url, parse_allowlist
from pactwatch_notifier.api.ratelimit import RateLimiter
from pactwatch_notifier.api.security import token_matches
from pactwatch_notifier.api.tokens import LinkError, Links
from pactwatch_notifier.channels import render_email
from pactwatch_notifier.unsubscribe import manage_url_for, sign_token, unsubscribe_url

from ..helpers import make_event

pytestmark = pytest.mark.unit

SECRET = "s" * 20


def resolver(answers: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError("no such host")
        return answers[host]

    return resolve


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/", "private"),
        ("http://192.168.0.1/", "private"),
        ("http://169.254.169.254/", "link-local"),
        ("http://[::1]/", "loopback"),
        ("http://127.0.0.2/", "loopback"),
        ("http://evil.example/", "loopback"),  # a public-looking name resolving to loopback
        ("http://mixed.example/", "private"),  # one private answer among public ones
        ("http://[ff02::1]/", "multicast"),
        ("http://nowhere.example/", "unresolvable"),
        ("gopher://example.org/", "scheme"),
        ("http:///path", "no_host"),
        ("http://example.org:99999/", "port"),
    ],
)
def test_non_public_targets_are_refused(url: str, reason: str) -> None:
    resolve = resolver(
        {"evil.example": ["127.0.0.1"], "mixed.example": ["93.184.215.14", "10.1.1.1"]}
    )
    with pytest.raises(UnsafeWebhook) as caught:
        check_webhook_url(url, [], resolve)
    assert caught.value.reason == reason


def test_public_and_allowlisted_targets_pass() -> None:
    resolve = resolver({"hooks.example": ["93.184.215.14", "2606:2800:21f:cb07::1"]})
    check_webhook_url("https://hooks.example/x", [], resolve)
    allow = parse_allowlist(["127.0.0.1", "10.20.0.0/16"])
    check_webhook_url("http://127.0.0.1:8080/x", allow, resolve)
    check_webhook_url("http://10.20.3.4/x", allow, resolve)
    with pytest.raises(UnsafeWebhook):
        check_webhook_url("http://10.21.0.1/x", allow, resolve)
    assert allow[0] == ipaddress.ip_network("127.0.0.1/32")
    with pytest.raises(ValueError, match="no CIDR"):
        parse_allowlist(["not-a-net"])


def test_token_matches_only_exact_tokens() -> None:
    tokens = ["alpha-token-123", "beta-token-456"]
    assert token_matches("beta-token-456", tokens)
    for wrong in ("beta-token-45", "beta-token-4567", "", "ALPHA-TOKEN-123"):
        assert not token_matches(wrong, tokens)
    assert not token_matches("anything", [])


def test_confirmation_links_expire_and_resist_forgery(monkeypatch: pytest.MonkeyPatch) -> None:
    links = Links("http://127.0.0.1:8004/", [SECRET, "old-secret-0123456789"], confirm_max_age=60)
    token = links.confirm_token("sub1", "a@example.org")
    assert links.check_confirm(token).subscription_id == "sub1"
    assert links.confirm_url("sub1", "a@example.org").startswith(
        "http://127.0.0.1:8004/confirm?token="
    )
    # Signed with the older secret (before a rotation): still accepted.
    old = URLSafeTimedSerializer("old-secret-0123456789", salt="pactwatch-confirm-v1")
    assert links.check_confirm(old.dumps(["sub2", "b@example.org"])).address == "b@example.org"
    # Another key, another salt (an unsubscribe token), garbage: not valid, not "expired".
    for bad in (
        URLSafeTimedSerializer("x" * 20, salt="pactwatch-confirm-v1").dumps(["sub1", "a@x.org"]),
        URLSafeTimedSerializer(SECRET, salt="other").dumps(["sub1", "a@x.org"]),
        sign_token(SECRET, "sub1", "a@example.org"),
        "garbage",
    ):
        with pytest.raises(LinkError) as caught:
            links.check_confirm(bad)
        assert not caught.value.expired
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 61)
    with pytest.raises(LinkError) as caught:
        links.check_confirm(token)
    assert caught.value.expired


def test_recipient_links_verify_with_every_secret() -> None:
    links = Links("http://h", [SECRET, "old-secret-0123456789"], 60)
    old_token = sign_token("old-secret-0123456789", "sub", "a@example.org")
    assert links.check_recipient(old_token).subscription_id == "sub"
    url = links.unsubscribe_url("sub", "a@example.org")
    assert manage_url_for(url) == links.manage_url("sub", "a@example.org")
    with pytest.raises(LinkError):
        links.check_recipient(sign_token("z" * 20, "sub", "a@example.org"))


def test_rate_limiter_counts_per_client_and_route() -> None:
    limiter = RateLimiter("2/minute")
    assert limiter.retry_after("1.1.1.1", "POST /subscribe") is None
    assert limiter.retry_after("1.1.1.1", "POST /subscribe") is None
    wait = limiter.retry_after("1.1.1.1", "POST /subscribe")
    assert wait is not None and 0 < wait <= 60
    assert limiter.retry_after("2.2.2.2", "POST /subscribe") is None
    assert limiter.retry_after("1.1.1.1", "GET /confirm") is None


def test_alert_email_links_manage_and_unsubscribe() -> None:
    link = unsubscribe_url("https://alerts.example.org", sign_token(SECRET, "s", "a@example.org"))
    message = render_email(
        sender="p@x.org",
        to="a@example.org",
        message_id="m",
        event=make_event(1),
        unsubscribe_url=link,
    )
    assert message["List-Unsubscribe"] == f"<{link}>"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    manage = link.replace("/unsubscribe?", "/manage?")
    assert f"Change what you receive: {manage}" in text
    assert f'href="{manage}"' in html
    with pytest.raises(ValueError):
        manage_url_for("https://x.org/other?token=1")
