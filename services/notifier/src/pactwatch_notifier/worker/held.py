"""Retry records held until they are due: each waits in its own task (a timer, not a sleep
in the consumer loop), so a record due in an hour holds up neither its partition's reading
nor anything else. `metrics.RETRY_QUEUE` is how many are waiting; past `MAX_HELD_RETRIES`
the engine pauses the retry topic.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime

from aiokafka import TopicPartition

from .. import metrics


class HeldRetries:
    """The tasks waiting for their retry record's `not_before`, by partition."""

    def __init__(self) -> None:
        self._waiting: dict[asyncio.Task[None], TopicPartition] = {}

    def __len__(self) -> int:
        return len(self._waiting)

    def hold(self, task: asyncio.Task[None], tp: TopicPartition) -> None:
        """`task` (which starts with `until_due`) waits for a record of partition `tp`."""
        self._waiting[task] = tp
        # A task cancelled before it ran never reaches its `finally`: let go of it here too.
        task.add_done_callback(self._release)
        metrics.RETRY_QUEUE.set(len(self._waiting))

    async def until_due(self, not_before: datetime) -> None:
        """Wait in the current (held) task until `not_before`; then it is no longer held."""
        try:
            delay = (not_before - datetime.now(UTC)).total_seconds()
            if delay > 0:
                await asyncio.sleep(delay)
        finally:
            task = asyncio.current_task()
            if task is not None:
                self._release(task)

    def cancel(self, only: Iterable[TopicPartition] | None = None) -> None:
        """Stop waiting (of `only` these partitions): their records stay uncommitted, so the
        partition's next owner (or this worker after a restart) reads them again."""
        wanted = None if only is None else set(only)
        for task, tp in list(self._waiting.items()):
            if wanted is None or tp in wanted:
                task.cancel()

    def _release(self, task: asyncio.Task[None]) -> None:
        if self._waiting.pop(task, None) is not None:
            metrics.RETRY_QUEUE.set(len(self._waiting))
