"""One delivery, as steps: match the event → for each alert claim it in the delivery ledger
→ attempt it → decide what the result means (`retry.decide`) → make that outcome durable.

The claim (`worker/ledger.py`, shared by every replica) is made within the send's slot,
right before the send: an alert already sent, or an attempt already handed on, is skipped;
an alert another attempt holds is asked for again (the slot let go meanwhile) until that
attempt is over or its replica's lease has run out. Durable before the
record counts as finished: accepted → `sent` in the ledger (still within the worker's
slot, so a replica never has more alerts accepted-but-unrecorded than its slots; the
endpoint's own connection is let go as soon as it has answered, so the ledger's round trip
does not count against the endpoint's concurrency); retryable with
attempts left → a retry record for the next attempt (acked by the broker); otherwise → a
dead letter with the attempt history, and on a 410 (or repeated permanent failures) the
subscription disabled for every replica. Only then is the attempt marked `failed` (handed
on), so a replay of the same record skips it.

Cancelled (its partition revoked, the worker stopping): before the send the claim is
released at once; a send under way is not cut off: it finishes and is recorded
(`drain`), so the partition's next owner finds it `sent`.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import structlog

from pactwatch_schemas import Attempt, Event, NotifierRetry

from .. import metrics
from ..channels import DeliveryError
from ..filters import EventView
from ..retry import RetryPolicy, decide, with_attempt
from ..store import AlertKey, Busy, Digests, Go
from .ledger import DeliveryLedger
from .live import LiveSubscription, LiveSubscriptions
from .publish import Publisher
from .recorder import DeliveryRecorder
from .send import Endpoint, Sender

log = structlog.get_logger("pactwatch.notifier")

#: The retry chain of an event's own deliveries (a replay starts a chain `replay-…`).
FIRST_CHAIN = "first"


@dataclass
class Job:
    """One delivery to work out: a subscription, an event and where in its retries it is."""

    sub: LiveSubscription
    event: Event
    attempt: int = 1
    chain: str = FIRST_CHAIN
    history: list[Attempt] = field(default_factory=list)
    owner: object = None  # the partition (assignment) the record came from, for revocation


class Deliverer:
    def __init__(
        self,
        live: LiveSubscriptions,
        ledger: DeliveryLedger,
        sender: Sender,
        publish: Publisher,
        recorder: DeliveryRecorder,
        digests: Digests,
        policy: RetryPolicy,
    ) -> None:
        self._live = live
        self._ledger = ledger
        self._sender = sender
        self._publish = publish
        self._recorder = recorder
        self._digests = digests
        self._policy = policy
        self._permanent: dict[str, int] = {}  # consecutive permanent failures (the policy's)
        self._rng = random.Random()
        self._sending: dict[asyncio.Future[DeliveryError | None], object] = {}  # -> owner

    async def event(self, event: Event, owner: object = None) -> None:
        """An event from the events topic: its article remembered as a source, and every
        matching active subscription gets attempt 1 now (instant) or a digest item."""
        source = self._ledger.add_source(event.event_id, event.article)
        view = EventView.of(event)
        wanted = [sub for sub in self._live.active if sub.compiled.matches(view)]
        jobs: list[Awaitable[object]] = [
            self.deliver(Job(sub, event, owner=owner)) for sub in wanted if sub.instant
        ]
        later = [sub.id for sub in wanted if not sub.instant]
        for sub in self._live.disabled:
            if sub.compiled.matches(view):
                metrics.DELIVERIES.labels(sub.channel, "skipped_disabled").inc()
        if later:
            jobs.append(self._keep_for_digests(later, event))
        # One job (the usual case) runs in this task: gather would wrap it in a task of its own.
        if len(jobs) == 1:
            await jobs[0]
        elif jobs:
            await asyncio.gather(*jobs)
        await source  # a ledger answer: never an exception, written by now or soon

    async def retry(self, retry: NotifierRetry, owner: object = None) -> None:
        """A retry record that is due: its attempt, unless the subscription is gone."""
        sub = self._live.get(retry.subscription_id)
        if sub is None:
            await self._publish.dead_letter(
                retry.subscription_id,
                retry.event,
                retry.attempts,
                f"subscription {retry.subscription_id!r} is no longer configured",
            )
            return
        await self.deliver(
            Job(sub, retry.event, retry.attempt, retry.chain, list(retry.attempts), owner)
        )

    async def drain(self, owners: Collection[object] | None, within: float) -> int:
        """Wait (at most `within` seconds) for the sends under way of these partitions' records (all
        when None) to be accepted or refused and recorded; how many did not finish."""
        sends = [f for f, o in self._sending.items() if owners is None or o in owners]
        if not sends:
            return 0
        _, pending = await asyncio.wait(sends, timeout=within)
        return len(pending)

    async def deliver(self, job: Job) -> None:
        """Make attempt `job.attempt`, then make its outcome durable (see the module)."""
        event = job.event
        sub = self._live.get(job.sub.id) or job.sub  # its state now, not when the job was made
        if sub.state != "active":
            metrics.DELIVERIES.labels(sub.channel, f"skipped_{sub.state}").inc()
            return
        # Subscribers who want updates get one alert per (event, article); others one per event.
        alert = AlertKey(sub.id, event.event_id, event.article.id if sub.updates else "")
        sending: asyncio.Future[DeliveryError | None] | None = None
        granted = False  # the claim is this delivery's: let it go if cancelled unsent
        try:
            while True:
                error = self._sender.deferral(sub)
                if error is not None:  # not sent at all: no slot needed, only the claim
                    granted = await self._claim(job, alert)
                    if not granted:
                        return
                    break
                # Claimed within the slot, right before the send: no claim waits for a slot.
                async with self._sender.slot(sub) as endpoint:
                    claim = await self._ledger.claim(alert, event.article, job.chain, job.attempt)
                    if isinstance(claim, Go):
                        granted = True
                        sending = asyncio.ensure_future(
                            self._send(job, sub, alert, claim, endpoint)
                        )
                        self._sending[sending] = job.owner
                        sending.add_done_callback(self._sent)
                        error = await asyncio.shield(sending)
                        sending = None
                        break
                if not isinstance(claim, Busy):  # sent already, or this attempt handed on
                    metrics.DUPLICATES.inc()
                    return
                metrics.CLAIMS_WAITED.inc()  # another attempt holds it: ask again soon
                await asyncio.sleep(claim.retry_in)
            if error is not None:
                await self._failed(job, sub, alert, error)
        except asyncio.CancelledError:
            if sending is not None:  # the send goes on: its claim is released if refused
                sending.add_done_callback(lambda f: self._release_unless_sent(f, alert))
            elif granted:
                self._ledger.release(alert)
            raise

    async def _claim(self, job: Job, alert: AlertKey) -> bool:
        """The alert's claim for this attempt, waiting while another attempt holds it."""
        while True:
            claim = await self._ledger.claim(alert, job.event.article, job.chain, job.attempt)
            if not isinstance(claim, Busy):
                if not isinstance(claim, Go):
                    metrics.DUPLICATES.inc()
                return isinstance(claim, Go)
            metrics.CLAIMS_WAITED.inc()
            await asyncio.sleep(claim.retry_in)

    async def _send(
        self, job: Job, sub: LiveSubscription, alert: AlertKey, go: Go, endpoint: Endpoint
    ) -> DeliveryError | None:
        """The send and, when accepted, its record in the ledger (not cancelled midway)."""
        event = job.event
        try:
            error = await self._sender.send(sub, event, go.sources, update=go.update)
        finally:
            endpoint.done()  # the receiver has answered: its connection is free for the next
        if error is not None:
            return error
        await self._ledger.sent(alert, sub.channel)
        self._permanent.pop(sub.id, None)
        self._recorder.add(alert, sub.channel, "delivered", job.attempt)
        metrics.DELIVERIES.labels(sub.channel, "delivered").inc()
        metrics.LATENCY.labels(sub.channel).observe(
            max(0.0, time.time() - event.article.fetched_at.timestamp())
        )
        log.info(
            "delivered",
            subscription=sub.id,
            event_id=event.event_id,
            channel=sub.channel,
            attempt=job.attempt,
            update=go.update,
        )
        return None

    def _sent(self, future: asyncio.Future[DeliveryError | None]) -> None:
        self._sending.pop(future, None)

    def _release_unless_sent(
        self, future: asyncio.Future[DeliveryError | None], alert: AlertKey
    ) -> None:
        if future.cancelled() or future.exception() is not None or future.result() is not None:
            self._ledger.release(alert)

    async def _failed(
        self, job: Job, sub: LiveSubscription, alert: AlertKey, error: DeliveryError
    ) -> None:
        """A refused (or deferred) attempt: decide, make the outcome durable, hand it on."""
        event = job.event
        decision = decide(
            error,
            attempt=job.attempt,
            permanent_failures=self._permanent.get(sub.id, 0),
            policy=self._policy,
            rng=self._rng,
        )
        if decision.permanent_failures:
            self._permanent[sub.id] = decision.permanent_failures
        else:
            self._permanent.pop(sub.id, None)
        now = datetime.now(UTC)
        history = with_attempt(job.history, now, error.detail)
        if decision.outcome == "disabled":
            await self._live.disable(sub, decision.disable_reason or error.detail)
        if decision.outcome == "retry_scheduled":
            assert decision.delay is not None
            await self._publish.retry(
                NotifierRetry(
                    schema_version=1,
                    subscription_id=sub.id,
                    event=event,
                    attempt=job.attempt + 1,
                    not_before=now + timedelta(seconds=decision.delay),
                    chain=job.chain,
                    attempts=history,
                )
            )
        else:
            await self._publish.dead_letter(
                sub.id, event, history, decision.dead_letter or error.detail
            )
        await self._ledger.failed(alert, job.chain, job.attempt, sub.channel)
        self._recorder.add(alert, sub.channel, decision.outcome, job.attempt, error.detail)
        metrics.DELIVERIES.labels(sub.channel, decision.outcome).inc()
        log.info(
            "delivery_failed",
            subscription=sub.id,
            event_id=event.event_id,
            attempt=job.attempt,
            error=error.detail[:300],
            outcome=decision.outcome,
            retry_in=round(decision.delay, 3) if decision.delay is not None else None,
        )

    async def _keep_for_digests(self, sub_ids: list[str], event: Event) -> None:
        """Store the event for each digest subscription (durable before the offset commit)."""

        def add_all() -> int:
            return sum(self._digests.add_item(s, event) for s in sub_ids)

        added = await asyncio.to_thread(add_all)
        metrics.DIGEST_ITEMS.inc(added)
