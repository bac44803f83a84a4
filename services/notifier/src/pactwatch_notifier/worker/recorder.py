"""The deliveries listing, written off the hot path: the outcome of each alert goes to the
store in batches every 0.5 s (on the event loop, like the ledger: `store/deliveries.py`),
so no delivery waits for it.

The rows are history for operators (`Deliveries.page`); what stops a second alert is the
delivery ledger, so a batch lost in a crash loses only history, never correctness.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import structlog

from .. import metrics
from ..models import DeliveryOutcome
from ..store import AlertKey, Deliveries, DeliveryOutcomeRow

log = structlog.get_logger("pactwatch.notifier")


class DeliveryRecorder:
    """Outcome rows waiting for their batch; `run` writes them every `interval` seconds."""

    def __init__(
        self, deliveries: Deliveries, interval: float = 0.5, max_batch: int = 5000
    ) -> None:
        self.deliveries = deliveries
        self.interval = interval
        self.max_batch = max_batch
        self._rows: list[DeliveryOutcomeRow] = []

    def add(
        self,
        alert: AlertKey,
        channel: str,
        outcome: DeliveryOutcome,
        attempt: int,
        error: str | None = None,
    ) -> None:
        self._rows.append(
            DeliveryOutcomeRow(
                alert.subscription_id,
                alert.event_id,
                alert.article_id,
                channel,
                outcome,
                attempt,
                datetime.now(UTC),
                error,
            )
        )

    async def flush(self) -> None:
        """Write what is waiting; with the database away, keep it (bounded) for next time."""
        while self._rows:
            batch, self._rows = self._rows[: self.max_batch], self._rows[self.max_batch :]
            try:
                await self.deliveries.record(batch)
            except Exception as exc:  # the database is away: keep the rows, try again later
                metrics.STORE_ERRORS.labels("record").inc()
                log.warning("delivery_record_failed", error=repr(exc), rows=len(batch))
                self._rows = batch + self._rows
                if len(self._rows) > 20 * self.max_batch:  # bounded memory: drop the oldest
                    self._rows = self._rows[-20 * self.max_batch :]
                return

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)
            await self.flush()
