"""`pactwatch-notifier`: deliver events to subscribers, settings from the environment."""

from __future__ import annotations

import asyncio
import signal
import time

import structlog
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from pactwatch_runtime import (
    CountingConsumer,
    CountingProducer,
    LagWatch,
    bounded,
    run_service,
    start_ops_server,
)

from .core.config import Settings
from .metrics import STANDARD
from .store import Store
from .subscriptions_file import SubscriptionsFileError, load_subscriptions
from .worker import Worker

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


def open_store(settings: Settings) -> Store:
    """The subscriptions database, migrated to the newest schema, with the YAML bootstrap
    file (if there is one) imported: new ids created, known ones updated but keeping their
    state (an import never re-enables what a 410 or the subscriber switched off)."""
    store = Store(settings.database_url_resolved)
    for attempt in range(30):
        try:
            store.migrate()
            break
        except OperationalError as exc:  # PostgreSQL still starting
            if attempt == 29:
                raise
            log.warning("database_unavailable", error=str(exc)[:300], attempt=attempt + 1)
            time.sleep(1)
    path = settings.subscriptions_file
    if path.exists():
        created = updated = 0
        for entry in load_subscriptions(path):
            _, new = store.subscriptions.upsert(entry.to_create(), keep_state=True)
            created += new
            updated += not new
        log.info("subscriptions_imported", file=str(path), created=created, updated=updated)
    return store


async def run(settings: Settings) -> None:
    store = await asyncio.to_thread(open_store, settings)
    subscriptions = await asyncio.to_thread(store.subscriptions.all)
    for attempt in range(30):
        try:
            await ensure_retry_topic(settings)
            break
        except KafkaError as exc:
            log.warning("retry_topic_check_failed", error=repr(exc), attempt=attempt + 1)
            await asyncio.sleep(1)
    consumer = CountingConsumer(  # counts records read per topic
        STANDARD,
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=settings.group_id,
        client_id="pactwatch-notifier",
        enable_auto_commit=False,  # committed by hand, behind the finished work
        auto_offset_reset="earliest",
        max_poll_interval_ms=600_000,
        session_timeout_ms=int(settings.session_timeout_seconds * 1000),
        heartbeat_interval_ms=max(300, int(settings.session_timeout_seconds * 1000 / 3)),
        # Room for the revoke callback (sends under way finish first) before the group
        # gives up waiting for this member to rejoin.
        rebalance_timeout_ms=int(
            max(settings.session_timeout_seconds, 3 * settings.shutdown_grace_seconds) * 1000
        ),
    )
    producer = CountingProducer(  # counts messages acked per topic
        STANDARD,
        bootstrap_servers=settings.kafka_bootstrap,
        client_id="pactwatch-notifier",
        enable_idempotence=True,
        max_request_size=2 * 1024 * 1024,
        linger_ms=2,
    )
    await producer.start()
    await consumer.start()
    worker = Worker(settings, store, subscriptions, consumer, producer)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stop)
    ops = await start_ops_server(
        settings.http_host, settings.http_port, lambda: {"kafka": worker.broker.ok}
    )
    lag_watch = LagWatch(
        settings.kafka_bootstrap,
        settings.group_id,
        [settings.events_topic, settings.retry_topic],
        STANDARD,
        interval=settings.lag_interval_seconds,
    )
    lag_stop = asyncio.Event()
    lag = asyncio.create_task(lag_watch.run(lag_stop), name="consumer-lag")
    log.info(
        "started",
        subscriptions=len(subscriptions),
        http_port=settings.http_port,
        retry_topic=settings.retry_topic,
        max_attempts=settings.max_attempts,
    )
    try:
        await worker.run()
    finally:
        lag_stop.set()
        lag.cancel()
        await asyncio.gather(lag, return_exceptions=True)
        # Bounded: a broker that is away must not keep a stopping process alive.
        grace = settings.shutdown_grace_seconds
        await bounded(consumer.stop(), grace, "consumer_stop")
        await bounded(producer.stop(), grace, "producer_stop")
        await ops.cleanup()
        store.close()
        log.info("stopped")


def main() -> None:
    run_service(
        "pactwatch-notifier",
        Settings,
        run,
        fatal={
            SubscriptionsFileError: ("bad_subscriptions_file", 2),
            # The database unreachable, or a bad import.
            SQLAlchemyError: ("subscriptions_database_failed", 1),
            ValueError: ("subscriptions_database_failed", 1),
        },
    )


if __name__ == "__main__":
    main()
