"""The broker watch: `ok` follows whether cluster metadata comes back in time."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pactwatch_devtools import free_port
from pactwatch_runtime import BrokerWatch


class FakeCluster:
    def __init__(self, brokers: list[str]) -> None:
        self._brokers = brokers

    def brokers(self) -> list[str]:
        return self._brokers


class FakeClient:
    """Answers metadata requests, fails them, or never answers."""

    def __init__(self, answer: str = "yes", brokers: list[str] | None = None) -> None:
        self.answer = answer
        self.cluster = FakeCluster(["b1"] if brokers is None else brokers)
        self.bootstrapped = 0
        self.requests = 0

    async def bootstrap(self) -> None:
        self.bootstrapped += 1
        self.cluster = FakeCluster(["b1"])

    async def fetch_all_metadata(self) -> None:
        self.requests += 1
        if self.answer == "error":
            raise OSError("connection refused")
        if self.answer == "hang":
            await asyncio.Event().wait()


def watch(client: FakeClient, **kwargs: Any) -> BrokerWatch:
    return BrokerWatch(client, **kwargs)  # type: ignore[arg-type]


@pytest.mark.unit
async def test_ok_while_the_broker_answers_and_not_when_it_fails_or_hangs() -> None:
    client = FakeClient()
    broker = watch(client, timeout=0.05)
    assert broker.ok is False  # nothing known before the first check
    assert await broker.check(client) is True  # type: ignore[arg-type]
    client.answer = "error"
    assert await broker.check(client) is False  # type: ignore[arg-type]
    client.answer = "hang"
    assert await broker.check(client) is False  # type: ignore[arg-type]
    assert broker.ok is False


@pytest.mark.unit
async def test_a_client_without_brokers_is_bootstrapped_first() -> None:
    client = FakeClient(brokers=[])
    assert await watch(client).check(client) is True  # type: ignore[arg-type]
    assert client.bootstrapped == 1


@pytest.mark.unit
async def test_run_checks_every_interval_and_ends_when_stopped() -> None:
    client = FakeClient()
    broker = watch(client, interval=0.01)
    stop = asyncio.Event()
    task = asyncio.create_task(broker.run(stop))
    while client.requests < 3:
        await asyncio.sleep(0.01)
    assert broker.ok
    stop.set()
    await asyncio.wait_for(task, 1)  # at once, not after a last interval


@pytest.mark.unit
async def test_run_also_ends_on_a_condition_checked_between_rounds() -> None:
    client = FakeClient()
    rounds = 0

    def should_stop() -> bool:  # faust's `app.should_stop`
        return rounds >= 3

    broker = watch(client, interval=0.01)
    original = broker.check

    async def counted(c: Any) -> bool:
        nonlocal rounds
        rounds += 1
        return await original(c)

    broker.check = counted  # type: ignore[method-assign]
    await asyncio.wait_for(broker.run(should_stop), 1)
    assert rounds == 3


@pytest.mark.unit
async def test_a_cancelled_watch_ends_even_while_a_check_is_under_way() -> None:
    client = FakeClient(answer="hang")
    task = asyncio.create_task(watch(client, timeout=60).run())
    while client.requests == 0:
        await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 1)
    assert task.cancelled()


@pytest.mark.integration
async def test_a_watch_of_its_own_sees_a_real_broker_and_a_missing_one(kafka: str) -> None:
    for address, expected in ((kafka, True), (f"127.0.0.1:{free_port()}", False)):
        broker = BrokerWatch(address, interval=0.05, timeout=5)
        stop = asyncio.Event()
        task = asyncio.create_task(broker.run(stop))
        await asyncio.sleep(0.5 if expected else 0.2)
        for _ in range(100):
            if broker.ok is expected:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 10)  # its own client closed, promptly
        assert broker.ok is expected, address
