"""The standard Pactwatch metrics the notifier's engine doesn't count itself.

- Consumer lag per partition of the notifier's group (events and retry topics), read from the
  broker every few seconds: end offset - committed offset (or - the first offset when the
  group has committed nothing there; it reads from the earliest). It stays true across
  rebalances and while the engine is stuck, which is when it matters. Every replica reports
  the whole group's lag; dashboards and alerts take `max by (topic, partition)`.
- Messages consumed and produced per topic, counted by the Kafka clients themselves
  (`CountingConsumer`, `CountingProducer`), produced ones on the broker's ack.
- `pactwatch_notifier_errors_total{kind}`: one view over the error counters the engine keeps
  (invalid messages, failed delivery attempts, store errors) plus refused produces and failed
  lag reads; derived at scrape time, so nothing is counted twice in code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from prometheus_client import REGISTRY
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from . import metrics

log = structlog.get_logger("pactwatch.notifier.lag")


class LagSettings(BaseSettings):
    """`PACTWATCH_NOTIFIER_LAG_INTERVAL_SECONDS`: how often the lag is read from the broker."""

    model_config = SettingsConfigDict(env_prefix="PACTWATCH_NOTIFIER_", extra="ignore")

    lag_interval_seconds: float = Field(15.0, gt=0)


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
    """Refreshes `pactwatch_notifier_consumer_lag{topic, partition}` until cancelled."""

    failures = 0

    def __init__(
        self, bootstrap: str, group_id: str, topics: Iterable[str], interval: float
    ) -> None:
        self.bootstrap = bootstrap
        self.group_id = group_id
        self.topics = list(topics)
        self.interval = interval

    async def run(self) -> None:
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self.bootstrap, client_id=f"{self.group_id}-lag"
        )
        offsets = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, client_id=f"{self.group_id}-lag", group_id=None
        )
        started = False
        try:
            while True:
                try:
                    if not started:
                        await admin.start()
                        await offsets.start()
                        started = True
                    await self.refresh(admin, offsets)
                except (KafkaError, OSError, TimeoutError) as exc:
                    LagWatch.failures += 1
                    log.warning("lag_refresh_failed", error=repr(exc))
                await asyncio.sleep(self.interval)
        finally:
            await offsets.stop()
            await admin.close()

    async def refresh(self, admin: AIOKafkaAdminClient, offsets: AIOKafkaConsumer) -> None:
        partitions = []
        for described in await admin.describe_topics(self.topics):
            if described.get("error_code", 0) != 0:
                continue  # not created yet: nothing to lag behind
            for p in sorted(p["partition"] for p in described.get("partitions", [])):
                partitions.append(TopicPartition(described["topic"], p))
        if not partitions:
            return
        group = await admin.list_consumer_group_offsets(self.group_id, partitions=partitions)
        committed = {tp: meta.offset for tp, meta in group.items()}
        end = await offsets.end_offsets(partitions)
        beginning = await offsets.beginning_offsets(partitions)
        for tp, lag in lag_per_partition(end, committed, beginning).items():
            metrics.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(lag)


class CountingConsumer(AIOKafkaConsumer):  # type: ignore[misc]  # aiokafka has no stubs
    """An AIOKafkaConsumer that counts the records it hands out, per topic."""

    async def getmany(self, *partitions: TopicPartition, **kwargs: Any) -> Any:
        batches = await super().getmany(*partitions, **kwargs)
        for tp, records in batches.items():
            metrics.CONSUMED_BY_TOPIC.labels(tp.topic).inc(len(records))
        return batches

    async def getone(self, *partitions: TopicPartition) -> Any:
        record = await super().getone(*partitions)
        metrics.CONSUMED_BY_TOPIC.labels(record.topic).inc()
        return record


class CountingProducer(AIOKafkaProducer):  # type: ignore[misc]  # aiokafka has no stubs
    """An AIOKafkaProducer that counts acknowledged and refused messages per topic."""

    async def send(self, topic: str, *args: Any, **kwargs: Any) -> Any:
        future = await super().send(topic, *args, **kwargs)
        future.add_done_callback(partial(_count, topic))
        return future


def _count(topic: str, future: Any) -> None:
    if future.cancelled():
        return
    if future.exception() is not None:
        ErrorsCollector.produce_failed += 1
    else:
        metrics.PRODUCED.labels(topic).inc()


class ErrorsCollector(Collector):
    """`pactwatch_notifier_errors_total{kind}`: invalid_<reason>, delivery_<result>,
    store_<operation>, produce_failed, lag_refresh."""

    produce_failed = 0

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "pactwatch_notifier_errors",
            "Errors by kind: invalid_<reason>, delivery_<result>, store_<operation>, "
            "produce_failed, lag_refresh.",
            labels=["kind"],
        )
        kinds: dict[str, float] = {
            "produce_failed": float(self.produce_failed),
            "lag_refresh": float(LagWatch.failures),
        }
        for counter, label, prefix, keep in (
            (metrics.INVALID, "reason", "invalid", None),
            (metrics.ATTEMPTS, "result", "delivery", {"retryable", "permanent"}),
            (metrics.STORE_ERRORS, "operation", "store", None),
        ):
            for family_ in counter.collect():
                for sample in family_.samples:
                    value = sample.labels.get(label, "")
                    if not sample.name.endswith("_total") or (keep and value not in keep):
                        continue
                    key = f"{prefix}_{value}"
                    kinds[key] = kinds.get(key, 0.0) + sample.value
        for kind, total in sorted(kinds.items()):
            family.add_metric([kind], total)
        yield family


def start_lag_watch(bootstrap: str, group_id: str, topics: Iterable[str]) -> asyncio.Task[None]:
    """Run the lag watch in the background; cancel the task to stop it."""
    watch = LagWatch(bootstrap, group_id, topics, LagSettings().lag_interval_seconds)
    return asyncio.create_task(watch.run(), name="consumer-lag")


REGISTRY.register(ErrorsCollector())
