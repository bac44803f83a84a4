"""`pactwatch-crawler`: start the crawler with settings from the environment."""

from __future__ import annotations

import asyncio
import signal
import sys

import structlog
from aiokafka import AIOKafkaProducer

from .core.config import Settings
from .core.logging import configure_logging
from .ops import start_ops_server
from .service import Crawler
from .sources import SourcesFileError, load_sources

log = structlog.get_logger("pactwatch.crawler")


async def run(settings: Settings) -> None:
    sources = load_sources(settings.sources_file)
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id="pactwatch-crawler",
        enable_idempotence=True,  # retries inside the client cannot duplicate a message
        linger_ms=5,
        max_request_size=2 * 1024 * 1024,
    )
    await producer.start()
    crawler = Crawler(settings, sources, producer)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, crawler.stop)
    ops = await start_ops_server(
        settings.http_host, settings.http_port, lambda: {"kafka": crawler.broker_ok}
    )
    log.info("started", sources=len(sources), http_port=settings.http_port)
    try:
        await crawler.run()
    finally:
        await producer.stop()  # flushes what is in flight
        await ops.cleanup()
        log.info("stopped")


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    try:
        asyncio.run(run(settings))
    except SourcesFileError as exc:
        log.error("bad_sources_file", error=str(exc))
        sys.exit(2)


if __name__ == "__main__":
    main()
