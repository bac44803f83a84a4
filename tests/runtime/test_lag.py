"""Consumer lag: the arithmetic, and the watch against offsets committed on a real broker."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata
from prometheus_client import CollectorRegistry

from pactwatch_devtools import create_topics
from pactwatch_runtime import LagWatch, lag_per_partition, register_standard_metrics

TP0, TP1, TP2 = (TopicPartition("a", p) for p in range(3))


@pytest.mark.unit
def test_lag_is_end_minus_committed_or_minus_the_first_offset_when_nothing_is_committed() -> None:
    end = {TP0: 10, TP1: 7, TP2: 5}
    committed = {TP0: 4, TP1: -1}  # TP1: group has no offset; TP2: not listed at all
    beginning = {TP0: 0, TP1: 2, TP2: 0}
    assert lag_per_partition(end, committed, beginning) == {TP0: 6, TP1: 5, TP2: 5}


@pytest.mark.unit
def test_lag_is_never_negative() -> None:
    assert lag_per_partition({TP0: 3}, {TP0: 5}, {TP0: 0}) == {TP0: 0}


@pytest.mark.unit
def test_a_watch_needs_a_lag_gauge() -> None:
    metrics = register_standard_metrics(
        "pactwatch_nolag", "1", processing="p", consumer_lag=False, registry=CollectorRegistry()
    )
    with pytest.raises(ValueError, match="consumer lag"):
        LagWatch("127.0.0.1:9092", "g", ["t"], metrics)


@pytest.mark.integration
async def test_lag_watch_reads_the_groups_committed_offsets_from_the_broker(kafka: str) -> None:
    topic, group = f"lag{uuid.uuid4().hex[:8]}", f"g{uuid.uuid4().hex[:8]}"
    registry = CollectorRegistry()
    metrics = register_standard_metrics("lagtest", "1", processing="p", registry=registry)
    await create_topics(kafka, {topic: 2})
    producer = AIOKafkaProducer(bootstrap_servers=kafka)
    await producer.start()
    try:
        for i in range(7):
            await producer.send_and_wait(topic, b"x", partition=0 if i < 5 else 1)
    finally:
        await producer.stop()
    # The group commits offset 2 on partition 0 and nothing on partition 1.
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, 0)])
        await consumer.commit({TopicPartition(topic, 0): OffsetAndMetadata(2, "")})
    finally:
        await consumer.stop()
    watch = LagWatch(kafka, group, [topic], metrics)
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    offsets = AIOKafkaConsumer(bootstrap_servers=kafka, group_id=None)
    await admin.start()
    await offsets.start()
    try:
        await watch.refresh(admin, offsets)
    finally:
        await offsets.stop()
        await admin.close()
    assert (
        registry.get_sample_value("lagtest_consumer_lag", {"topic": topic, "partition": "0"}) == 3
    )
    assert (
        registry.get_sample_value("lagtest_consumer_lag", {"topic": topic, "partition": "1"}) == 2
    )
    assert metrics.errors.value("lag_refresh") == 0


@pytest.mark.integration
async def test_lag_watch_runs_until_stopped_and_counts_a_failed_round() -> None:
    registry = CollectorRegistry()
    metrics = register_standard_metrics("lagdown", "1", processing="p", registry=registry)
    # Nothing listens there: every round fails, is counted, and the next one is tried.
    watch = LagWatch("127.0.0.1:1", "g", ["t"], metrics, interval=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(watch.run(stop))
    for _ in range(200):
        if metrics.errors.value("lag_refresh") >= 2:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert metrics.errors.value("lag_refresh") >= 2
