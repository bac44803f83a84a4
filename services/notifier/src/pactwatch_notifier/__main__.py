"""`pactwatch-notifier`: deliver events to subscribers, settings from the environment."""

from __future__ import annotations

import asyncio
import signal
import sys

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from .core.config import Settings
from .core.logging import configure_logging
from .ops import start_ops_server
from .service import Notifier
from .subscriptions import SubscriptionsFileError, load_subscriptions

log = structlog.get_logger("pactwatch.notifier")


async def run(settings: Settings) -> None:
    subscriptions = load_subscriptions(settings.subscriptions_file)
    consumer = AIOKafkaConsumer(
        settings.events_topic,
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=settings.group_id,
        client_id="pactwatch-notifier",
        enable_auto_commit=False,  # committed by hand, after delivery
        auto_offset_reset="earliest",
        max_poll_interval_ms=600_000,
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id="pactwatch-notifier",
        enable_idempotence=True,
        max_request_size=2 * 1024 * 1024,
    )
    await producer.start()
    await consumer.start()
    notifier = Notifier(settings, subscriptions, consumer, producer)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, notifier.stop)
    ops = await start_ops_server(
        settings.http_host, settings.http_port, lambda: {"kafka": notifier.broker_ok}
    )
    log.info("started", subscriptions=len(subscriptions), http_port=settings.http_port)
    try:
        await notifier.run()
    finally:
        await consumer.stop()
        await producer.stop()
        await ops.cleanup()
        log.info("stopped")


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    try:
        asyncio.run(run(settings))
    except SubscriptionsFileError as exc:
        log.error("bad_subscriptions_file", error=str(exc))
        sys.exit(2)


if __name__ == "__main__":
    main()
