"""The consume loop: records in, work spawned, offsets committed behind the finished work.

One consumer (one group) reads two topics, without a per-batch barrier:
- events: decode (unreadable → dead letter) → `Deliverer.event`, at once;
- retry records: decode → held until due (`held.py`) → `Deliverer.retry`.

Each record is worked on in its own task; nothing sleeps in the loop. Every
`COMMIT_INTERVAL_SECONDS` each partition is committed up to its first unfinished record
(`offsets.py`). Flow control: past `MAX_IN_FLIGHT` event records, or `MAX_HELD_RETRIES` held
retry records, that topic's partitions are paused. Revoked partitions are handled in one
place, `revoked`, before Kafka hands them to another replica: the work of their records is
cancelled (claims not yet sent are released), the sends under way finish and are recorded
in the ledger, and what is finished is committed. Stopping does the same for every
partition.
"""

from __future__ import annotations

import asyncio
import time
from functools import partial
from typing import TypeAlias

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from pactwatch_runtime import BrokerWatch, bounded
from pactwatch_schemas import DecodeError, Event, NotifierRetry, decode

from .. import metrics
from ..core.config import Settings
from .again import Work, until_done
from .deliver import Deliverer
from .held import HeldRetries
from .ledger import DeliveryLedger
from .offsets import Offsets, PartitionOffsets
from .publish import Publisher

log = structlog.get_logger("pactwatch.notifier")

Record: TypeAlias = ConsumerRecord[bytes, bytes]


class Engine:
    def __init__(
        self,
        settings: Settings,
        consumer: AIOKafkaConsumer,
        deliver: Deliverer,
        ledger: DeliveryLedger,
        publish: Publisher,
        broker: BrokerWatch,
        stop: asyncio.Event,
    ) -> None:
        self._settings = settings
        self._consumer = consumer
        self._deliver = deliver
        self._ledger = ledger
        self._publish = publish
        self._broker = broker
        self._stop = stop
        self._offsets = Offsets()
        self._held = HeldRetries()
        self._tasks: dict[asyncio.Task[None], PartitionOffsets] = {}  # -> its partition
        self._events_in_flight = 0

    async def run(self) -> None:
        """Consume until `stop` is set; then finish (or abandon) the work under way and make
        the final commit."""
        settings = self._settings
        self._consumer.subscribe(
            [settings.events_topic, settings.retry_topic], listener=_Rebalance(self)
        )
        last_commit = time.monotonic()
        try:
            while not self._stop.is_set():
                self._flow_control()
                try:
                    batches = await self._consumer.getmany(
                        timeout_ms=200, max_records=settings.batch_size
                    )
                except KafkaError as exc:
                    self._broker.ok = False
                    log.warning("consume_failed", error=repr(exc))
                    await asyncio.sleep(1)
                    continue
                for tp, records in batches.items():
                    self._take(tp, records)
                if time.monotonic() - last_commit >= settings.commit_interval_seconds:
                    await self._commit()
                    last_commit = time.monotonic()
        finally:
            await self._finish()

    async def revoked(self, tps: set[TopicPartition]) -> None:
        """Before another replica takes these partitions: stop working on them (see the
        module), commit what is finished; the new owner reads the rest again from there."""
        if not tps:
            return
        started = time.monotonic()
        unfinished = await self._abandon(self._offsets.owners(tps))
        await self._commit(only=tps)
        self._offsets.forget(tps)
        log.info(
            "partitions_revoked",
            partitions=_names(tps),
            seconds=round(time.monotonic() - started, 3),
            sends_cut_short=unfinished,
        )

    async def _abandon(self, owners: list[PartitionOffsets] | None) -> int:
        """Cancel the work of these partitions' records (all when None): held retries and
        deliveries not yet sent let go (their claims released); sends under way are waited
        for (at most SHUTDOWN_GRACE_SECONDS) and recorded. How many sends did not finish."""
        grace = self._settings.shutdown_grace_seconds
        tasks = [t for t, o in self._tasks.items() if owners is None or o in owners]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=grace)
        unfinished = await self._deliver.drain(owners, grace)
        await bounded(self._ledger.flush(), grace, "ledger_flush")
        return unfinished

    # -- the steps of one record -------------------------------------------------------------
    def _take(self, tp: TopicPartition, records: list[Record]) -> None:
        offsets = self._offsets.partition(tp)
        retry_topic = tp.topic == self._settings.retry_topic
        for record in records:
            offsets.take(record.offset)
            if retry_topic:
                self._hold(tp, offsets, record)
            else:
                self._events_in_flight += 1
                metrics.IN_FLIGHT.set(self._events_in_flight)
                self._spawn(offsets, record, partial(self._event, record, offsets), counts=True)

    async def _event(self, record: Record, owner: PartitionOffsets) -> None:
        metrics.CONSUMED.inc()
        try:
            event = decode(Event, record.value)
        except DecodeError as exc:
            await self._publish.reject(record, exc)
            return
        await self._deliver.event(event, owner)

    def _hold(self, tp: TopicPartition, offsets: PartitionOffsets, record: Record) -> None:
        try:
            retry = decode(NotifierRetry, record.value)
        except DecodeError as exc:
            self._spawn(offsets, record, partial(self._publish.reject, record, exc))
            return
        due = self._spawn(offsets, record, partial(self._when_due, retry, offsets))
        self._held.hold(due, tp)

    async def _when_due(self, retry: NotifierRetry, owner: PartitionOffsets) -> None:
        await self._held.until_due(retry.not_before)
        await self._deliver.retry(retry, owner)

    def _spawn(
        self, offsets: PartitionOffsets, record: Record, work: Work, *, counts: bool = False
    ) -> asyncio.Task[None]:
        """Work on one record in its own task; the offset is finished when the task is. Work
        that fails unexpectedly is tried again, then dead-lettered (`again.py`)."""
        settings = self._settings
        task = asyncio.create_task(
            until_done(
                work,
                tries=settings.record_tries,
                first_pause=settings.record_retry_pause_seconds,
                give_up=lambda exc: self._publish.failed(record, exc),
                on_failure=lambda exc: metrics.STANDARD.errors.inc("record_failed"),
                what=f"{record.topic}/{record.partition}@{record.offset}",
            )
        )
        self._tasks[task] = offsets
        started = time.perf_counter()

        def finished(t: asyncio.Task[None]) -> None:
            self._tasks.pop(t, None)
            if counts:
                self._events_in_flight -= 1
                metrics.IN_FLIGHT.set(self._events_in_flight)
            if t.cancelled():
                return  # not finished: stays uncommitted, done again after a restart
            exc = t.exception()
            if exc is not None:  # even its dead letter failed: left uncommitted
                log.error("record_lost_until_restart", offset=record.offset, error=repr(exc))
                return
            metrics.STANDARD.processing.observe(time.perf_counter() - started)
            offsets.finish(record.offset)

        task.add_done_callback(finished)
        return task

    # -- flow control and commits ----------------------------------------------------------
    def _flow_control(self) -> None:
        """Pause a topic's partitions while too much of it is being worked on."""
        settings = self._settings
        assigned = self._consumer.assignment()
        for topic, full in (
            (settings.events_topic, self._events_in_flight >= settings.max_in_flight),
            (settings.retry_topic, len(self._held) >= settings.max_held_retries),
        ):
            tps = [tp for tp in assigned if tp.topic == topic]
            if full:
                self._consumer.pause(*tps)
            else:
                self._consumer.resume(*tps)

    async def _commit(self, only: set[TopicPartition] | None = None) -> None:
        offsets = self._offsets.to_commit(only)
        if not offsets:
            return
        try:
            await self._consumer.commit(offsets)
        except KafkaError as exc:
            # The partition moved to another replica: it re-reads from the last commit and
            # the delivery ledger keeps the replay from alerting twice.
            log.warning("commit_failed", error=repr(exc))
            return
        self._offsets.committed(offsets)

    async def _finish(self) -> None:
        grace = self._settings.shutdown_grace_seconds
        unfinished = await self._abandon(None)
        if unfinished:
            log.warning("sends_cut_short_on_stop", deliveries=unfinished)
        # With the broker away, the uncommitted work is simply redone later.
        await bounded(self._commit(), grace, "final_commit")


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self._engine.revoked(set(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        log.info("partitions_assigned", partitions=_names(assigned))


def _names(tps: set[TopicPartition]) -> list[str]:
    return sorted(f"{t.topic}:{t.partition}" for t in tps)
