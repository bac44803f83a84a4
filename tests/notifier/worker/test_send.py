"""The sender's concurrency limits: an endpoint that is failing and has all its slots busy
(a black hole timing out) is not waited for, its next delivery is deferred at once; an
endpoint's connection is free again once it has answered, while the worker's slot stays
held until the outcome is recorded."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pactwatch_notifier.channels import DeliveryError
from pactwatch_notifier.filters import CompiledFilter
from pactwatch_notifier.models import Filters
from pactwatch_notifier.unsubscribe import RecipientLinks
from pactwatch_notifier.worker.live import LiveSubscription
from pactwatch_notifier.worker.send import Sender
from pactwatch_schemas import Event

from ..helpers import make_event
from .fakes import record

pytestmark = pytest.mark.unit


class BlackHole:
    """Fails the first POST; then every POST hangs until `release` is set."""

    def __init__(self) -> None:
        self.posts = 0
        self.release = asyncio.Event()

    async def send(self, url: str, secrets: list[str], alert: Any) -> int:
        self.posts += 1
        if self.posts == 1:
            raise DeliveryError(f"timeout posting to {url}", retryable=True)
        await self.release.wait()
        return 204


class Accepting:
    """Accepts every POST at once."""

    async def send(self, url: str, secrets: list[str], alert: Any) -> int:
        return 204


def _sender(webhooks: object, *, max_concurrent: int, max_per_subscription: int) -> Sender:
    return Sender(
        webhooks,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        RecipientLinks(None, None),
        max_concurrent=max_concurrent,
        max_per_subscription=max_per_subscription,
        alert_max_bytes=20_000,
        mail_from="a@b.c",
        list_id_domain="example.org",
    )


async def attempt(sender: Sender, sub: LiveSubscription, event: Event) -> DeliveryError | None:
    """One try the way the deliverer makes it: deferred, or sent within a slot."""
    deferred = sender.deferral(sub)
    if deferred is not None:
        return deferred
    async with sender.slot(sub):
        return await sender.send(sub, event, [event.article], update=False)


async def test_a_failing_endpoint_with_its_slots_busy_is_deferred() -> None:
    hole = BlackHole()
    sender = _sender(hole, max_concurrent=10, max_per_subscription=1)
    sub = LiveSubscription(record("hook"), CompiledFilter.compile(Filters()))
    event = make_event(1)
    first = await attempt(sender, sub, event)
    assert first is not None and first.retryable
    hanging = asyncio.create_task(attempt(sender, sub, event))
    await asyncio.sleep(0.05)  # holds the endpoint's only slot
    deferred = await asyncio.wait_for(attempt(sender, sub, event), 1)
    assert deferred is not None and deferred.retryable and "not attempted" in deferred.detail
    assert hole.posts == 2  # the deferred one never reached the endpoint
    hole.release.set()
    assert await hanging is None  # accepted: the endpoint counts as healthy again
    assert await attempt(sender, sub, event) is None


async def test_the_endpoint_is_free_once_it_answered_the_worker_slot_once_recorded() -> None:
    sender = _sender(Accepting(), max_concurrent=2, max_per_subscription=1)
    sub = LiveSubscription(record("hook"), CompiledFilter.compile(Filters()))
    event = make_event(1)
    recording = asyncio.Event()
    order: list[str] = []

    async def deliver(name: str) -> None:
        async with sender.slot(sub) as endpoint:
            order.append(f"{name} sends")
            assert await sender.send(sub, event, [event.article], update=False) is None
            endpoint.done()
            endpoint.done()  # once only: a second call gives nothing back twice
            if name == "a":
                await recording.wait()  # the ledger's round trip for a's outcome
            order.append(f"{name} recorded")

    a = asyncio.create_task(deliver("a"))
    b = asyncio.create_task(deliver("b"))
    c = asyncio.create_task(deliver("c"))
    await asyncio.sleep(0.05)
    # b used the endpoint's one connection while a was still recording; c waits for a
    # worker slot (two: a's, still held, and b's, just given back) and then goes too.
    assert order[:3] == ["a sends", "b sends", "b recorded"]
    assert "a recorded" not in order
    recording.set()
    await asyncio.gather(a, b, c)
    assert sorted(order) == sorted(f"{n} {s}" for n in "abc" for s in ("sends", "recorded"))
