"""Kafka clients that count their own traffic into the standard metrics.

Counting in the client rather than at each call site means every message is counted, by
whatever module sent or read it, and a produced message only once the broker acknowledged it.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from ._metrics import StandardMetrics


class CountingProducer(AIOKafkaProducer):  # type: ignore[misc]  # aiokafka has no stubs
    """An `AIOKafkaProducer` counting, per topic, the messages the broker acknowledged
    (`<prefix>_messages_produced_total`) and, as error kind `produce_failed`, those it
    refused. Takes the same keyword arguments as `AIOKafkaProducer`."""

    def __init__(self, metrics: StandardMetrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._metrics = metrics

    async def send(self, topic: str, *args: Any, **kwargs: Any) -> Any:
        future = await super().send(topic, *args, **kwargs)
        future.add_done_callback(partial(self._count, topic))
        return future

    def _count(self, topic: str, future: Any) -> None:
        if future.cancelled():
            return
        if future.exception() is not None:
            self._metrics.errors.inc("produce_failed")
        else:
            self._metrics.produced.labels(topic).inc()


class CountingConsumer(AIOKafkaConsumer):  # type: ignore[misc]  # aiokafka has no stubs
    """An `AIOKafkaConsumer` counting the records it hands out, per topic
    (`<prefix>_messages_consumed_total`). Takes the same arguments as `AIOKafkaConsumer`."""

    def __init__(self, metrics: StandardMetrics, *topics: str, **kwargs: Any) -> None:
        super().__init__(*topics, **kwargs)
        self._metrics = metrics

    async def getmany(self, *partitions: TopicPartition, **kwargs: Any) -> Any:
        batches = await super().getmany(*partitions, **kwargs)
        for tp, records in batches.items():
            self._metrics.consumed.labels(tp.topic).inc(len(records))
        return batches

    async def getone(self, *partitions: TopicPartition) -> Any:
        record = await super().getone(*partitions)
        self._metrics.consumed.labels(record.topic).inc()
        return record
