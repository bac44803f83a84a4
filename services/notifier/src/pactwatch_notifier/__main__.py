"""`pactwatch-notifier`: deliver events to subscribers, settings from the environment."""

from __future__ import annotations

import asyncio
import signal
import sys

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from pydantic import ValidationError

from .core.config import Settings
from .core.logging import configure_logging
from .ops import start_ops_server
from .service import Notifier
from .subscriptions import SubscriptionsFileError, load_subscriptions

log = structlog.get_logger("pactwatch.notifier")


async def ensure_retry_topic(settings: Settings) -> None:
    """Create the retry topic if it is missing, with as many partitions as the events topic
    (deploy/kafka creates it up front; this covers brokers set up by hand and tests)."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap, client_id="pactwatch-notifier"
    )
    await admin.start()
    try:
        if settings.retry_topic in set(await admin.list_topics()):
            return
        partitions, replicas = 6, 1
        described = await admin.describe_topics([settings.events_topic])
        for topic in described:
            if topic.get("error_code", 0) == 0 and topic.get("partitions"):
                partitions = len(topic["partitions"])
                replicas = len(topic["partitions"][0].get("replicas", [])) or 1
        try:
            await admin.create_topics(
                [NewTopic(settings.retry_topic, partitions, replicas)], timeout_ms=30_000
            )
            log.info("retry_topic_created", topic=settings.retry_topic, partitions=partitions)
        except TopicAlreadyExistsError:
            pass  # another replica was first
    finally:
        await admin.close()


async def run(settings: Settings) -> None:
    subscriptions = load_subscriptions(settings.subscriptions_file)
    for attempt in range(30):
        try:
            await ensure_retry_topic(settings)
            break
        except KafkaError as exc:
            log.warning("retry_topic_check_failed", error=repr(exc), attempt=attempt + 1)
            await asyncio.sleep(1)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=settings.group_id,
        client_id="pactwatch-notifier",
        enable_auto_commit=False,  # committed by hand, behind the finished work
        auto_offset_reset="earliest",
        max_poll_interval_ms=600_000,
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id="pactwatch-notifier",
        enable_idempotence=True,
        max_request_size=2 * 1024 * 1024,
        linger_ms=2,
    )
    await producer.start()
    await consumer.start()
    notifier = Notifier(settings, subscriptions, consumer, producer)
    notifier.subscribe()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, notifier.stop)
    ops = await start_ops_server(
        settings.http_host, settings.http_port, lambda: {"kafka": notifier.broker_ok}
    )
    log.info(
        "started",
        subscriptions=len(subscriptions),
        http_port=settings.http_port,
        retry_topic=settings.retry_topic,
        max_attempts=settings.max_attempts,
    )
    try:
        await notifier.run()
    finally:
        await consumer.stop()
        await producer.stop()
        await ops.cleanup()
        log.info("stopped")


def main() -> None:
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"pactwatch-notifier: bad settings: {exc}", file=sys.stderr)
        sys.exit(2)
    configure_logging(settings.log_level, settings.log_format)
    try:
        asyncio.run(run(settings))
    except SubscriptionsFileError as exc:
        log.error("bad_subscriptions_file", error=str(exc))
        sys.exit(2)


if __name__ == "__main__":
    main()
