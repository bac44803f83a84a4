"""The crawler replica as a member of the consumer group on the sources topic.

The group hands this replica some partitions of the sources topic; it polls exactly the
sources of those partitions (`shard.py` says which source is in which).

- On assignment: the partitions' state records are read to their end (`shard.load_states`)
  and each source's watch starts from its stored schedule (`watch.py`).
- On revocation: those watches stop, and the listener returns only once none of them is
  mid-poll and each last state record is acked; only then does the group hand the
  partitions to another member, so no source is fetched by two replicas at once.

`run` also keeps the helpers going: the seen topic's tail, the broker check behind
`/readyz` and the near-duplicate window's pruning.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from functools import partial

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from pactwatch_runtime import BrokerWatch, bounded

from . import metrics
from .core.config import Settings
from .fetch import Fetcher
from .neardup import NearDuplicateIndex
from .poll import Poller
from .seen import SeenLog
from .shard import Assignments, by_partition, load_states, save_state
from .sources import Source
from .state import SourceState
from .watch import Watches

log = structlog.get_logger("pactwatch.crawler")


class Crawler:
    """Joins the group, polls the sources of the partitions it assigns until `stop()`."""

    def __init__(
        self,
        settings: Settings,
        sources: Sequence[Source],
        producer: AIOKafkaProducer,
        fetcher: Fetcher,
        seen: SeenLog,
        near_duplicates: NearDuplicateIndex,
        partitions: int,
    ) -> None:
        self.settings = settings
        self.producer = producer
        self.seen = seen
        self.near_duplicates = near_duplicates
        self._by_partition = by_partition(sources, partitions)
        self._poller = Poller(settings, fetcher, seen, near_duplicates, producer)
        save = partial(save_state, producer, settings.sources_topic, partitions=partitions)
        self._watches = Watches(settings, self._poller, save)
        self._assigned: set[int] = set()
        self._consumer: AIOKafkaConsumer | None = None
        self._broker: BrokerWatch | None = None
        self._stop = asyncio.Event()
        metrics.start_series([s.id for s in sources])

    def stop(self) -> None:
        self._stop.set()

    @property
    def broker_ok(self) -> bool:
        """Whether the broker answered the last check (for `/readyz`)."""
        return self._broker is not None and self._broker.ok

    async def run(self) -> None:
        """Join the group, poll the sources of the partitions it assigns until `stop()`;
        then finish in-flight polls (saving their state) before leaving the group."""
        s = self.settings
        session_ms = int(s.session_timeout_seconds * 1000)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=s.kafka_bootstrap,
            group_id=s.group_id,
            client_id="pactwatch-crawler",
            enable_auto_commit=False,  # nothing to commit: state lives in the records
            auto_offset_reset="latest",
            session_timeout_ms=session_ms,
            heartbeat_interval_ms=max(1000, session_ms // 4),
        )
        self._consumer = consumer
        consumer.subscribe([s.sources_topic], listener=Assignments(self._assign, self._revoke))
        await consumer.start()
        self._broker = BrokerWatch(self.producer.client)
        helpers = [
            asyncio.create_task(self.seen.run(self._stop), name="seen-tail"),
            asyncio.create_task(self._broker.run(self._stop), name="broker-check"),
            asyncio.create_task(self._prune_near_duplicates(), name="near-dup-prune"),
        ]
        try:
            while not self._stop.is_set():
                # Drives heartbeats and rebalances; the partitions are paused, so no records.
                try:
                    await consumer.getmany(timeout_ms=500)
                except KafkaError as exc:
                    log.warning("group_poll_failed", error=repr(exc))
                    await asyncio.sleep(1)
        finally:
            grace = s.shutdown_grace_seconds
            await self._watches.stop(self._watches.ids(), grace=grace)
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            # Leaves the group, so the others take over at once; bounded, since a broker
            # that is away would otherwise hold the shutdown.
            await bounded(consumer.stop(), grace, "group_leave")
            self._poller.close()

    async def _assign(self, partitions: set[int]) -> None:
        """Load the state of the sources in `partitions` and start polling them."""
        metrics.REBALANCES.inc()
        if self._consumer is not None:
            self._consumer.pause(
                *(TopicPartition(self.settings.sources_topic, p) for p in partitions)
            )
        states = await self._load_states(partitions)
        self._assigned = set(partitions)
        now = time.time()
        for partition in sorted(partitions):
            for source in self._by_partition.get(partition, []):
                if source.id not in self._watches:
                    self._watches.start(source, states.get(source.id), now)
        metrics.PARTITIONS.set(len(self._assigned))
        log.info(
            "partitions_assigned",
            partitions=sorted(partitions),
            sources=len(self._watches),
            states_loaded=len(states),
        )

    async def _load_states(self, partitions: set[int]) -> dict[str, SourceState]:
        """The stored states of `partitions`; after repeated broker errors, none (the sources
        then start afresh: polled early once, but still by this replica alone)."""
        for attempt in range(1, 6):
            try:
                return await load_states(
                    self.settings.kafka_bootstrap, self.settings.sources_topic, partitions
                )
            except (KafkaError, OSError) as exc:
                log.warning("state_load_failed", error=repr(exc), attempt=attempt)
                await asyncio.sleep(attempt)
        log.error("state_load_gave_up", partitions=sorted(partitions))
        return {}

    async def _revoke(self, partitions: set[int]) -> None:
        """Stop the sources of `partitions`; return only when none of them is mid-poll."""
        ids = {s.id for p in partitions for s in self._by_partition.get(p, [])}
        await self._watches.stop(ids & self._watches.ids())
        self._assigned -= partitions
        metrics.PARTITIONS.set(len(self._assigned))
        log.info("partitions_revoked", partitions=sorted(partitions), sources=len(ids))

    async def _prune_near_duplicates(self) -> None:
        """Drop fingerprints older than the window, hourly."""
        window = self.settings.near_duplicate_window_days * 86400
        while not self._stop.is_set():
            self.near_duplicates.prune(time.time() - window)
            metrics.NEAR_DUP_INDEX.set(len(self.near_duplicates))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=3600)
