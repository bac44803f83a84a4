"""Small stand-ins for the worker's I/O edges: the store's subscriptions, the channels'
sender, the Kafka publisher, the deliveries listing and digest items."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pactwatch_notifier.channels import DeliveryError
from pactwatch_notifier.models import SubscriptionCreate, SubscriptionRecord
from pactwatch_notifier.store import AlertKey
from pactwatch_notifier.worker.live import LiveSubscription
from pactwatch_notifier.worker.send import Endpoint
from pactwatch_schemas import ArticleRef, Attempt, Event, NotifierRetry

from ..helpers import SECRET

T0 = datetime(2026, 11, 21, 8, tzinfo=UTC)


def record(sub_id: str, *, at: datetime = T0, **extra: Any) -> SubscriptionRecord:
    """A stored webhook subscription (`extra`: any field of `SubscriptionCreate`)."""
    channel = {"kind": "webhook", "url": f"https://{sub_id}.example.org/h", "secrets": [SECRET]}
    new = SubscriptionCreate.model_validate({"id": sub_id, "channel": channel} | extra)
    return SubscriptionRecord(
        **new.model_dump(mode="json", exclude={"id"}), id=sub_id, created_at=at, updated_at=at
    )


class FakeSubscriptions:
    """`store.subscriptions` as the live cache uses it."""

    def __init__(self, *records: SubscriptionRecord) -> None:
        self.records = {r.id: r for r in records}
        self.deleted: list[str] = []
        self.fail = False

    def changed_since(self, since: datetime | None) -> list[SubscriptionRecord]:
        return [r for r in self.records.values() if since is None or r.updated_at >= since]

    def deleted_since(self, since: datetime) -> list[str]:
        return list(self.deleted)

    def set_state(self, sub_id: str, state: str, reason: str | None = None) -> Any:
        if self.fail:
            raise OSError("database away")
        changed = self.records[sub_id].model_copy(update={"state": state, "state_reason": reason})
        self.records[sub_id] = changed
        return changed


@dataclass
class FakeSender:
    """Answers each attempt with the next scripted error (None: accepted)."""

    answers: list[DeliveryError | None] = field(default_factory=list)
    calls: list[tuple[str, str, bool]] = field(default_factory=list)

    def deferral(self, sub: LiveSubscription) -> DeliveryError | None:
        return None

    @contextlib.asynccontextmanager
    async def slot(self, sub: LiveSubscription) -> AsyncIterator[Endpoint]:
        endpoint = Endpoint(asyncio.Semaphore(1))
        await endpoint.take()
        yield endpoint
        endpoint.done()

    async def send(
        self, sub: LiveSubscription, event: Event, sources: list[ArticleRef], *, update: bool
    ) -> DeliveryError | None:
        self.calls.append((sub.id, event.event_id, update))
        return self.answers.pop(0) if self.answers else None


@dataclass
class FakePublisher:
    retries: list[NotifierRetry] = field(default_factory=list)
    letters: list[tuple[str, str, list[Attempt], str]] = field(default_factory=list)

    async def retry(self, retry: NotifierRetry) -> None:
        self.retries.append(retry)

    async def dead_letter(
        self, subscription_id: str, event: Event, history: Sequence[Attempt], error: str
    ) -> None:
        self.letters.append((subscription_id, event.event_id, list(history), error))


@dataclass
class FakeRecorder:
    rows: list[tuple[AlertKey, str, int]] = field(default_factory=list)

    def add(
        self, alert: AlertKey, channel: str, outcome: str, attempt: int, error: str | None = None
    ) -> None:
        self.rows.append((alert, outcome, attempt))


@dataclass
class FakeDigests:
    items: list[tuple[str, str]] = field(default_factory=list)

    def add_item(self, subscription_id: str, event: Event) -> bool:
        self.items.append((subscription_id, event.event_id))
        return True
