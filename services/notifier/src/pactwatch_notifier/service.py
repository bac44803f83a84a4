"""The notifier's engine: events and retry records in, alerts out, offsets committed behind.

One consumer (one group) reads two topics:
- the events topic: each event is matched against the subscriptions and each match gets its
  first attempt right away;
- the retry topic: each record is a delivery waiting for attempt n; it is held (in memory,
  not blocking anything) until its `not_before`, then attempted.

A failed attempt that may succeed later becomes a retry record (awaiting the broker's ack);
the last failure becomes a dead letter with the attempt history. Nothing sleeps in the
consumer loop: records are worked on concurrently and each partition's offset is committed
up to the first record not yet finished, so a crash replays only unfinished work. The
delivery log (SQLite) makes a replay harmless: a pair already delivered, or an attempt
already handed on, is skipped.

Subscriptions come from the subscriptions database (`store.py`): all of them at start, then
what changed every `SUBSCRIPTIONS_REFRESH_SECONDS`. Only `active` ones whose filters match get
anything: instant ones an alert now, digest ones a stored digest item (`digest.py` sends the
digest when its period is due). A 410, or `DISABLE_AFTER_PERMANENT_FAILURES` permanent failures
in a row, disables the subscription in the database, for every replica.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import defaultdict
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import structlog
from aiokafka import (
    AIOKafkaConsumer,
    AIOKafkaProducer,
    ConsumerRebalanceListener,
    ConsumerRecord,
    TopicPartition,
)
from aiokafka.errors import KafkaError

from pactwatch_runtime import BrokerWatch, DeadLetterSink, bounded, finish_or_cancel
from pactwatch_schemas import (
    Attempt,
    DecodeError,
    Event,
    NotifierRetry,
    dead_letter,
    decode,
    encode,
    limits,
)

from . import metrics
from .channels import DeliveryError, EmailSender, WebhookSender, alert_id, build_alert, render_email
from .core.config import Settings
from .delivery_log import DeliveryLog, DeliveryRecorder
from .digest import DigestLoop
from .filters import CompiledFilter, EventView, FilterCache
from .models import EmailChannel, SubscriptionRecord, WebhookChannel
from .retry import next_delay
from .store import Store
from .unsubscribe import manage_url_for, sign_token, unsubscribe_url

log = structlog.get_logger("pactwatch.notifier")

FIRST_CHAIN = "first"
#: Each refresh asks for changes since the previous one minus this much: a change committed
#: late, or stamped by a writer whose clock is a little behind, is not missed.
REFRESH_OVERLAP_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class LiveSubscription:
    """A stored subscription as the workers use it: the record and its compiled filters."""

    record: SubscriptionRecord
    compiled: CompiledFilter

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def channel(self) -> str:
        return self.record.channel.kind

    @property
    def updates(self) -> bool:
        return self.record.updates

    @property
    def state(self) -> str:
        return self.record.state

    @property
    def instant(self) -> bool:
        return self.record.mode == "instant"

    @property
    def webhook(self) -> WebhookChannel | None:
        channel = self.record.channel
        return channel if isinstance(channel, WebhookChannel) else None

    @property
    def email(self) -> str | None:
        channel = self.record.channel
        return channel.address if isinstance(channel, EmailChannel) else None


class _Partition:
    """Offsets of one assigned partition: which records are still being worked on."""

    __slots__ = ("committed", "next_offset", "pending")

    def __init__(self) -> None:
        self.pending: set[int] = set()
        self.next_offset: int | None = None
        self.committed: int | None = None

    def commit_point(self) -> int | None:
        """Everything below this offset is finished."""
        if self.next_offset is None:
            return None
        return min(self.pending) if self.pending else self.next_offset


@dataclass
class _Job:
    """One delivery to work out: a subscription, an event and where in its retries it is."""

    sub: LiveSubscription
    event: Event
    attempt: int = 1
    chain: str = FIRST_CHAIN
    history: list[Attempt] = field(default_factory=list)


def _names(tps: set[TopicPartition]) -> list[str]:
    return sorted(f"{t.topic}:{t.partition}" for t in tps)


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, notifier: Notifier) -> None:
        self.notifier = notifier

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self.notifier.partitions_revoked(set(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        log.info("partitions_assigned", partitions=_names(assigned))


class Notifier:
    def __init__(
        self,
        settings: Settings,
        subscription_store: Store,
        subscriptions: list[SubscriptionRecord],
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
    ) -> None:
        self.settings = settings
        self.subscription_store = subscription_store
        self._filters = FilterCache()
        self._by_id: dict[str, LiveSubscription] = {}
        self._active: list[LiveSubscription] = []
        self._disabled: list[LiveSubscription] = []
        for record in subscriptions:
            self._put(record)
        self._rebuild()
        self._refreshed_at = datetime.now(UTC)
        self.consumer = consumer
        self.producer = producer
        self.store = DeliveryLog(settings.data_dir / "deliveries.sqlite3")
        # /readyz: a consumer's fetch just returns nothing while the broker is away.
        self.broker = BrokerWatch(producer.client, interval=3.0)
        self.dead_letters = DeadLetterSink(
            "notifier",
            lambda key, value: self._produce(settings.dead_letter_topic, value, key=key),
            counter=metrics.DEAD_LETTERS,
        )
        self._stop = asyncio.Event()
        self._slots = asyncio.Semaphore(settings.max_concurrent_deliveries)
        self._sub_slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.max_concurrent_per_subscription)
        )
        self._failing: dict[str, int] = {}  # consecutive failures per subscription
        self._permanent: dict[str, int] = {}  # consecutive permanent failures
        self._tracks: dict[TopicPartition, _Partition] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._sleeping: dict[asyncio.Task[None], TopicPartition] = {}  # held retry records
        self._events_in_flight = 0
        self._rng = random.Random()
        self._http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=settings.max_concurrent_deliveries),
            trust_env=False,  # no proxy from the environment: webhooks go where they say
        )
        self.webhooks = WebhookSender(self._http, settings.webhook_timeout_seconds)
        self.email = EmailSender(
            settings.smtp_host,
            settings.smtp_port,
            username=settings.smtp_username,
            password=(
                settings.smtp_password.get_secret_value() if settings.smtp_password else None
            ),
            tls=settings.smtp_tls,
            timeout=settings.smtp_timeout_seconds,
        )
        self.recorder = DeliveryRecorder(subscription_store.deliveries)
        self.digests = DigestLoop(
            settings, subscription_store.digests, self.email, self._record_of, self._links
        )
        self._background: list[asyncio.Task[None]] = []
        disabled = sorted(s.id for s in self._by_id.values() if s.state == "disabled")
        if disabled:
            log.warning("subscriptions_disabled", subscriptions=disabled)

    # -- subscriptions ---------------------------------------------------------------------
    def _put(self, record: SubscriptionRecord) -> None:
        compiled = self._filters.get(record.id, record.updated_at, record.filters)
        self._by_id[record.id] = LiveSubscription(record, compiled)

    def _rebuild(self) -> None:
        """The list the hot path walks: active subscriptions only."""
        self._active = [s for s in self._by_id.values() if s.state == "active"]
        # Disabled ones are still matched, only to count what they miss (skipped_disabled).
        self._disabled = [s for s in self._by_id.values() if s.state == "disabled"]
        metrics.SUBSCRIPTIONS.set(len(self._by_id))
        metrics.ACTIVE.set(len(self._active))
        metrics.DISABLED.set(sum(1 for s in self._by_id.values() if s.state == "disabled"))

    def _record_of(self, sub_id: str) -> SubscriptionRecord | None:
        live = self._by_id.get(sub_id)
        return live.record if live is not None else None

    async def refresh(self) -> None:
        """Apply what changed in the store since the last refresh (and deletions)."""
        started = datetime.now(UTC)
        since = self._refreshed_at - timedelta(seconds=REFRESH_OVERLAP_SECONDS)
        store = self.subscription_store
        changed = await asyncio.to_thread(store.subscriptions.changed_since, since)
        deleted = await asyncio.to_thread(store.subscriptions.deleted_since, since)
        fresh = {r.id for r in changed}
        for sub_id in deleted:
            if sub_id not in fresh and self._by_id.pop(sub_id, None) is not None:
                self._filters.forget(sub_id)
                log.info("subscription_removed", subscription=sub_id)
        for record in changed:
            old = self._by_id.get(record.id)
            if old is None or old.record.updated_at != record.updated_at:
                self._put(record)
                log.info("subscription_loaded", subscription=record.id, state=record.state)
        self._refreshed_at = started
        self._rebuild()

    async def _refresh_loop(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._stop.wait(), self.settings.subscriptions_refresh_seconds
                )
            if self._stop.is_set():
                return
            try:
                await self.refresh()
            except Exception as exc:  # the database is away: keep the last known set
                metrics.STORE_ERRORS.labels("refresh").inc()
                log.warning("subscriptions_refresh_failed", error=repr(exc))

    async def _disable(self, sub: LiveSubscription, reason: str) -> None:
        """Switch the subscription off in the store (for every replica) and here."""
        try:
            record = await asyncio.to_thread(
                self.subscription_store.subscriptions.set_state, sub.id, "disabled", reason
            )
        except Exception as exc:
            metrics.STORE_ERRORS.labels("disable").inc()
            log.warning("subscription_disable_failed", subscription=sub.id, error=repr(exc))
            record = sub.record.model_copy(update={"state": "disabled", "state_reason": reason})
        if record is not None:
            self._put(record)
        self._rebuild()
        metrics.DISABLED_TOTAL.inc()
        log.warning("subscription_disabled", subscription=sub.id, reason=reason)

    def subscribe(self) -> None:
        self.consumer.subscribe(
            [self.settings.events_topic, self.settings.retry_topic], listener=_Rebalance(self)
        )

    def stop(self) -> None:
        self._stop.set()

    # -- the loop --------------------------------------------------------------------------
    async def run(self) -> None:
        """Consume until `stop()`; then finish (or abandon) the work under way and commit."""
        last_commit = time.monotonic()
        self._background = [
            asyncio.create_task(self._refresh_loop()),
            asyncio.create_task(self.recorder.run(self._stop)),
            asyncio.create_task(self.digests.run(self._stop)),
            asyncio.create_task(self.broker.run(self._stop)),
        ]
        try:
            while not self._stop.is_set():
                self._flow_control()
                try:
                    batches = await self.consumer.getmany(
                        timeout_ms=200, max_records=self.settings.batch_size
                    )
                except KafkaError as exc:
                    self.broker.ok = False
                    log.warning("consume_failed", error=repr(exc))
                    await asyncio.sleep(1)
                    continue
                for tp, records in batches.items():
                    self._take(tp, records)
                if time.monotonic() - last_commit >= self.settings.commit_interval_seconds:
                    await self._commit()
                    last_commit = time.monotonic()
        finally:
            await self._shutdown()

    def _take(self, tp: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        track = self._tracks.get(tp)
        if track is None:
            track = self._tracks[tp] = _Partition()
        retry_topic = tp.topic == self.settings.retry_topic
        for record in records:
            track.pending.add(record.offset)
            track.next_offset = record.offset + 1
            if retry_topic:
                self._hold_retry(tp, track, record)
            else:
                self._events_in_flight += 1
                metrics.IN_FLIGHT.set(self._events_in_flight)
                self._spawn(track, record.offset, self._handle_event(record), counts=True)

    def _spawn(
        self,
        track: _Partition,
        offset: int,
        work: Coroutine[Any, Any, None],
        *,
        counts: bool = False,
    ) -> asyncio.Task[None]:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        started = time.perf_counter()

        def finished(t: asyncio.Task[None]) -> None:
            self._tasks.discard(t)
            if counts:
                self._events_in_flight -= 1
                metrics.IN_FLIGHT.set(self._events_in_flight)
            if t.cancelled():
                return  # not finished: stays uncommitted, done again after a restart
            exc = t.exception()
            if exc is not None:
                log.error("record_failed", offset=offset, error=repr(exc), exc_info=exc)
                return  # likewise left uncommitted
            metrics.STANDARD.processing.observe(time.perf_counter() - started)
            track.pending.discard(offset)

        task.add_done_callback(finished)
        return task

    def _flow_control(self) -> None:
        """Pause a topic's partitions while too much of it is being worked on."""
        assigned = self.consumer.assignment()
        for topic, full in (
            (self.settings.events_topic, self._events_in_flight >= self.settings.max_in_flight),
            (self.settings.retry_topic, len(self._sleeping) >= self.settings.max_held_retries),
        ):
            tps = [tp for tp in assigned if tp.topic == topic]
            if full:
                self.consumer.pause(*tps)
            else:
                self.consumer.resume(*tps)

    async def _commit(self, only: set[TopicPartition] | None = None) -> None:
        offsets: dict[TopicPartition, int] = {}
        for tp, track in self._tracks.items():
            if only is not None and tp not in only:
                continue
            point = track.commit_point()
            if point is not None and point != track.committed:
                offsets[tp] = point
        if not offsets:
            return
        try:
            await self.consumer.commit(offsets)
        except KafkaError as exc:
            # The partition moved to another replica: it re-reads from the last commit and
            # its delivery log / the webhook-id keep the replay from alerting twice.
            log.warning("commit_failed", error=repr(exc))
            return
        for tp, offset in offsets.items():
            if tp in self._tracks:
                self._tracks[tp].committed = offset

    async def partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        """Before another replica takes these partitions: commit what is finished and drop the
        held retry records (the new owner reads them again from the committed offset)."""
        await self._commit(only=revoked)
        for task, tp in list(self._sleeping.items()):
            if tp in revoked:
                task.cancel()
        for tp in revoked:
            self._tracks.pop(tp, None)
        if revoked:
            log.info("partitions_revoked", partitions=_names(revoked))

    async def _shutdown(self) -> None:
        grace = self.settings.shutdown_grace_seconds
        for task in list(self._sleeping):
            task.cancel()
        abandoned = await finish_or_cancel(self._tasks, grace)
        if abandoned:
            log.warning("abandoned_on_stop", deliveries=len(abandoned))
        # With the broker away, the uncommitted work is simply redone later.
        await bounded(self._commit(), grace, "final_commit")
        self._stop.set()
        await finish_or_cancel(self._background, grace)
        await self.recorder.flush()
        await self._http.close()
        self.store.close()

    # -- events and retry records ----------------------------------------------------------
    async def _handle_event(self, record: ConsumerRecord[bytes, bytes]) -> None:
        metrics.CONSUMED.inc()
        try:
            event = decode(Event, record.value)
        except DecodeError as exc:
            await self._dead_letter_record(record, exc)
            return
        self.store.add_source(event.event_id, event.article)
        view = EventView.of(event)
        wanted = [sub for sub in self._active if sub.compiled.matches(view)]
        jobs = [self.deliver(_Job(sub, event)) for sub in wanted if sub.instant]
        later = [sub.id for sub in wanted if not sub.instant]
        for sub in self._disabled:
            if sub.compiled.matches(view):
                metrics.DELIVERIES.labels(sub.channel, "skipped_disabled").inc()
        if later:
            jobs.append(self._keep_for_digests(later, event))
        if jobs:
            await asyncio.gather(*jobs)

    async def _keep_for_digests(self, sub_ids: list[str], event: Event) -> None:
        """Store the event for each digest subscription (durable before the offset commit)."""

        def add_all() -> int:
            return sum(self.subscription_store.digests.add_item(s, event) for s in sub_ids)

        added = await asyncio.to_thread(add_all)
        metrics.DIGEST_ITEMS.inc(added)

    def _hold_retry(
        self, tp: TopicPartition, track: _Partition, record: ConsumerRecord[bytes, bytes]
    ) -> None:
        try:
            retry = decode(NotifierRetry, record.value)
        except DecodeError as exc:
            self._spawn(track, record.offset, self._dead_letter_record(record, exc))
            return
        delay = (retry.not_before - datetime.now(UTC)).total_seconds()
        task = self._spawn(track, record.offset, self._retry_when_due(retry, delay))
        self._sleeping[task] = tp
        metrics.RETRY_QUEUE.set(len(self._sleeping))

    async def _retry_when_due(self, retry: NotifierRetry, delay: float) -> None:
        task = asyncio.current_task()
        try:
            if delay > 0:
                await asyncio.sleep(delay)
        finally:
            self._sleeping.pop(task, None)  # type: ignore[arg-type]
            metrics.RETRY_QUEUE.set(len(self._sleeping))
        sub = self._by_id.get(retry.subscription_id)
        if sub is None:
            await self._dead_letter_delivery(
                retry.subscription_id,
                retry.event,
                list(retry.attempts),
                f"subscription {retry.subscription_id!r} is no longer configured",
            )
            return
        await self.deliver(_Job(sub, retry.event, retry.attempt, retry.chain, list(retry.attempts)))

    # -- one delivery ----------------------------------------------------------------------
    async def deliver(self, job: _Job) -> None:
        """Make attempt `job.attempt`; then record the delivery, or schedule the next attempt,
        or dead-letter it. Returns once the outcome is durable (logged / acked by Kafka)."""
        event, event_id = job.event, job.event.event_id
        sub = self._by_id.get(job.sub.id, job.sub)  # its state now, not when the job was made
        if sub.state != "active":
            metrics.DELIVERIES.labels(sub.channel, f"skipped_{sub.state}").inc()
            return
        # Subscribers who want updates get one alert per (event, article); others one per event.
        article_key = event.article.id if sub.updates else ""
        if self.store.delivered(sub.id, event_id, article_key):
            metrics.DUPLICATES.inc()
            return
        if job.attempt <= self.store.handed_on(sub.id, event_id, article_key, job.chain):
            metrics.DUPLICATES.inc()  # a replayed record: this attempt's outcome is on its way
            return
        update = sub.updates and self.store.delivered_any(sub.id, event_id)

        error = await self._attempt(sub, event, update)
        if error is None:
            self.store.record(sub.id, event_id, sub.channel, article_key)
            self.recorder.add(sub.id, event_id, article_key, sub.channel, "delivered", job.attempt)
            self._failing.pop(sub.id, None)
            self._permanent.pop(sub.id, None)
            metrics.DELIVERIES.labels(sub.channel, "delivered").inc()
            metrics.LATENCY.labels(sub.channel).observe(
                max(0.0, time.time() - event.article.fetched_at.timestamp())
            )
            log.info(
                "delivered",
                subscription=sub.id,
                event_id=event_id,
                channel=sub.channel,
                attempt=job.attempt,
                update=update,
            )
            return

        self._failing[sub.id] = self._failing.get(sub.id, 0) + 1
        now = datetime.now(UTC)
        tried = Attempt(at=now, outcome=error.detail[: limits.MAX_ATTEMPT_OUTCOME_CHARS])
        history = [*job.history, tried][-limits.MAX_RETRY_ATTEMPTS :]
        delay = (
            next_delay(
                job.attempt,
                self.settings.retry_schedule_seconds,
                jitter=self.settings.retry_jitter,
                retry_after=error.retry_after,
                retry_after_max=self.settings.retry_after_max_seconds,
                rng=self._rng,
            )
            if error.retryable and not error.disable
            else None
        )
        if not error.retryable:
            self._permanent[sub.id] = self._permanent.get(sub.id, 0) + 1
        repeated = self._permanent.get(sub.id, 0) >= self.settings.disable_after_permanent_failures
        if error.disable or repeated:
            reason = (
                error.detail
                if error.disable
                else f"{self._permanent[sub.id]} permanent failures in a row, last: {error.detail}"
            )
            self._permanent.pop(sub.id, None)
            await self._disable(sub, reason[:500])
            await self._dead_letter_delivery(
                sub.id, event, history, f"{error.detail}: subscription disabled"
            )
            outcome = "disabled"
        elif delay is not None:
            retry = NotifierRetry(
                schema_version=1,
                subscription_id=sub.id,
                event=event,
                attempt=job.attempt + 1,
                not_before=now + timedelta(seconds=delay),
                chain=job.chain,
                attempts=history,
            )
            await self._produce(self.settings.retry_topic, encode(retry), key=event_id.encode())
            metrics.RETRIES_PUBLISHED.inc()
            outcome = "retry_scheduled"
        else:
            await self._dead_letter_delivery(sub.id, event, history, error.detail)
            outcome = "dead_lettered"
        self.store.hand_on(sub.id, event_id, article_key, job.chain, job.attempt)
        self.recorder.add(
            sub.id, event_id, article_key, sub.channel, outcome, job.attempt, error.detail
        )
        metrics.DELIVERIES.labels(sub.channel, outcome).inc()
        log.info(
            "delivery_failed",
            subscription=sub.id,
            event_id=event_id,
            attempt=job.attempt,
            error=error.detail[:300],
            outcome=outcome,
            retry_in=round(delay, 3) if delay is not None else None,
        )

    async def _attempt(
        self, sub: LiveSubscription, event: Event, update: bool
    ) -> DeliveryError | None:
        """One try; None when the receiver accepted."""
        sub_slots = self._sub_slots[sub.id]
        if self._failing.get(sub.id) and sub_slots.locked():
            # A failing endpoint that already has all its connections busy (a black hole
            # timing out) is not waited for: the delivery goes to the retry path at once, so
            # it holds up neither the partition's commits nor other subscribers.
            metrics.ATTEMPTS.labels(sub.channel, "deferred").inc()
            return DeliveryError(
                "not attempted: endpoint failing and all its connections busy", retryable=True
            )
        async with sub_slots, self._slots:
            try:
                await self._send(sub, event, update)
            except DeliveryError as exc:
                result = "retryable" if exc.retryable else "permanent"
                metrics.ATTEMPTS.labels(sub.channel, result).inc()
                return exc
        metrics.ATTEMPTS.labels(sub.channel, "accepted").inc()
        return None

    async def _send(self, sub: LiveSubscription, event: Event, update: bool) -> None:
        sources = self.store.sources(event.event_id, event.article)
        if sub.webhook is not None:
            alert = build_alert(
                sub.id,
                event,
                sources=sources,
                update=update,
                max_bytes=self.settings.alert_max_bytes,
            )
            await self.webhooks.send(str(sub.webhook.url), sub.webhook.secrets, alert)
            return
        assert sub.email is not None
        message = render_email(
            sender=self.settings.mail_from,
            to=sub.email,
            message_id=alert_id(sub.id, event.event_id, event.article.id if update else None),
            event=event,
            sources=sources,
            update=update,
            list_id=f"Pactwatch alerts {sub.id} <{sub.id}.{self.settings.list_id_domain}>",
            unsubscribe_url=self._unsubscribe_url(sub.id, sub.email),
        )
        await self.email.send(message)

    def _links(self, record: SubscriptionRecord) -> tuple[str | None, str | None]:
        """(unsubscribe URL, manage URL) for a digest email."""
        address = record.channel.address if isinstance(record.channel, EmailChannel) else None
        url = self._unsubscribe_url(record.id, address)
        return url, manage_url_for(url) if url is not None else None

    def _unsubscribe_url(self, sub_id: str, address: str | None) -> str | None:
        base, secrets = self.settings.public_base_url, self.settings.unsubscribe_secrets
        if base is None or not secrets or address is None:
            return None
        token = sign_token(secrets[0].get_secret_value(), sub_id, address)
        return unsubscribe_url(str(base), token)

    # -- Kafka output ----------------------------------------------------------------------
    async def _produce(self, topic: str, value: bytes, key: bytes | None = None) -> None:
        """Send and wait for the broker's ack (before the offset commit), retrying while the
        broker is away: a delivery's outcome is never dropped."""
        while True:
            try:
                await (await self.producer.send(topic, value, key=key))
                return
            except KafkaError as exc:
                self.broker.ok = False
                log.warning("produce_failed", topic=topic, error=repr(exc))
                await asyncio.sleep(1)

    async def _dead_letter_delivery(
        self, subscription_id: str, event: Event, history: list[Attempt], error: str
    ) -> None:
        letter = dead_letter(
            service="notifier",
            reason="delivery_failed",
            error=error,
            source_topic=self.settings.events_topic,
            payload=encode(event),
            key=event.event_id.encode(),
            subscription_id=subscription_id,
        ).model_copy(update={"attempts": history})
        await self.dead_letters.send(letter, key=event.event_id.encode())

    async def _dead_letter_record(
        self, record: ConsumerRecord[bytes, bytes], exc: DecodeError
    ) -> None:
        metrics.INVALID.labels(exc.reason).inc()
        await self.dead_letters.reject(record, exc.reason, exc.detail)
