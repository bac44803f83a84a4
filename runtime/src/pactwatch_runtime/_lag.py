"""Consumer lag of a consumer group, measured from outside the consumer.

Lag per partition = the partition's end offset - the group's committed offset (or - the
partition's first offset when the group has committed nothing there yet: it reads from the
earliest). It is read from the broker, not from the consumer's in-memory position, so it stays
true across rebalances and while the consumer is stuck, which is when it matters. Every replica
reports the whole group's lag; dashboards and alerts take `max by (topic, partition)`.
"""

from __future__ import annotations

from collections.abc import Iterable

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from prometheus_client import Gauge

from ._metrics import StandardMetrics
from ._shutdown import Stop, pause, stopped

log = structlog.get_logger("pactwatch.runtime.lag")


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
    """Keeps `<prefix>_consumer_lag{topic, partition}` current for one group and its topics,
    every `interval` seconds. A failed round is counted (error kind `lag_refresh`) and the
    next round tries again."""

    def __init__(
        self,
        bootstrap: str,
        group_id: str,
        topics: Iterable[str],
        metrics: StandardMetrics,
        *,
        interval: float = 15.0,
    ) -> None:
        if metrics.consumer_lag is None:
            raise ValueError(f"{metrics.prefix} was registered without a consumer lag gauge")
        self.bootstrap = bootstrap
        self.group_id = group_id
        self.topics = list(topics)
        self.interval = interval
        self._gauge: Gauge = metrics.consumer_lag
        self._metrics = metrics

    async def run(self, stop: Stop = None) -> None:
        """Measure until `stop` says so (or the task is cancelled)."""
        client_id = f"{self.group_id}-lag"
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, client_id=client_id)
        offsets = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, client_id=client_id, group_id=None
        )
        started = False
        try:
            while not stopped(stop):
                try:
                    if not started:
                        await admin.start()
                        await offsets.start()
                        started = True
                    await self.refresh(admin, offsets)
                except (KafkaError, OSError, TimeoutError) as exc:
                    self._metrics.errors.inc("lag_refresh")
                    log.warning("lag_refresh_failed", error=repr(exc))
                await pause(self.interval, stop)
        finally:
            await offsets.stop()
            await admin.close()

    async def refresh(self, admin: AIOKafkaAdminClient, offsets: AIOKafkaConsumer) -> None:
        """One measurement: the topics' partitions now, the group's commits, the offsets."""
        partitions = await _partitions(admin, self.topics)
        if not partitions:
            return
        group = await admin.list_consumer_group_offsets(self.group_id, partitions=partitions)
        committed = {tp: meta.offset for tp, meta in group.items()}
        end = await offsets.end_offsets(partitions)
        beginning = await offsets.beginning_offsets(partitions)
        for tp, lag in lag_per_partition(end, committed, beginning).items():
            self._gauge.labels(tp.topic, str(tp.partition)).set(lag)


async def _partitions(admin: AIOKafkaAdminClient, topics: list[str]) -> list[TopicPartition]:
    """The topics' partitions as the broker has them now (raised partition counts included)."""
    found = []
    for described in await admin.describe_topics(topics):
        if described.get("error_code", 0) != 0:
            continue  # not created yet: nothing to lag behind
        for partition in sorted(p["partition"] for p in described.get("partitions", [])):
            found.append(TopicPartition(described["topic"], partition))
    return found
