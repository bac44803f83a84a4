"""The notifier's loop: read events -> match subscriptions -> deliver -> log -> commit.

Offsets are committed only after every alert of the batch was delivered (and logged)
or dead-lettered, so a crash replays the batch; the delivery log makes the replay
harmless. Foundation retry policy: a few quick retries inline, then dead letter.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import httpx
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError

from pactwatch_schemas import Attempt, DecodeError, Event, dead_letter, decode, encode

from . import metrics
from .channels import DeliveryError, EmailSender, WebhookSender, alert_id, build_alert, render_email
from .core.config import Settings
from .delivery_log import DeliveryLog
from .subscriptions import Subscription

log = structlog.get_logger("pactwatch.notifier")


class Notifier:
    def __init__(
        self,
        settings: Settings,
        subscriptions: list[Subscription],
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
    ) -> None:
        self.settings = settings
        self.subscriptions = subscriptions
        self.consumer = consumer
        self.producer = producer
        self.log = DeliveryLog(settings.data_dir / "deliveries.sqlite3")
        self.broker_ok = False
        self._stop = asyncio.Event()
        self._slots = asyncio.Semaphore(settings.max_concurrent_deliveries)
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(settings.webhook_timeout_seconds))
        self.webhooks = WebhookSender(self._http)
        self.email = EmailSender(
            settings.smtp_host,
            settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            tls=settings.smtp_tls,
            timeout=settings.smtp_timeout_seconds,
        )
        metrics.SUBSCRIPTIONS.set(len(subscriptions))

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        """Consume until `stop()`; the batch in hand is finished and committed first."""
        try:
            while not self._stop.is_set():
                try:
                    batches = await self.consumer.getmany(
                        timeout_ms=500, max_records=self.settings.batch_size
                    )
                    self.broker_ok = True
                except KafkaError as exc:
                    self.broker_ok = False
                    log.warning("consume_failed", error=repr(exc))
                    await asyncio.sleep(1)
                    continue
                for tp, records in batches.items():
                    await self.handle_batch(records)
                    await self._commit(tp, records[-1].offset + 1)
        finally:
            await self._http.aclose()
            self.log.close()

    async def _commit(self, tp: TopicPartition, offset: int) -> None:
        try:
            await self.consumer.commit({tp: offset})
        except CommitFailedError as exc:
            # The partition moved to another replica mid-batch; it re-reads from the last
            # commit and the delivery log keeps it from alerting twice.
            log.warning("commit_failed", partition=tp.partition, error=str(exc))

    async def handle_batch(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        """Deliver every alert the records call for; return when all are done or dead-lettered."""
        jobs = []
        for record in records:
            metrics.CONSUMED.inc()
            try:
                event = decode(Event, record.value)
            except DecodeError as exc:
                metrics.INVALID.labels(exc.reason).inc()
                log.warning(
                    "invalid_event",
                    reason=exc.reason,
                    detail=exc.detail[:300],
                    partition=record.partition,
                    offset=record.offset,
                )
                jobs.append(self._dead_letter_record(record, exc))
                continue
            for sub in self.subscriptions:
                if sub.matches(event):
                    jobs.append(self.deliver(sub, event))
        await asyncio.gather(*jobs)

    async def deliver(self, sub: Subscription, event: Event) -> None:
        """Deliver one alert with retries; record it, or dead-letter it when all tries fail."""
        if self.log.delivered(sub.id, event.event_id):
            metrics.DUPLICATES.inc()
            return
        attempts: list[Attempt] = []
        async with self._slots:
            for attempt in range(self.settings.delivery_attempts):
                metrics.ATTEMPTS.labels(sub.channel).inc()
                try:
                    await self._send(sub, event)
                except DeliveryError as exc:
                    attempts.append(Attempt(at=datetime.now(UTC), outcome=exc.detail[:500]))
                    last_try = attempt + 1 == self.settings.delivery_attempts
                    if not exc.retryable or last_try:
                        break
                    delay = exc.retry_after or self.settings.retry_base_seconds * 2**attempt
                    await asyncio.sleep(min(delay, 60))
                    continue
                self.log.record(sub.id, event.event_id, sub.channel)
                metrics.DELIVERIES.labels(sub.channel, "delivered").inc()
                metrics.LATENCY.labels(sub.channel).observe(
                    max(0.0, time.time() - event.article.fetched_at.timestamp())
                )
                log.info(
                    "delivered",
                    subscription=sub.id,
                    event_id=event.event_id,
                    channel=sub.channel,
                    attempts=attempt + 1,
                )
                return
        metrics.DELIVERIES.labels(sub.channel, "dead_lettered").inc()
        log.warning(
            "delivery_failed",
            subscription=sub.id,
            event_id=event.event_id,
            attempts=len(attempts),
            last=attempts[-1].outcome if attempts else None,
        )
        letter = dead_letter(
            service="notifier",
            reason="delivery_failed",
            error=attempts[-1].outcome if attempts else "no attempt",
            source_topic=self.settings.events_topic,
            payload=encode(event),
            key=event.event_id.encode(),
            subscription_id=sub.id,
        ).model_copy(update={"attempts": attempts})
        await self._publish_dead_letter(letter.reason, encode(letter))

    async def _send(self, sub: Subscription, event: Event) -> None:
        if sub.webhook is not None:
            await self.webhooks.send(
                str(sub.webhook.url), sub.webhook.secrets, build_alert(sub.id, event)
            )
        else:
            assert sub.email is not None
            message = render_email(
                sender=self.settings.mail_from,
                to=sub.email,
                message_id=alert_id(sub.id, event.event_id),
                event=event,
            )
            await self.email.send(message)

    async def _dead_letter_record(
        self, record: ConsumerRecord[bytes, bytes], exc: DecodeError
    ) -> None:
        letter = dead_letter(
            service="notifier",
            reason=exc.reason,
            error=exc.detail,
            source_topic=record.topic,
            payload=record.value,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
        )
        await self._publish_dead_letter(letter.reason, encode(letter))

    async def _publish_dead_letter(self, reason: str, value: bytes) -> None:
        # Awaiting the broker's ack before the offset commit keeps the letter from being lost.
        await (await self.producer.send(self.settings.dead_letter_topic, value))
        metrics.DEAD_LETTERS.labels(reason).inc()
