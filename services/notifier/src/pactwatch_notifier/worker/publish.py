"""What the worker hands on to Kafka: retry records and dead letters.

Each send awaits the broker's acknowledgement, because the record behind it is committed
only once it returns; while the broker is away the send is tried again every second (and
`/readyz` says so), so a delivery's outcome is never dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog
from aiokafka import AIOKafkaProducer, ConsumerRecord
from aiokafka.errors import KafkaError

from pactwatch_runtime import BrokerWatch, DeadLetterSink
from pactwatch_schemas import Attempt, DecodeError, Event, NotifierRetry, dead_letter, encode

from .. import metrics

log = structlog.get_logger("pactwatch.notifier")


class Publisher:
    def __init__(
        self,
        producer: AIOKafkaProducer,
        broker: BrokerWatch,
        *,
        events_topic: str,
        retry_topic: str,
        dead_letter_topic: str,
    ) -> None:
        self._producer = producer
        self._broker = broker
        self._events_topic = events_topic
        self._retry_topic = retry_topic
        self._dead_letters = DeadLetterSink(
            "notifier",
            lambda key, value: self._produce(dead_letter_topic, value, key=key),
            counter=metrics.DEAD_LETTERS,
        )

    async def retry(self, retry: NotifierRetry) -> None:
        """The next attempt of a delivery, on the retry topic keyed by event id."""
        await self._produce(self._retry_topic, encode(retry), key=retry.event.event_id.encode())
        metrics.RETRIES_PUBLISHED.inc()

    async def dead_letter(
        self, subscription_id: str, event: Event, history: Sequence[Attempt], error: str
    ) -> None:
        """A delivery that will not be attempted again (`delivery_failed`), with its history."""
        letter = dead_letter(
            service="notifier",
            reason="delivery_failed",
            error=error,
            source_topic=self._events_topic,
            payload=encode(event),
            key=event.event_id.encode(),
            subscription_id=subscription_id,
        ).model_copy(update={"attempts": list(history)})
        await self._dead_letters.send(letter, key=event.event_id.encode())

    async def reject(self, record: ConsumerRecord[bytes, bytes], exc: DecodeError) -> None:
        """A consumed record nobody can read: dead-lettered with the reason, and counted."""
        metrics.INVALID.labels(exc.reason).inc()
        await self._dead_letters.reject(record, exc.reason, exc.detail)

    async def failed(self, record: ConsumerRecord[bytes, bytes], exc: BaseException) -> None:
        """A record whose work kept failing unexpectedly (`again.py`): dead-lettered with the
        error (`processing_error`), so an operator sees it and its partition moves on."""
        await self._dead_letters.reject(record, "processing_error", repr(exc))

    async def _produce(self, topic: str, value: bytes, key: bytes | None = None) -> None:
        while True:
            try:
                await (await self._producer.send(topic, value, key=key))
                return
            except KafkaError as exc:
                self._broker.ok = False
                log.warning("produce_failed", topic=topic, error=repr(exc))
                await asyncio.sleep(1)
