"""The per-source watch: each owned source in its own task, polled whenever it is due.

One round of a watch: wait until the source is due -> poll it (`poll/`) -> the next
schedule (`schedule.reschedule`, pure) -> metrics and logs -> the state to the sources
topic, acked. A slow or hostile source delays nobody else; a poll that crashes is counted
as `internal_error` and the watch goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import structlog
from aiokafka.errors import KafkaError

from pactwatch_runtime import finish_or_cancel

from . import metrics
from .core.config import Settings
from .outcome import PollOutcome
from .poll import Poller
from .schedule import Bounds, bounds_for, is_failing, reschedule, resume
from .sources import Source
from .state import SourceState

log = structlog.get_logger("pactwatch.crawler")

SaveState = Callable[[SourceState], Awaitable[None]]


@dataclass(slots=True)
class _Watch:
    """An owned source's running task and the event that asks it to stop."""

    task: asyncio.Task[None]
    stop: asyncio.Event


class Watches:
    """The watches of the sources this replica owns, by source id.

    `save` writes a state record and returns once the broker acked it, so that when
    `stop` returns, whoever owns the sources next reads where they are.
    """

    def __init__(self, settings: Settings, poller: Poller, save: SaveState) -> None:
        self._settings = settings
        self._poller = poller
        self._save = save
        self._defaults = Bounds(settings.min_interval_seconds, settings.max_interval_seconds)
        self._watches: dict[str, _Watch] = {}
        self._failing: set[str] = set()

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._watches

    def __len__(self) -> int:
        return len(self._watches)

    def ids(self) -> set[str]:
        return set(self._watches)

    def start(self, source: Source, stored: SourceState | None, now: float) -> None:
        """Poll `source` until `stop` is called for it, carrying on from its `stored` state
        (`schedule.resume`: a stored schedule is kept, a new or moved source starts afresh)."""
        state = resume(
            source,
            stored,
            bounds=self._bounds(source),
            default_interval=self._settings.default_interval_seconds,
            now=now,
        )
        stop = asyncio.Event()
        task = asyncio.create_task(self._watch(source, state, stop), name=f"source:{source.id}")
        self._watches[source.id] = _Watch(task, stop)
        metrics.OWNED.set(len(self._watches))

    async def stop(self, ids: Iterable[str], grace: float | None = None) -> None:
        """Stop the watches of `ids` and wait until none of them is mid-poll; with a
        `grace`, cancel those still running after it (a cancelled poll fetches nothing
        more, so the sources are still never shared). Their per-source series go too."""
        ids = set(ids)
        watches = [self._watches.pop(i) for i in ids if i in self._watches]
        for watch in watches:
            watch.stop.set()
        late = await finish_or_cancel((w.task for w in watches), grace)
        if late:
            log.warning("polls_cancelled_at_shutdown", polls=len(late))
        for source_id in ids:
            self._failing.discard(source_id)
            for gauge in (metrics.LAST_SUCCESS, metrics.INTERVAL, metrics.CONSECUTIVE_FAILURES):
                with contextlib.suppress(KeyError):
                    gauge.remove(source_id)
        metrics.FAILING.set(len(self._failing))
        metrics.OWNED.set(len(self._watches))

    async def _watch(self, source: Source, state: SourceState, stop: asyncio.Event) -> None:
        """Poll `source` whenever it is due, until `stop`; save the state after each poll."""
        _show_state(source, state)
        while not stop.is_set():
            delay = state.next_due - time.time()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=delay)
                if stop.is_set():
                    return
            started = time.perf_counter()
            try:
                outcome = await self._poller.poll(source, state, stop)
            except Exception as exc:  # a bug or input nobody foresaw: count it, keep going
                log.exception("poll_crashed", source=source.id)
                outcome = PollOutcome("internal_error", ok=False, detail=repr(exc)[:500])
            metrics.STANDARD.processing.observe(time.perf_counter() - started)
            state = reschedule(
                state,
                outcome,
                bounds=self._bounds(source),
                failing_after=self._settings.failing_after,
                now=time.time(),
            )
            self._record(source, state, outcome)
            try:
                await self._save(state)
            except KafkaError as exc:
                log.warning("state_not_saved", source=source.id, error=repr(exc))

    def _bounds(self, source: Source) -> Bounds:
        return bounds_for(source, self._defaults)

    def _record(self, source: Source, state: SourceState, outcome: PollOutcome) -> None:
        """Metrics and logs of one poll."""
        metrics.FETCHES.labels(source.id, outcome.outcome).inc()
        _show_state(source, state)
        next_in = round(state.next_due - time.time(), 1)
        if outcome.ok:
            if source.id in self._failing:
                log.info("source_recovered", source=source.id)
            self._failing.discard(source.id)
            event = log.info if outcome.published or outcome.outcome != "304" else log.debug
            event(
                "polled",
                source=source.id,
                outcome=outcome.outcome,
                new=outcome.new_entries,
                published=outcome.published,
                next_in=next_in,
            )
        else:
            failing = is_failing(state.failures, self._settings.failing_after)
            if failing and source.id not in self._failing:
                log.error(
                    "source_failing",
                    source=source.id,
                    failures=state.failures,
                    retry_in=next_in,
                    last_error=state.last_error,
                )
            if failing:
                self._failing.add(source.id)
            log.warning(
                "poll_failed",
                source=source.id,
                kind=outcome.outcome,
                detail=outcome.detail[:500],
                failures=state.failures,
                retry_in=next_in,
            )
        metrics.FAILING.set(len(self._failing))


def _show_state(source: Source, state: SourceState) -> None:
    metrics.INTERVAL.labels(source.id).set(state.interval)
    metrics.CONSECUTIVE_FAILURES.labels(source.id).set(state.failures)
    if state.last_success is not None:
        metrics.LAST_SUCCESS.labels(source.id).set(state.last_success)
