"""The dead-letter topic as the operator sees it: the newest letters (bounded), and a replay
of one of them through the retry topic (the same records `pactwatch-notifier-replay` makes)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from pactwatch_schemas import DeadLetter, DecodeError, Event, decode, encode

from ..replay import retry_record, select


@dataclass(frozen=True)
class StoredLetter:
    partition: int
    offset: int
    letter: DeadLetter

    @property
    def id(self) -> str:
        return f"{self.partition}-{self.offset}"

    @property
    def event(self) -> Event | None:
        """The stored event when the letter is a replayable delivery failure."""
        chosen = select([self.letter])
        return chosen[0][1] if chosen else None


class LetterNotFound(LookupError):
    pass


class NotReplayable(ValueError):
    pass


async def _consumer(bootstrap: str) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        client_id="pactwatch-notifier-api",
        request_timeout_ms=10_000,
    )
    await consumer.start()
    return consumer


def _decode(partition: int, offset: int, value: bytes | None) -> StoredLetter | None:
    if not value:
        return None
    try:
        return StoredLetter(partition, offset, decode(DeadLetter, value))
    except DecodeError:
        return None  # not ours to show: another writer's garbage on the topic


async def newest_letters(bootstrap: str, topic: str, limit: int) -> list[StoredLetter]:
    """At most `limit` letters per partition from the end of each, newest (failed_at) first,
    cut to `limit`. Reads no further than each partition's end at the time of the call."""
    consumer = await _consumer(bootstrap)
    try:
        partitions = consumer.partitions_for_topic(topic)
        if partitions is None:
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not tps:
            return []
        consumer.assign(tps)
        begin = await consumer.beginning_offsets(tps)
        end = await consumer.end_offsets(tps)
        for tp in tps:
            consumer.seek(tp, max(begin[tp], end[tp] - limit))
        letters: list[StoredLetter] = []
        async with asyncio.timeout(20):
            while any([await consumer.position(tp) < end[tp] for tp in tps]):
                batch = await consumer.getmany(timeout_ms=500)
                for tp, records in batch.items():
                    for r in records:
                        if r.offset < end[tp]:
                            found = _decode(tp.partition, r.offset, r.value)
                            if found is not None:
                                letters.append(found)
        letters.sort(key=lambda s: (s.letter.failed_at, s.partition, s.offset), reverse=True)
        return letters[:limit]
    finally:
        await consumer.stop()


async def read_letter(bootstrap: str, topic: str, partition: int, offset: int) -> StoredLetter:
    """The letter at (partition, offset); `LetterNotFound` when there is none."""
    consumer = await _consumer(bootstrap)
    try:
        tp = TopicPartition(topic, partition)
        partitions = consumer.partitions_for_topic(topic)
        if partitions is None:
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic) or set()
        if partition not in partitions:
            raise LetterNotFound(f"no partition {partition}")
        consumer.assign([tp])
        begin = (await consumer.beginning_offsets([tp]))[tp]
        end = (await consumer.end_offsets([tp]))[tp]
        if not begin <= offset < end:
            raise LetterNotFound(f"no letter at {partition}-{offset}")
        consumer.seek(tp, offset)
        async with asyncio.timeout(20):
            record = await consumer.getone(tp)
        found = _decode(partition, record.offset, record.value)
        if found is None or record.offset != offset:
            raise LetterNotFound(f"no readable letter at {partition}-{offset}")
        return found
    finally:
        await consumer.stop()


async def replay_letter(bootstrap: str, retry_topic: str, stored: StoredLetter) -> str:
    """Publish the letter's delivery to the retry topic as attempt 1 of a new chain."""
    event = stored.event
    if event is None or stored.letter.subscription_id is None:
        raise NotReplayable("only notifier delivery failures with an intact event can be replayed")
    chain = f"replay-{uuid.uuid4().hex[:12]}"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        retry = retry_record(stored.letter.subscription_id, event, chain)
        await producer.send_and_wait(retry_topic, encode(retry), key=event.event_id.encode())
    finally:
        await producer.stop()
    return chain
