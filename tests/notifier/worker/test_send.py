"""The sender's concurrency limits: an endpoint that is failing and has all its slots busy
(a black hole timing out) is not waited for; its next delivery is deferred at once."""

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


async def test_a_failing_endpoint_with_its_slots_busy_is_deferred() -> None:
    hole = BlackHole()
    sender = Sender(
        hole,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        RecipientLinks(None, None),
        max_concurrent=10,
        max_per_subscription=1,
        alert_max_bytes=20_000,
        mail_from="a@b.c",
        list_id_domain="example.org",
    )
    sub = LiveSubscription(record("hook"), CompiledFilter.compile(Filters()))
    event = make_event(1)
    first = await sender.attempt(sub, event, [event.article], update=False)
    assert first is not None and first.retryable
    hanging = asyncio.create_task(sender.attempt(sub, event, [event.article], update=False))
    await asyncio.sleep(0.05)  # holds the endpoint's only slot
    deferred = await asyncio.wait_for(sender.attempt(sub, event, [event.article], update=False), 1)
    assert deferred is not None and deferred.retryable and "not attempted" in deferred.detail
    assert hole.posts == 2  # the deferred one never reached the endpoint
    hole.release.set()
    assert await hanging is None  # accepted: the endpoint counts as healthy again
    assert await sender.attempt(sub, event, [event.article], update=False) is None
