"""Topics for tests, demo and benches: create them, fill them, read them back whole."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic


async def read_topic(
    bootstrap: str, topic: str, within: float = 30.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record on `topic` from the beginning up to its current end, in no group."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        async with asyncio.timeout(within):
            while not consumer.assignment():
                await asyncio.sleep(0.05)
            tps = sorted(consumer.assignment())
            end = await consumer.end_offsets(tps)
            out: list[ConsumerRecord[bytes, bytes]] = []
            while True:
                positions = [await consumer.position(tp) for tp in tps]
                if all(pos >= end[tp] for pos, tp in zip(positions, tps, strict=True)):
                    return out
                batch = await consumer.getmany(timeout_ms=500)
                out.extend(r for records in batch.values() for r in records)
    finally:
        await consumer.stop()


async def create_topics(bootstrap: str, partitions: dict[str, int]) -> None:
    """Create each topic with its partition count (replication 1: one broker)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, n, 1) for name, n in partitions.items()], timeout_ms=30_000
        )
    finally:
        await admin.close()


async def produce(
    bootstrap: str, topic: str, values: Sequence[bytes], keys: Sequence[bytes] | None = None
) -> None:
    """Publish `values` (with `keys`, if given) and wait until the broker has them all.

    Values up to 4 MB pass, so oversized messages reach the services under test.
    """
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        max_request_size=4_000_000,
        linger_ms=10,
        max_batch_size=256_000,
    )
    await producer.start()
    try:
        futures = [
            await producer.send(topic, value, key=keys[i] if keys is not None else None)
            for i, value in enumerate(values)
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
