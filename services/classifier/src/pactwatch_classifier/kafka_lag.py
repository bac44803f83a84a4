"""Consumer lag of the classifier's consumer group, measured from outside the consumer.

Lag per partition = the partition's end offset - the group's committed offset (or the
partition's first offset when the group has committed nothing there yet: it reads from the
earliest). It is read from the broker, not from faust's in-memory positions, so it stays
true across rebalances and while the agent is stuck, which is when it matters. Every
replica reports the whole group's lag; dashboards and alerts take `max by (topic, partition)`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from prometheus_client import Counter, Gauge

log = structlog.get_logger("pactwatch.classifier.lag")


def lag_per_partition(
    end: dict[TopicPartition, int],
    committed: dict[TopicPartition, int],
    beginning: dict[TopicPartition, int],
) -> dict[TopicPartition, int]:
    """Messages the group has still to read, per partition (never negative)."""
    lag = {}
    for tp, end_offset in end.items():
        position = committed.get(tp, -1)
        if position < 0:  # nothing committed: the group starts at the earliest offset
            position = beginning.get(tp, 0)
        lag[tp] = max(0, end_offset - position)
    return lag


class LagWatch:
    """Refreshes a `{topic, partition}` gauge with the group's lag every `interval` seconds."""

    def __init__(
        self,
        bootstrap: str,
        group_id: str,
        topics: Iterable[str],
        gauge: Gauge,
        errors: Counter,
        interval: float = 15.0,
    ) -> None:
        self.bootstrap = bootstrap
        self.group_id = group_id
        self.topics = list(topics)
        self.gauge = gauge
        self.errors = errors
        self.interval = interval

    async def run(self, should_stop: Callable[[], bool]) -> None:
        """Measure until `should_stop()`; a failed round is counted and retried next round."""
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self.bootstrap, client_id=f"{self.group_id}-lag"
        )
        offsets = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, client_id=f"{self.group_id}-lag", group_id=None
        )
        started = False
        try:
            while not should_stop():
                try:
                    if not started:
                        await admin.start()
                        await offsets.start()
                        started = True
                    await self.refresh(admin, offsets)
                except (KafkaError, OSError, TimeoutError) as exc:
                    self.errors.labels("lag_refresh").inc()
                    log.warning("lag_refresh_failed", error=repr(exc))
                await asyncio.sleep(self.interval)
        finally:
            await offsets.stop()
            await admin.close()

    async def refresh(self, admin: AIOKafkaAdminClient, offsets: AIOKafkaConsumer) -> None:
        partitions = await _partitions(admin, self.topics)
        if not partitions:
            return
        group = await admin.list_consumer_group_offsets(self.group_id, partitions=partitions)
        committed = {tp: meta.offset for tp, meta in group.items()}
        end = await offsets.end_offsets(partitions)
        beginning = await offsets.beginning_offsets(partitions)
        for tp, lag in lag_per_partition(end, committed, beginning).items():
            self.gauge.labels(tp.topic, str(tp.partition)).set(lag)


async def _partitions(admin: AIOKafkaAdminClient, topics: list[str]) -> list[TopicPartition]:
    """The topics' partitions as the broker has them now (raised partition counts included)."""
    found = []
    for described in await admin.describe_topics(topics):
        if described.get("error_code", 0) != 0:
            continue  # not created yet: nothing to lag behind
        for partition in sorted(p["partition"] for p in described.get("partitions", [])):
            found.append(TopicPartition(described["topic"], partition))
    return found
