"""A record's work that fails unexpectedly: tried again with doubling pauses, then handed to
`give_up` (the notifier dead-letters it); a cancellation is never retried."""

from __future__ import annotations

import asyncio

import pytest

from pactwatch_notifier.worker.again import until_done

pytestmark = pytest.mark.unit


class Flaky:
    """Work that raises its first `failures` times, then succeeds."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    async def __call__(self) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(f"boom {self.calls}")


class Outcome:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.given_up: list[str] = []

    async def give_up(self, exc: BaseException) -> None:
        self.given_up.append(str(exc))

    def failed(self, exc: BaseException) -> None:
        self.failures.append(str(exc))


async def test_work_that_recovers_is_done_and_not_given_up() -> None:
    work, outcome = Flaky(failures=2), Outcome()
    await until_done(
        work, tries=5, first_pause=0.001, give_up=outcome.give_up, on_failure=outcome.failed
    )
    assert work.calls == 3
    assert outcome.failures == ["boom 1", "boom 2"]
    assert outcome.given_up == []


async def test_work_that_keeps_failing_is_given_up_after_its_tries() -> None:
    work, outcome = Flaky(failures=100), Outcome()
    loop = asyncio.get_running_loop()
    started = loop.time()
    await until_done(
        work, tries=4, first_pause=0.01, give_up=outcome.give_up, on_failure=outcome.failed
    )
    assert work.calls == 4
    assert outcome.given_up == ["boom 4"]  # with the last error
    assert loop.time() - started >= 0.01 + 0.02 + 0.04  # pauses double between tries


async def test_a_cancellation_passes_through_untried() -> None:
    outcome = Outcome()
    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.sleep(60)

    task = asyncio.create_task(
        until_done(
            forever, tries=5, first_pause=0.001, give_up=outcome.give_up, on_failure=outcome.failed
        )
    )
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert outcome.failures == [] and outcome.given_up == []
