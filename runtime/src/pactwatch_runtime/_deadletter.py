"""Dead letters: a message that cannot be processed is set aside, with its reason, not retried.

A consumer that retried a message it cannot read would stop its partition for good; one that
dropped it would lose it silently. So it goes to the dead-letter topic as a `DeadLetter`
(`schemas/json/dead_letter.v1.json`: the reason, the error, where it came from and the
payload), is counted by reason, and the consumer moves on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

import structlog
from prometheus_client import Counter

from pactwatch_schemas import DeadLetter, DeadLetterReason, Service, dead_letter, encode

log = structlog.get_logger("pactwatch.runtime.dead_letters")

T = TypeVar("T")


class ConsumedRecord(Protocol):
    """What a dead letter needs of a consumed message (aiokafka's `ConsumerRecord` and
    faust's `Message` both have it)."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...


def letter_for(
    record: ConsumedRecord, *, service: Service, reason: DeadLetterReason, detail: str
) -> DeadLetter:
    """The dead letter for a consumed message: its topic, partition, offset, key, payload."""
    return dead_letter(
        service=service,
        reason=reason,
        error=detail,
        source_topic=record.topic,
        payload=record.value,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
    )


class DeadLetterSink(Generic[T]):
    """Sends a service's dead letters and counts them (`<prefix>_dead_letters_total{reason}`,
    see `register_dead_letter_counter`) once the broker holds them.

    `send(key, value)` hands one message to the service's producer for the dead-letter topic
    and returns what the service wants back: the broker's ack future to await with the rest of
    a batch (counted when it resolves), or nothing when it awaits the ack itself (counted on
    return). A letter counted before its ack would let the count run ahead of the topic.
    """

    def __init__(
        self,
        service: Service,
        send: Callable[[bytes | None, bytes], Awaitable[T]],
        *,
        counter: Counter,
    ) -> None:
        self.service: Service = service
        self._send = send
        self._counter = counter

    async def reject(self, record: ConsumedRecord, reason: DeadLetterReason, detail: str) -> T:
        """Dead-letter a consumed message that cannot be processed (keyed like the message)."""
        log.warning(
            "dead_letter",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=reason,
            detail=detail[:300],
        )
        letter = letter_for(record, service=self.service, reason=reason, detail=detail)
        return await self.send(letter, key=record.key)

    async def send(self, letter: DeadLetter, *, key: bytes | None) -> T:
        """Send a dead letter built elsewhere (one with an attempt history, say)."""
        sent = await self._send(key, encode(letter))
        counted = self._counter.labels(letter.reason)
        if isinstance(sent, asyncio.Future):
            sent.add_done_callback(lambda ack: _count_if_acked(ack, counted))
        else:
            counted.inc()
        return sent


def _count_if_acked(ack: asyncio.Future[object], counted: Counter) -> None:
    if not ack.cancelled() and ack.exception() is None:
        counted.inc()
