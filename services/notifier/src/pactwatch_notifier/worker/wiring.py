"""The delivery worker put together: every piece built from the settings and the clients
`__main__` opened, in one place, and stopped in the order that loses nothing.

Stopping: the engine lets go of the work not yet sent (its claims released), waits for the
sends under way and their ledger records, and commits; then the background loops end
(subscription refresh, deliveries listing, digests, broker watch), the last outcome rows are
written, the ledger's flusher ends, and the database's asyncio pool and the HTTP session
are closed.
"""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from pactwatch_runtime import BrokerWatch, finish_or_cancel

from ..addresses import GuardedResolver, parse_allowlist
from ..channels import EmailSender, WebhookSender, guarded_session
from ..core.config import Settings
from ..digest import DigestLoop
from ..models import SubscriptionRecord
from ..retry import RetryPolicy
from ..store import Store
from ..unsubscribe import RecipientLinks
from .deliver import Deliverer
from .engine import Engine
from .ledger import DeliveryLedger, replica_id
from .live import LiveSubscriptions
from .publish import Publisher
from .recorder import DeliveryRecorder
from .send import Sender


class Worker:
    """One delivery worker: `run()` until `stop()`. `broker.ok` is its `/readyz`."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        subscriptions: list[SubscriptionRecord],
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
    ) -> None:
        self._grace = settings.shutdown_grace_seconds
        self._store = store
        self._stop = asyncio.Event()
        # /readyz: a consumer's fetch just returns nothing while the broker is away.
        self.broker = BrokerWatch(producer.client, interval=3.0)
        guard = GuardedResolver(parse_allowlist(settings.webhook_allowlist))
        self._http = guarded_session(guard, settings.max_concurrent_deliveries)
        password = settings.smtp_password
        email = EmailSender(
            settings.smtp_host,
            settings.smtp_port,
            username=settings.smtp_username,
            password=password.get_secret_value() if password else None,
            tls=settings.smtp_tls,
            timeout=settings.smtp_timeout_seconds,
        )
        secrets = settings.unsubscribe_secrets
        base_url = settings.public_base_url
        links = RecipientLinks(
            str(base_url) if base_url is not None else None,
            secrets[0].get_secret_value() if secrets else None,
        )
        self._ledger = DeliveryLedger(
            store.ledger, replica_id(settings.replica_id), settings.delivery_lease_seconds
        )
        self._live = LiveSubscriptions(
            store.subscriptions,
            subscriptions,
            refresh_seconds=settings.subscriptions_refresh_seconds,
        )
        self._recorder = DeliveryRecorder(store.deliveries)
        self._digests = DigestLoop(settings, store.digests, email, self._live.record_of, links)
        publish = Publisher(
            producer,
            self.broker,
            events_topic=settings.events_topic,
            retry_topic=settings.retry_topic,
            dead_letter_topic=settings.dead_letter_topic,
        )
        sender = Sender(
            WebhookSender(self._http, settings.webhook_timeout_seconds, guard),
            email,
            links,
            max_concurrent=settings.max_concurrent_deliveries,
            max_per_subscription=settings.max_concurrent_per_subscription,
            alert_max_bytes=settings.alert_max_bytes,
            mail_from=settings.mail_from,
            list_id_domain=settings.list_id_domain,
        )
        policy = RetryPolicy(
            schedule=settings.retry_schedule_seconds,
            jitter=settings.retry_jitter,
            retry_after_max=settings.retry_after_max_seconds,
            disable_after=settings.disable_after_permanent_failures,
        )
        deliver = Deliverer(
            self._live, self._ledger, sender, publish, self._recorder, store.digests, policy
        )
        self._engine = Engine(
            settings, consumer, deliver, self._ledger, publish, self.broker, self._stop
        )

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        flusher = asyncio.create_task(self._ledger.run(), name="ledger-flusher")
        background = [
            asyncio.create_task(self._live.run(self._stop)),
            asyncio.create_task(self._recorder.run(self._stop)),
            asyncio.create_task(self._digests.run(self._stop)),
            asyncio.create_task(self.broker.run(self._stop)),
        ]
        try:
            await self._engine.run()
        finally:
            self._stop.set()
            await finish_or_cancel(background, self._grace)
            await self._recorder.flush()
            await self._ledger.close(flusher)
            await self._store.close_async()
            await self._http.close()
