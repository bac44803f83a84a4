"""One delivery, as steps: match the event → for each alert ask the delivery log → attempt
it → decide what the result means (`retry.decide`) → make that outcome durable.

Durable before the record counts as finished: accepted → marked in the delivery log;
retryable with attempts left → a retry record for the next attempt (acked by the broker);
otherwise → a dead letter with the attempt history, and on a 410 (or repeated permanent
failures) the subscription disabled for every replica. Only then is the attempt marked as
handed on, so a replay of the same record skips it.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import structlog

from pactwatch_schemas import Attempt, Event, NotifierRetry

from .. import metrics
from ..filters import EventView
from ..retry import RetryPolicy, decide, with_attempt
from ..store import Digests
from .delivery_log import AlertKey, DeliveryLog
from .live import LiveSubscription, LiveSubscriptions
from .publish import Publisher
from .recorder import DeliveryRecorder
from .send import Sender

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


class Deliverer:
    def __init__(
        self,
        live: LiveSubscriptions,
        delivery_log: DeliveryLog,
        sender: Sender,
        publish: Publisher,
        recorder: DeliveryRecorder,
        digests: Digests,
        policy: RetryPolicy,
    ) -> None:
        self._live = live
        self._log = delivery_log
        self._sender = sender
        self._publish = publish
        self._recorder = recorder
        self._digests = digests
        self._policy = policy
        self._permanent: dict[str, int] = {}  # consecutive permanent failures (the policy's)
        self._rng = random.Random()

    async def event(self, event: Event) -> None:
        """An event from the events topic: every matching active subscription gets attempt 1
        now (instant) or a digest item (hourly, daily)."""
        self._log.add_source(event.event_id, event.article)
        view = EventView.of(event)
        wanted = [sub for sub in self._live.active if sub.compiled.matches(view)]
        jobs = [self.deliver(Job(sub, event)) for sub in wanted if sub.instant]
        later = [sub.id for sub in wanted if not sub.instant]
        for sub in self._live.disabled:
            if sub.compiled.matches(view):
                metrics.DELIVERIES.labels(sub.channel, "skipped_disabled").inc()
        if later:
            jobs.append(self._keep_for_digests(later, event))
        if jobs:
            await asyncio.gather(*jobs)

    async def retry(self, retry: NotifierRetry) -> None:
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
        await self.deliver(Job(sub, retry.event, retry.attempt, retry.chain, list(retry.attempts)))

    async def deliver(self, job: Job) -> None:
        """Make attempt `job.attempt`, then make its outcome durable (see the module)."""
        event = job.event
        sub = self._live.get(job.sub.id) or job.sub  # its state now, not when the job was made
        if sub.state != "active":
            metrics.DELIVERIES.labels(sub.channel, f"skipped_{sub.state}").inc()
            return
        # Subscribers who want updates get one alert per (event, article); others one per event.
        alert = AlertKey(sub.id, event.event_id, event.article.id if sub.updates else "")
        go = self._log.begin(alert, job.chain, job.attempt)
        if go is None:  # delivered already, or this attempt's outcome is on its way
            metrics.DUPLICATES.inc()
            return
        sources = self._log.sources(event.event_id, event.article)
        error = await self._sender.attempt(sub, event, sources, update=go.update)
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

        if error is None:
            self._log.mark_delivered(alert, sub.channel)
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
            return

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
        self._log.mark_handed_on(alert, job.chain, job.attempt)
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
