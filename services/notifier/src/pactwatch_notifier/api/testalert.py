"""'Send a test alert': a sample event through the subscription's real channel."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pactwatch_schemas import ArticleRef, Event

from ..channels import DeliveryError, WebhookSender, alert_id, build_alert, render_email
from ..models import SubscriptionRecord
from .config import ApiSettings
from .schemas import TestAlertResult


def sample_event(public_base_url: str) -> Event:
    """An obviously fake event (its title says so) with a fresh id every time."""
    now = datetime.now(UTC)
    event_id = uuid.uuid4().hex
    title = "Pactwatch test alert: Example City signs with Example Corp"
    return Event(
        schema_version=1,
        event_id=event_id,
        type="signing",
        cameo="057",
        confidence=1.0,
        parties=["Example City", "Example Corp"],
        evidence="This is a test alert sent by an operator; no real event happened.",
        evidence_spans=[],
        fingerprint=event_id,
        article=ArticleRef(
            id=event_id,
            url=f"{public_base_url}/",
            title=title,
            source_id="pactwatch-test",
            fetched_at=now,
        ),
        detected_at=now,
    )


async def send_test_alert(
    record: SubscriptionRecord, state: Any, settings: ApiSettings
) -> TestAlertResult:
    """Whether the receiver took it; a refusal is an answer (delivered=false), not an error."""
    event = sample_event(settings.public_base_url)
    channel = record.channel
    try:
        if channel.kind == "webhook":
            sender = WebhookSender(state.http, settings.webhook_timeout_seconds, state.guard)
            status = await sender.send(
                str(channel.url), list(channel.secrets), build_alert(record.id, event)
            )
            return TestAlertResult(
                subscription_id=record.id, channel="webhook", delivered=True, status=status
            )
        links = state.links
        message = render_email(
            sender=settings.mail_from,
            to=channel.address,
            message_id=alert_id(record.id, event.event_id),
            event=event,
            unsubscribe_url=links.unsubscribe_url(record.id, channel.address),
        )
        await state.mailer.smtp.send(message)
        return TestAlertResult(subscription_id=record.id, channel="email", delivered=True)
    except DeliveryError as exc:
        return TestAlertResult(
            subscription_id=record.id, channel=channel.kind, delivered=False, error=exc.detail
        )
