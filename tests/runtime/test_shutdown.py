"""Bounded shutdown: a step that hangs or fails does not hold up the others."""

from __future__ import annotations

import asyncio

import pytest
import structlog

from pactwatch_runtime import bounded, finish_or_cancel

pytestmark = pytest.mark.unit


async def test_a_step_in_time_is_awaited() -> None:
    done: list[str] = []

    async def close() -> None:
        done.append("closed")

    assert await bounded(close(), 1.0, "close") is True
    assert done == ["closed"]


async def test_a_hanging_step_is_given_up_after_its_time() -> None:
    with structlog.testing.capture_logs() as logs:
        assert await bounded(asyncio.Event().wait(), 0.05, "producer_stop") is False
    assert logs[0]["event"] == "shutdown_step_timed_out"
    assert logs[0]["step"] == "producer_stop"


async def test_a_failing_step_is_logged_not_raised() -> None:
    async def broken() -> None:
        raise OSError("connection reset")

    with structlog.testing.capture_logs() as logs:
        assert await bounded(broken(), 1.0, "consumer_stop") is False
    assert logs[0]["event"] == "shutdown_step_failed"
    assert "connection reset" in logs[0]["error"]


async def test_tasks_that_finish_in_time_are_left_alone_the_rest_cancelled() -> None:
    quick = asyncio.create_task(asyncio.sleep(0.01))
    stuck = asyncio.create_task(asyncio.Event().wait())
    late = await finish_or_cancel([quick, stuck], 0.2)
    assert late == {stuck}
    assert stuck.cancelled() and quick.done() and not quick.cancelled()


async def test_without_a_limit_tasks_are_waited_for() -> None:
    slow = asyncio.create_task(asyncio.sleep(0.1))
    assert await finish_or_cancel([slow], None) == set()
    assert slow.done() and not slow.cancelled()
    assert await finish_or_cancel([], 0) == set()
