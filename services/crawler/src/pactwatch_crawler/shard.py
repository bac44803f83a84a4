"""Which replica polls which source: Kafka partitions of the sources topic decide.

A source belongs to partition murmur2(source id) % partitions, the partition Kafka's default
partitioner gives its state records. Every replica is a member of one consumer group on the
sources topic; the group coordinator hands each member some partitions, and a member polls
exactly the sources of its partitions. When a member dies its partitions (and so its
sources) move to the others after the session timeout; their state, read from the topic,
lets the new owner continue the schedule.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.partitioner import murmur2

from .sources import Source
from .state import SourceState

log = structlog.get_logger("pactwatch.crawler.shard")

# Compaction keeps the newest record per key; small segments let the cleaner run soon,
# so a replica taking partitions over reads little.
COMPACTED = {
    "cleanup.policy": "compact",
    "segment.ms": str(15 * 60 * 1000),
    "min.cleanable.dirty.ratio": "0.1",
}


def partition_for(source_id: str, partitions: int) -> int:
    """The partition of `source_id`, exactly as Kafka's default partitioner computes it."""
    hashed: int = murmur2(source_id.encode())
    return (hashed & 0x7FFFFFFF) % partitions


def by_partition(sources: Sequence[Source], partitions: int) -> dict[int, list[Source]]:
    """The sources of each partition (partitions without a source are left out)."""
    grouped: dict[int, list[Source]] = {}
    for source in sources:
        grouped.setdefault(partition_for(source.id, partitions), []).append(source)
    return grouped


async def ensure_topics(bootstrap: str, topics: dict[str, int]) -> dict[str, int]:
    """Create the compacted crawler topics that are missing (deploy/kafka creates them up
    front; this covers brokers set up by hand and tests). Returns each topic's real
    partition count, which may differ from the wanted one on an existing topic."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="pactwatch-crawler")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, n, 1, topic_configs=COMPACTED)
            for name, n in topics.items()
            if name not in existing
        ]
        if missing:
            try:
                await admin.create_topics(missing, timeout_ms=30_000)
                log.info("topics_created", topics=[t.name for t in missing])
            except TopicAlreadyExistsError:
                pass  # another replica was first
        counts: dict[str, int] = {}
        for _ in range(50):  # a new topic's metadata takes a moment to appear
            described = await admin.describe_topics(list(topics))
            counts = {
                t["topic"]: len(t["partitions"])
                for t in described
                if t.get("error_code", 0) == 0 and t.get("partitions")
            }
            if len(counts) == len(topics):
                return counts
            await asyncio.sleep(0.2)
        raise RuntimeError(f"topics not ready: {sorted(set(topics) - set(counts))}")
    finally:
        await admin.close()


async def load_states(
    bootstrap: str, topic: str, partitions: Iterable[int]
) -> dict[str, SourceState]:
    """The newest state of each source in `partitions`, read from the beginning to the end
    offsets of this moment (no group: this is a one-off read)."""
    tps = [TopicPartition(topic, p) for p in sorted(partitions)]
    if not tps:
        return {}
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        client_id="pactwatch-crawler-state",
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        states: dict[str, SourceState] = {}
        while True:
            positions = {tp: await consumer.position(tp) for tp in tps}
            if all(positions[tp] >= end[tp] for tp in tps):
                return states
            batch = await consumer.getmany(timeout_ms=500, max_records=10_000)
            for messages in batch.values():
                for message in messages:
                    if message.key is None:
                        continue
                    if message.value is None:  # tombstone: the source was forgotten
                        states.pop(message.key.decode("utf-8", "replace"), None)
                        continue
                    state = SourceState.decode(message.value)
                    if state is not None:
                        states[state.source_id] = state
    finally:
        await consumer.stop()


async def save_state(
    producer: AIOKafkaProducer, topic: str, state: SourceState, *, partitions: int
) -> None:
    """Write `state` to its source's partition and wait for the broker's ack: a replica
    taking the source over reads it (revocation waits for this write)."""
    future = await producer.send(
        topic,
        state.encode(),
        key=state.source_id.encode(),
        partition=partition_for(state.source_id, partitions),
    )
    await future


class Assignments(ConsumerRebalanceListener):  # type: ignore[misc]
    """Relays the group's decisions; `revoked` must return only once the sources of those
    partitions are no longer being polled, so no source is fetched by two replicas."""

    def __init__(
        self,
        assigned: Callable[[set[int]], Awaitable[None]],
        revoked: Callable[[set[int]], Awaitable[None]],
    ) -> None:
        self._assigned = assigned
        self._revoked = revoked

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self._revoked({tp.partition for tp in revoked})

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        await self._assigned({tp.partition for tp in assigned})
