"""The one worker thread the CPU-bound steps (parsing, extraction, fingerprints) run on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class CpuThread:
    """Runs CPU-bound work off the event loop, on ONE thread: the loop then competes for
    the GIL with a single thread and stays responsive (/metrics, heartbeats, publishing,
    the other sources' polls); a pool of them would starve it."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crawler-cpu")

    async def run(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, work)

    def close(self) -> None:
        """Drop what is queued; a step still running finishes on its own."""
        self._pool.shutdown(wait=False, cancel_futures=True)
