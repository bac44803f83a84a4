"""Shutdown that ends: every step gets a bounded time, then the process moves on.

On SIGTERM a service finishes the work under way, commits, closes its clients and exits.
With the broker away, closing a Kafka client (or committing) can wait for ever, and an
orchestrator would then kill the process without the steps that could still run. Work that
is cut short here is not lost: it was not committed, so it is done again after the restart.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import structlog

log = structlog.get_logger("pactwatch.runtime")

#: What tells a background loop to end: an event, or a condition it checks between rounds
#: (faust's `lambda: app.should_stop`). None: it runs until its task is cancelled.
Stop = asyncio.Event | Callable[[], bool] | None


async def bounded(step: Awaitable[object], seconds: float, what: str) -> bool:
    """Await one shutdown step for at most `seconds`; True if it finished in time.

    A step that times out or fails is logged (`shutdown_step_timed_out`,
    `shutdown_step_failed`, naming `what`) and not raised: a failing close must not keep the
    steps after it from running.
    """
    try:
        async with asyncio.timeout(seconds):
            await step
        return True
    except TimeoutError:
        log.warning("shutdown_step_timed_out", step=what, seconds=seconds)
    except Exception as exc:
        log.warning("shutdown_step_failed", step=what, error=repr(exc))
    return False


def stopped(stop: Stop) -> bool:
    """Whether a background loop told to end by `stop` should end now."""
    if stop is None:
        return False
    if isinstance(stop, asyncio.Event):
        return stop.is_set()
    return stop()


async def pause(seconds: float, stop: Stop) -> None:
    """Sleep `seconds`, or less when an event `stop` is set meanwhile: a background loop that
    waits between rounds must not hold up a shutdown by its interval."""
    if not isinstance(stop, asyncio.Event):
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await stop.wait()


async def finish_or_cancel(
    tasks: Iterable[asyncio.Task[Any]], seconds: float | None
) -> set[asyncio.Task[Any]]:
    """Let `tasks` finish within `seconds` (None: however long they take), then cancel the
    rest and wait until they have unwound. Returns the tasks that had to be cancelled."""
    waiting = set(tasks)
    if not waiting:
        return set()
    _, late = await asyncio.wait(waiting, timeout=seconds)
    for task in late:
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)
    return late
