"""The live subscriptions: what this worker matches events against, kept in step with the
store without putting the database on the hot path.

All of them at start, then every `SUBSCRIPTIONS_REFRESH_SECONDS` what changed (and what was
deleted) since the previous refresh, asked for with an overlap so that a change committed
late, or stamped by a writer whose clock is a little behind, is not missed. Each
subscription's filters are compiled once per version (`FilterCache`). A subscription this
worker disables (410, repeated permanent failures) is switched off in the store, so every
replica stops, and here at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog

from .. import metrics
from ..filters import CompiledFilter, FilterCache
from ..models import EmailChannel, SubscriptionRecord, WebhookChannel
from ..store import Subscriptions

log = structlog.get_logger("pactwatch.notifier")

#: Each refresh asks for changes since the previous one minus this much.
REFRESH_OVERLAP_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class LiveSubscription:
    """A stored subscription as the worker holds it: the record and its compiled filters."""

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


class LiveSubscriptions:
    """Every known subscription by id, and the lists the hot path walks: `active` (they get
    alerts) and `disabled` (matched only to count what they miss, `skipped_disabled`)."""

    def __init__(
        self,
        store: Subscriptions,
        records: Iterable[SubscriptionRecord],
        *,
        refresh_seconds: float,
    ) -> None:
        self._store = store
        self._refresh_seconds = refresh_seconds
        self._filters = FilterCache()
        self._by_id: dict[str, LiveSubscription] = {}
        self.active: list[LiveSubscription] = []
        self.disabled: list[LiveSubscription] = []
        for record in records:
            self._put(record)
        self._rebuild()
        self._refreshed_at = datetime.now(UTC)
        if self.disabled:
            log.warning("subscriptions_disabled", subscriptions=sorted(s.id for s in self.disabled))

    def get(self, sub_id: str) -> LiveSubscription | None:
        return self._by_id.get(sub_id)

    def record_of(self, sub_id: str) -> SubscriptionRecord | None:
        live = self._by_id.get(sub_id)
        return live.record if live is not None else None

    async def refresh(self) -> None:
        """Apply what changed in the store since the last refresh (and deletions)."""
        started = datetime.now(UTC)
        since = self._refreshed_at - timedelta(seconds=REFRESH_OVERLAP_SECONDS)
        changed = await asyncio.to_thread(self._store.changed_since, since)
        deleted = await asyncio.to_thread(self._store.deleted_since, since)
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

    async def run(self, stop: asyncio.Event) -> None:
        """Refresh every `refresh_seconds` until `stop`; the database away keeps the last set."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._refresh_seconds)
            if stop.is_set():
                return
            try:
                await self.refresh()
            except Exception as exc:
                metrics.STORE_ERRORS.labels("refresh").inc()
                log.warning("subscriptions_refresh_failed", error=repr(exc))

    async def disable(self, sub: LiveSubscription, reason: str) -> None:
        """Switch the subscription off in the store (for every replica) and here; with the
        database away, here only (the next refresh brings the store's state back)."""
        reason = reason[:500]
        try:
            record = await asyncio.to_thread(self._store.set_state, sub.id, "disabled", reason)
        except Exception as exc:
            metrics.STORE_ERRORS.labels("disable").inc()
            log.warning("subscription_disable_failed", subscription=sub.id, error=repr(exc))
            record = sub.record.model_copy(update={"state": "disabled", "state_reason": reason})
        if record is not None:
            self._put(record)
        self._rebuild()
        metrics.DISABLED_TOTAL.inc()
        log.warning("subscription_disabled", subscription=sub.id, reason=reason)

    def _put(self, record: SubscriptionRecord) -> None:
        compiled = self._filters.get(record.id, record.updated_at, record.filters)
        self._by_id[record.id] = LiveSubscription(record, compiled)

    def _rebuild(self) -> None:
        self.active = [s for s in self._by_id.values() if s.state == "active"]
        self.disabled = [s for s in self._by_id.values() if s.state == "disabled"]
        metrics.SUBSCRIPTIONS.set(len(self._by_id))
        metrics.ACTIVE.set(len(self.active))
        metrics.DISABLED.set(len(self.disabled))
