"""Kafka clients that count their own traffic: acknowledged and refused sends, records read."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from prometheus_client import CollectorRegistry

from pactwatch_devtools import create_topics
from pactwatch_runtime import (
    CountingConsumer,
    CountingProducer,
    StandardMetrics,
    register_standard_metrics,
)


def metrics() -> tuple[StandardMetrics, CollectorRegistry]:
    registry = CollectorRegistry()
    return register_standard_metrics("clients", "1", processing="p", registry=registry), registry


@pytest.mark.unit
async def test_a_refused_send_is_an_error_and_a_cancelled_one_nothing() -> None:
    standard, registry = metrics()
    producer = CountingProducer(standard, bootstrap_servers="127.0.0.1:1")
    loop = asyncio.get_running_loop()
    refused, cancelled = loop.create_future(), loop.create_future()
    refused.set_exception(OSError("broker away"))
    refused.exception()  # retrieved: no "never retrieved" warning
    cancelled.cancel()
    producer._count("t", refused)
    producer._count("t", cancelled)
    assert standard.errors.value("produce_failed") == 1
    assert registry.get_sample_value("clients_messages_produced_total", {"topic": "t"}) is None


@pytest.mark.integration
async def test_acknowledged_messages_and_records_read_are_counted_per_topic(kafka: str) -> None:
    standard, registry = metrics()
    topic, other = (f"counted{uuid.uuid4().hex[:8]}" for _ in range(2))
    await create_topics(kafka, {topic: 1, other: 1})
    producer = CountingProducer(standard, bootstrap_servers=kafka)
    await producer.start()
    try:
        acks = [await producer.send(t, b"x") for t in (topic, topic, other, topic)]
        await asyncio.gather(*acks)
    finally:
        await producer.stop()

    def produced(name: str) -> float | None:
        return registry.get_sample_value("clients_messages_produced_total", {"topic": name})

    assert (produced(topic), produced(other)) == (3, 1)
    consumer = CountingConsumer(
        standard, topic, bootstrap_servers=kafka, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        await consumer.getone()
        read = 1
        while read < 3:
            batches = await consumer.getmany(timeout_ms=1000)
            read += sum(len(records) for records in batches.values())
    finally:
        await consumer.stop()
    assert registry.get_sample_value("clients_messages_consumed_total", {"topic": topic}) == 3
    assert standard.errors.value("produce_failed") == 0
