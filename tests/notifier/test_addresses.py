"""The webhook address guard at send time (DNS rebinding): a host that resolved to a public
address when the subscription was stored, and resolves to 127.0.0.1 when the worker sends,
gets nothing; the refusal is a permanent failure naming why. Real HTTP through the worker's
own session (aiohttp, the guarded resolver) to a real receiver on 127.0.0.1; only the name
service is the test's own (a hosts override), since tests may send traffic to 127.0.0.1 only."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from pactwatch_devtools import WebhookReceiver
from pactwatch_notifier.addresses import (
    GuardedResolver,
    RefusedAddress,
    check_webhook_url,
    parse_allowlist,
)
from pactwatch_notifier.channels import (
    DeliveryError,
    WebhookSender,
    build_alert,
    guarded_session,
)

from .helpers import SECRET, make_event

pytestmark = pytest.mark.integration

HOST = "hooks.rebinding.example"
PUBLIC = "93.184.216.34"


class Hosts(AbstractResolver):
    """A hosts file: `HOST` answers with whatever `address` is now (the rebinding)."""

    def __init__(self, address: str) -> None:
        self.address = address

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host != HOST:
            raise OSError(f"{host} not in the test's hosts")
        return [
            {
                "hostname": host,
                "host": self.address,
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        return None


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret=SECRET) as hooks:
        yield hooks


async def _send(url: str, allowlist: list[str], hosts: Hosts) -> int:
    guard = GuardedResolver(parse_allowlist(allowlist), inner=hosts)
    session = guarded_session(guard, limit=4)
    try:
        sender = WebhookSender(session, 5.0, guard)
        alert = build_alert("hook", make_event(1))
        return await sender.send(url, [SECRET], alert)
    finally:
        await session.close()


async def test_a_host_rebound_to_loopback_after_it_was_stored_is_refused_at_send_time(
    receiver: WebhookReceiver,
) -> None:
    url = f"http://{HOST}:{receiver.port}/hook"
    hosts = Hosts(PUBLIC)
    check_webhook_url(url, [], resolve=lambda host, port: [hosts.address])  # stored: public
    hosts.address = "127.0.0.1"  # then its DNS points inward
    with pytest.raises(DeliveryError) as refused:
        await _send(url, [], hosts)
    assert not refused.value.retryable  # permanent: dead-lettered, not retried for days
    assert "127.0.0.1, a loopback address" in refused.value.detail
    assert receiver.received == []
    # The same name, the same moment, with 127.0.0.1 on the allowlist: it connects (so the
    # refusal above was the guard, and the guard sees the address actually connected to).
    assert await _send(url, ["127.0.0.1/32"], hosts) == 200
    assert [r.headers["webhook-id"] for r in receiver.received] == [
        f"msg_hook_{make_event(1).event_id}"
    ]


async def test_a_literal_private_address_is_refused_too(receiver: WebhookReceiver) -> None:
    with pytest.raises(DeliveryError) as refused:
        await _send(f"http://127.0.0.1:{receiver.port}/hook", ["10.0.0.0/8"], Hosts(PUBLIC))
    assert not refused.value.retryable and "loopback" in refused.value.detail
    assert receiver.received == []


def test_a_literal_hosts_verdict_is_the_same_every_time_it_is_asked() -> None:
    """Kept per URL (a literal address cannot change): refused stays refused, allowed stays
    allowed, and a name is always left to the resolver."""
    guard = GuardedResolver(parse_allowlist(["10.1.0.0/16"]), inner=Hosts(PUBLIC))
    for _ in range(3):
        with pytest.raises(RefusedAddress, match=r"127\.0\.0\.1, a loopback address"):
            guard.check_literal("http://127.0.0.1:8080/hook")
        guard.check_literal("http://10.1.2.3/hook")  # allowlisted
        guard.check_literal(f"http://{HOST}/hook")  # a name: the resolver's, at connect
