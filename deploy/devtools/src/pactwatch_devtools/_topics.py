"""Reading a topic whole, to check what services wrote to it."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, ConsumerRecord


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
