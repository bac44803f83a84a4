"""One attempt at one alert through its subscription's channel: a signed webhook POST or an
email, within the concurrency limits.

Nothing waits on a slow endpoint except that endpoint's own deliveries: each subscription
gets at most `MAX_CONCURRENT_PER_SUBSCRIPTION` of the `MAX_CONCURRENT_DELIVERIES` slots, and
while an endpoint is failing and all its slots are busy (a black hole timing out) a further
attempt is not made at all: it returns a retryable error at once, so the delivery goes to the
retry path instead of queueing behind the timeouts.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator

from pactwatch_schemas import ArticleRef, Event

from .. import metrics
from ..channels import (
    DeliveryError,
    EmailSender,
    WebhookSender,
    alert_id,
    build_alert,
    render_email,
)
from ..unsubscribe import RecipientLinks
from .live import LiveSubscription


class Endpoint:
    """A subscription's connection slot, given back once (`done`): as soon as the receiver
    has answered, so recording the outcome does not hold the endpoint's concurrency."""

    __slots__ = ("_held", "_semaphore")

    def __init__(self, semaphore: asyncio.Semaphore) -> None:
        self._semaphore = semaphore
        self._held = False

    async def take(self) -> None:
        await self._semaphore.acquire()
        self._held = True

    def done(self) -> None:
        if self._held:
            self._held = False
            self._semaphore.release()


class Sender:
    def __init__(
        self,
        webhooks: WebhookSender,
        email: EmailSender,
        links: RecipientLinks,
        *,
        max_concurrent: int,
        max_per_subscription: int,
        alert_max_bytes: int,
        mail_from: str,
        list_id_domain: str,
    ) -> None:
        self._webhooks = webhooks
        self._email = email
        self._links = links
        self._alert_max_bytes = alert_max_bytes
        self._mail_from = mail_from
        self._list_id_domain = list_id_domain
        self._slots = asyncio.Semaphore(max_concurrent)
        self._sub_slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(max_per_subscription)
        )
        self._failing: dict[str, int] = {}  # consecutive failed attempts per subscription

    def deferral(self, sub: LiveSubscription) -> DeliveryError | None:
        """The error of an attempt not made: the endpoint is failing and its slots are busy."""
        if self._failing.get(sub.id) and self._sub_slots[sub.id].locked():
            metrics.ATTEMPTS.labels(sub.channel, "deferred").inc()
            return DeliveryError(
                "not attempted: endpoint failing and all its connections busy", retryable=True
            )
        return None

    @contextlib.asynccontextmanager
    async def slot(self, sub: LiveSubscription) -> AsyncIterator[Endpoint]:
        """One of the subscription's connections and one of the worker's, held inside. The
        connection is the endpoint's (`Endpoint.done` gives it back once the receiver has
        answered); the worker's slot stays until the caller has recorded the outcome, so a
        replica never has more alerts accepted-but-unrecorded than `max_concurrent`."""
        endpoint = Endpoint(self._sub_slots[sub.id])
        await endpoint.take()
        try:
            async with self._slots:
                yield endpoint
        finally:
            endpoint.done()

    async def send(
        self, sub: LiveSubscription, event: Event, sources: list[ArticleRef], *, update: bool
    ) -> DeliveryError | None:
        """The attempt itself (within a `slot`)."""
        try:
            await self._send(sub, event, sources, update)
        except DeliveryError as exc:
            metrics.ATTEMPTS.labels(
                sub.channel, "retryable" if exc.retryable else "permanent"
            ).inc()
            self._failing[sub.id] = self._failing.get(sub.id, 0) + 1
            return exc
        metrics.ATTEMPTS.labels(sub.channel, "accepted").inc()
        self._failing.pop(sub.id, None)
        return None

    async def _send(
        self, sub: LiveSubscription, event: Event, sources: list[ArticleRef], update: bool
    ) -> None:
        if sub.webhook is not None:
            alert = build_alert(
                sub.id, event, sources=sources, update=update, max_bytes=self._alert_max_bytes
            )
            await self._webhooks.send(str(sub.webhook.url), sub.webhook.secrets, alert)
            return
        assert sub.email is not None
        message = render_email(
            sender=self._mail_from,
            to=sub.email,
            message_id=alert_id(sub.id, event.event_id, event.article.id if update else None),
            event=event,
            sources=sources,
            update=update,
            list_id=f"Pactwatch alerts {sub.id} <{sub.id}.{self._list_id_domain}>",
            unsubscribe_url=self._links.unsubscribe(sub.id, sub.email),
        )
        await self._email.send(message)
