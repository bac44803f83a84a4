"""Per-host politeness: few requests in flight per host, a pause between their starts.

A host is scheme + host + port (how robots.txt is scoped too). The global concurrency
slot is taken only once the host's delay has passed, so a request waiting out a
slow host's delay never blocks requests to other hosts.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
# A robots.txt Crawl-delay beyond this is treated as this (a hostile value must not stall us).
MAX_CRAWL_DELAY = 60.0


def host_key(url: str) -> str:
    """`scheme://host:port`, the unit of politeness and of robots.txt."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
    except ValueError:
        port = 0
    return f"{scheme}://{host}:{port}"


class _HostGate:
    def __init__(self, concurrency: int) -> None:
        self.slots = asyncio.Semaphore(concurrency)
        self.turn = asyncio.Lock()  # serialises "wait for my start time"
        self.next_start = 0.0
        self.users = 0


class Politeness:
    """Grants request slots: per host at most `per_host_concurrency` in flight and starts at
    least `per_host_delay` seconds apart (or the host's Crawl-delay if longer); overall at
    most `global_concurrency` in flight."""

    def __init__(
        self, *, per_host_concurrency: int, per_host_delay: float, global_concurrency: int
    ) -> None:
        if per_host_concurrency < 1 or global_concurrency < 1:
            raise ValueError("concurrency limits must be at least 1")
        self.per_host_concurrency = per_host_concurrency
        self.per_host_delay = max(0.0, per_host_delay)
        self._global = asyncio.Semaphore(global_concurrency)
        self._gates: dict[str, _HostGate] = {}

    @asynccontextmanager
    async def slot(self, url: str, *, crawl_delay: float | None = None) -> AsyncIterator[None]:
        """Hold a request slot for `url`'s host for the duration of the block."""
        key = host_key(url)
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = _HostGate(self.per_host_concurrency)
        delay = max(self.per_host_delay, min(crawl_delay or 0.0, MAX_CRAWL_DELAY))
        loop = asyncio.get_running_loop()
        gate.users += 1
        try:
            async with gate.slots:
                async with gate.turn:
                    wait = gate.next_start - loop.time()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    await self._global.acquire()  # only now: no global slot held while waiting
                    gate.next_start = loop.time() + delay
                try:
                    yield
                finally:
                    self._global.release()
        finally:
            gate.users -= 1
            # Forget idle hosts whose delay has passed, so thousands of hosts don't pile up.
            if gate.users == 0 and gate.next_start <= loop.time():
                self._gates.pop(key, None)

    def hosts_tracked(self) -> int:
        return len(self._gates)
