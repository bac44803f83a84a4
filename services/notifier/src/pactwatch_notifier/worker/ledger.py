"""The worker's side of the delivery ledger: requests gathered into batches.

Every delivery asks the ledger twice (the claim before its send, the outcome after it) and
every event once (its article as a source). Each request waits in a queue; one flusher
takes everything waiting and writes it in one transaction (`store.ledger.apply_async`: on
the event loop, no thread), then the next batch (group commit); up to `IN_FLIGHT` batches
travel to the database at once (on PostgreSQL a batch is several round trips), answered
in the order they were taken. Before it takes them it
lets the queue fill while it still grows, for at most `GATHER_SECONDS`: under load a batch
then holds about one request per busy send slot and a delivery's requests share a
transaction's fixed cost; a lone request waits one `GATHER_STEP`. A batch that fails (the
database away, a deadlock victim, SQLite's lock held too long by another writer) is tried
again, the same batch, until it goes through or the worker stops: nothing counts as done
before the database has it.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from dataclasses import dataclass
from typing import Any, cast

import structlog

from pactwatch_schemas import ArticleRef

from .. import metrics
from ..store import (
    AlertKey,
    BatchResult,
    Claim,
    ClaimRequest,
    Go,
    Ledger,
    LedgerBatch,
    Outcome,
)

log = structlog.get_logger("pactwatch.notifier")

#: The longest a batch waits for more requests, and the step it waits in while they come.
GATHER_SECONDS = 0.004
GATHER_STEP = 0.0005
#: Batches written at once (each its own transaction); their answers still go out in order.
IN_FLIGHT = 2


def replica_id(given: str | None = None) -> str:
    """Who holds a claim: the configured id, else host, process and a random part (a
    restarted process is another holder: its predecessor's claims run out on their lease)."""
    return given or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass(slots=True)
class _Request:
    kind: str  # claim / outcome / source / barrier
    payload: Any
    future: asyncio.Future[object]


class DeliveryLedger:
    """`claim` before a send, `sent` / `failed` / `release` after it, `add_source` per event;
    `run()` is the flusher, `close()` ends it after the last batch."""

    def __init__(
        self, ledger: Ledger, worker: str, lease_seconds: float, max_batch: int = 1000
    ) -> None:
        self.worker = worker
        self.lease_seconds = lease_seconds
        self._ledger = ledger
        self._max_batch = max_batch
        self._queue: list[_Request] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._ended = False
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self._last: asyncio.Task[None] | None = None  # the batch answered most recently

    # -- requests -------------------------------------------------------------------------
    async def claim(self, alert: AlertKey, first: ArticleRef, chain: str, attempt: int) -> Claim:
        return cast(Claim, await self._ask("claim", ClaimRequest(alert, first, chain, attempt)))

    async def sent(self, alert: AlertKey, channel: str) -> None:
        await self._ask("outcome", Outcome(alert, "sent", channel=channel))

    async def failed(self, alert: AlertKey, chain: str, attempt: int, channel: str) -> None:
        await self._ask("outcome", Outcome(alert, "failed", chain, attempt, channel))

    def release(self, alert: AlertKey) -> None:
        """Give a claim back unsent (not awaited: `flush()` is the barrier)."""
        self._enqueue("outcome", Outcome(alert, "released"))

    def add_source(self, event_id: str, ref: ArticleRef) -> asyncio.Future[object]:
        """Remember `ref` as a source of the event: done when the future is."""
        return self._enqueue("source", (event_id, ref))

    async def flush(self) -> None:
        """Wait until everything asked so far is in the database."""
        if not self._ended:
            await self._ask("barrier", None)

    # -- the flusher ------------------------------------------------------------------------
    async def run(self) -> None:
        while True:
            if not self._queue:
                if self._closing:
                    if self._last is not None:
                        await self._last
                    self._ended = True
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            await self._gather()
            await self._slots.acquire()
            taken, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
            self._last = asyncio.create_task(self._write(taken, self._last))

    async def close(self, task: asyncio.Task[None]) -> None:
        """After the engine: the flusher writes what is queued, then ends."""
        self._closing = True
        self._wake.set()
        await task

    async def _gather(self) -> None:
        """Let the queue fill while it grows (see the module)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + GATHER_SECONDS
        while len(self._queue) < self._max_batch and not self._closing:
            waiting = len(self._queue)
            await asyncio.sleep(GATHER_STEP)
            if len(self._queue) == waiting or loop.time() >= end:
                return

    def _enqueue(self, kind: str, payload: object) -> asyncio.Future[object]:
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        self._queue.append(_Request(kind, payload, future))
        self._wake.set()
        return future

    async def _ask(self, kind: str, payload: object) -> object:
        return await self._enqueue(kind, payload)

    async def _write(self, taken: list[_Request], before: asyncio.Task[None] | None) -> None:
        """Write one batch, then answer it once the batch before it is answered: a
        barrier answered means everything asked before it is in the database."""
        try:
            result = await self._apply(taken)
        finally:
            self._slots.release()
        if before is not None:
            await before
        metrics.LEDGER_BATCH_SIZE.observe(len(taken))
        self._answer(taken, result)

    async def _apply(self, taken: list[_Request]) -> BatchResult:
        batch = LedgerBatch()
        for r in taken:
            if r.kind == "claim":
                batch.claims.append(r.payload)
            elif r.kind == "outcome":
                batch.outcomes.append(r.payload)
            elif r.kind == "source":
                batch.sources.append(r.payload)
        delay = 0.1
        while True:
            try:
                with metrics.LEDGER_BATCH_SECONDS.time():
                    return await self._ledger.apply_async(batch, self.worker, self.lease_seconds)
            except Exception as exc:  # the database away, a deadlock victim: the same again
                metrics.STORE_ERRORS.labels("ledger").inc()
                log.warning("ledger_write_failed", error=repr(exc)[:300], requests=len(taken))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def _answer(self, taken: list[_Request], result: BatchResult) -> None:
        claims = iter(result.claims)
        for r in taken:
            answer = next(claims) if r.kind == "claim" else None
            if not r.future.done():
                r.future.set_result(answer)
            elif isinstance(answer, Go):  # the asker was cancelled (a revoked partition)
                self.release(r.payload.alert)
