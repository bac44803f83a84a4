"""The work of one record, tried again when it fails unexpectedly, then set aside.

The steps of a record already wait out what they expect (the broker away, the database away,
a receiver down: `publish.py`, `ledger.py`, `retry.py`). What is left is the unexpected: a
bug, a resource gone for good. A record whose work raised and was simply dropped would be
lost silently and would hold its partition's commits back until the next restart; one retried
for ever would do the same, only louder. So the work is tried `tries` times, with doubling
pauses, and then the record is handed to `give_up` (the notifier dead-letters it with the
error, `processing_error`), after which its offset may be committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import structlog

log = structlog.get_logger("pactwatch.notifier")

Work = Callable[[], Coroutine[Any, Any, None]]


async def until_done(
    work: Work,
    *,
    tries: int,
    first_pause: float,
    give_up: Callable[[BaseException], Awaitable[None]],
    on_failure: Callable[[BaseException], None] = lambda exc: None,
    what: str = "record",
) -> None:
    """Run `work()` until it returns, at most `tries` times; after the last failure await
    `give_up(error)`. A cancellation is never retried: it passes straight through."""
    pause = first_pause
    for attempt in range(1, tries + 1):
        try:
            await work()
            return
        except Exception as exc:  # anything unexpected: see the module
            on_failure(exc)
            last = attempt == tries
            log.error(
                "record_failed",
                what=what,
                attempt=attempt,
                retry_in=None if last else pause,
                error=repr(exc),
                exc_info=exc,
            )
            if last:
                await give_up(exc)
                return
            await asyncio.sleep(pause)
            pause *= 2
