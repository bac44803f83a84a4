"""Digest periods and the digest email: pure functions, no database or broker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pactwatch_notifier.digest import digest_message_id, period_end, render_digest
from pactwatch_notifier.models import EmailChannel, Filters, SubscriptionRecord
from pactwatch_notifier.store import DigestItem

from .helpers import make_event

pytestmark = pytest.mark.unit

T = datetime(2026, 11, 21, 10, 37, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "mode", "hour", "zone", "expected"),
    [
        (T, "hourly", 8, "UTC", datetime(2026, 11, 21, 10, tzinfo=UTC)),
        (T, "daily", 8, "UTC", datetime(2026, 11, 21, 8, tzinfo=UTC)),
        (T, "daily", 11, "UTC", datetime(2026, 11, 20, 11, tzinfo=UTC)),  # not yet today
        # 08:00 in Shanghai (UTC+8) is 00:00 UTC
        (T, "daily", 8, "Asia/Shanghai", datetime(2026, 11, 21, 0, tzinfo=UTC)),
        # 19:00 Shanghai is 11:00 UTC, after 10:37: yesterday's
        (T, "daily", 19, "Asia/Shanghai", datetime(2026, 11, 20, 11, tzinfo=UTC)),
        # half-hour zones: the top of the local hour
        (T, "hourly", 8, "Asia/Kolkata", datetime(2026, 11, 21, 10, 30, tzinfo=UTC)),
        # across a DST change: New York on 2026-11-01 (EDT -> EST)
        (
            datetime(2026, 11, 1, 15, tzinfo=UTC),
            "daily",
            9,
            "America/New_York",
            datetime(2026, 11, 1, 14, tzinfo=UTC),
        ),
        (
            datetime(2026, 10, 31, 15, tzinfo=UTC),
            "daily",
            9,
            "America/New_York",
            datetime(2026, 10, 31, 13, tzinfo=UTC),
        ),
        (T, "daily", 10, "UTC", datetime(2026, 11, 21, 10, tzinfo=UTC)),
    ],
)
def test_period_end(now: datetime, mode: str, hour: int, zone: str, expected: datetime) -> None:
    assert period_end(now, mode, hour, zone) == expected


def test_period_override_for_tests_is_epoch_aligned() -> None:
    end = period_end(T, "daily", 8, "Asia/Shanghai", override_seconds=10)
    assert end == datetime(2026, 11, 21, 10, 37, 10, tzinfo=UTC)
    assert period_end(T, "instant", 8, "UTC") == T  # switched to instant: what is left, now


def _sub(mode: str = "daily") -> SubscriptionRecord:
    return SubscriptionRecord(
        id="analyst",
        channel=EmailChannel(address="analyst@example.org"),
        filters=Filters(),
        mode=mode,  # type: ignore[arg-type]
        digest_hour=8,
        timezone="Asia/Shanghai",
        updates=False,
        state="active",
        created_at=T,
        updated_at=T,
    )


def _item(n: int, kind: str, minutes: int) -> DigestItem:
    detected = T - timedelta(minutes=minutes)
    event = make_event(n).model_copy(update={"type": kind, "detected_at": detected})
    return DigestItem(event.event_id, kind, event, detected)


def test_digest_groups_by_type_newest_first() -> None:
    items = [
        _item(1, "signing", 50),
        _item(2, "cooperation", 40),
        _item(3, "signing", 10),
        _item(4, "signing", 30),
    ]
    end = datetime(2026, 11, 21, 0, tzinfo=UTC)
    message = render_digest(
        sender="Pactwatch <alerts@pactwatch.localhost>",
        to="analyst@example.org",
        subscription=_sub(),
        end=end,
        items=items,
        list_id="Pactwatch digest analyst <analyst.alerts.pactwatch.localhost>",
        unsubscribe_url="https://pactwatch.example.org/unsubscribe?token=t",
        manage_url="https://pactwatch.example.org/manage?token=t",
    )
    assert message["Subject"] == ("Pactwatch daily digest: 4 events (3 signings, 1 cooperation)")
    assert message["Message-ID"] == "<digest_analyst_20261121T000000Z@pactwatch>"
    assert message["Message-ID"] == f"<{digest_message_id('analyst', end)}@pactwatch>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    for body in (text, html):
        order = [body.index(f"Deal {n}<" if body is html else f"Deal {n}\n") for n in (3, 4, 1, 2)]
        assert order == sorted(order), "signings newest first, then cooperation"
        assert body.index("Signings (3)") < body.index("Cooperation (1)")
        assert "https://pactwatch.example.org/manage?token=t" in body
    assert "2026-11-21 08:00 CST" in text  # the period end in the subscriber's zone


def test_digest_html_escapes_article_text() -> None:
    item = _item(1, "signing", 5)
    hostile = item.event.model_copy(
        update={
            "article": item.event.article.model_copy(
                update={"title": "<script>alert(1)</script>", "url": "javascript:alert(1)"}
            )
        }
    )
    message = render_digest(
        sender="a@b.c",
        to="analyst@example.org",
        subscription=_sub("hourly"),
        end=T,
        items=[DigestItem(item.event_id, "signing", hostile, item.detected_at)],
    )
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="#"' in html and "javascript:" not in html
    assert message["Subject"] == "Pactwatch hourly digest: 1 event (1 signings)"
