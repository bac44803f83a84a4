"""Events, producing and reading topics for the notifier's integration tests."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from pactwatch_devtools import produce as publish
from pactwatch_devtools import read_topic
from pactwatch_notifier.models import SubscriptionCreate
from pactwatch_schemas import ArticleRef, DeadLetter, Event, decode

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

#: A delivery lease of seconds, not a minute (with channel timeouts it must outlast): a
#: killed worker's claims are taken over quickly.
SHORT_LEASE = {
    "PACTWATCH_NOTIFIER_DELIVERY_LEASE_SECONDS": "10",
    "PACTWATCH_NOTIFIER_WEBHOOK_TIMEOUT_SECONDS": "5",
    "PACTWATCH_NOTIFIER_SMTP_TIMEOUT_SECONDS": "5",
}


def make_event(n: int, *, article: int | None = None, source: str = "s") -> Event:
    """Event `n`; `article` gives the same event as reported by another article/source."""
    event_id = f"{n:032x}"
    article_id = f"{article:032x}" if article is not None else event_id
    now = datetime.now(UTC)
    return Event(
        schema_version=1,
        event_id=event_id,
        type="signing",
        cameo="057",
        confidence=0.9,
        parties=["Wuxi Municipal Government", f"Company {n}"],
        evidence="signed an agreement",
        evidence_spans=[(0, 19)],
        fingerprint=event_id,
        article=ArticleRef(
            id=article_id,
            url=f"https://{source}.example.org/{n}/{article_id[-6:]}",
            title=f"Deal {n}",
            source_id=source,
            fetched_at=now,
        ),
        detected_at=now,
    )


def produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
    asyncio.run(publish(bootstrap, topic, values))


def dead_letters(bootstrap: str, topic: str) -> list[DeadLetter]:
    return [decode(DeadLetter, r.value) for r in asyncio.run(read_topic(bootstrap, topic))]


def email_subscription(n: int, **extra: object) -> SubscriptionCreate:
    """Subscription `sub-<n>` by email to `user<n>@example.org`, with `extra` fields."""
    return SubscriptionCreate.model_validate(
        {"id": f"sub-{n:03d}", "channel": {"kind": "email", "address": f"user{n}@example.org"}}
        | extra
    )
