"""Whether the Kafka broker answers, kept current in the background for `/readyz`.

Why a metadata request of its own: the clients a service already runs do not tell. A
consumer's fetch just returns nothing while the broker is away, and a producer only fails
once its retries or its buffer run out; a readiness probe has to know within seconds.
"""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaClient
from aiokafka.errors import KafkaError

from ._shutdown import Stop, pause, stopped


class BrokerWatch:
    """`ok` is True while the broker answered the last metadata request within `timeout`.

    Give it the client of a producer the service runs anyway (`producer.client`), or a
    bootstrap address, for which it opens (and at the end closes) a client of its own. A
    service that sees the broker fail elsewhere may set `ok = False` at once; the next
    check sets it again.
    """

    def __init__(
        self,
        client: AIOKafkaClient | str,
        *,
        interval: float = 5.0,
        timeout: float = 5.0,
        client_id: str = "pactwatch-health",
    ) -> None:
        self.ok = False
        self.interval = interval
        self.timeout = timeout
        self._client = client
        self._client_id = client_id

    async def check(self, client: AIOKafkaClient) -> bool:
        """Ask the broker for the cluster's metadata once; update and return `ok`."""
        try:
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
            # that arrives as the request completes, and the watch would never end.
            async with asyncio.timeout(self.timeout):
                if not client.cluster.brokers():  # a client of our own, not bootstrapped yet
                    await client.bootstrap()
                await client.fetch_all_metadata()
            self.ok = True
        except (KafkaError, TimeoutError, OSError):
            self.ok = False
        return self.ok

    async def run(self, stop: Stop = None) -> None:
        """Check every `interval` seconds until `stop` says so (or the task is cancelled)."""
        own = isinstance(self._client, str)
        client = (
            AIOKafkaClient(bootstrap_servers=self._client, client_id=self._client_id)
            if isinstance(self._client, str)
            else self._client
        )
        try:
            while not stopped(stop):
                await self.check(client)
                await pause(self.interval, stop)
        finally:
            if own:
                await client.close()
