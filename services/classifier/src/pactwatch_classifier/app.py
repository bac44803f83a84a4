"""The classifier as a faust-streaming app: articles topic -> classify -> events topic.

Read top to bottom, the agent is: take a batch -> `process` each message (decode, classify:
`process.py`) -> hand its events (or its dead letter) to the producer -> wait for the
broker's acks. faust acks the batch's offsets only after the loop body returns, so an offset
is committed only once its events are stored.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Any

import faust
from faust.sensors.prometheus import FaustMetrics, PrometheusMonitor
from prometheus_client import REGISTRY

from pactwatch_runtime import (
    BrokerWatch,
    DeadLetterSink,
    LagWatch,
    health_response,
    metrics_response,
    ready_response,
)
from pactwatch_schemas import encode

from . import metrics
from .core.config import Settings
from .process import ProcessResult, Rejected, process

#: A message handed to the producer: its topic and the future of the broker's ack.
Pending = tuple[str, Awaitable[Any]]


def create_app(settings: Settings) -> faust.App:
    app = faust.App(
        settings.app_id,
        broker=f"kafka://{settings.kafka_bootstrap}",
        store="memory://",  # no tables: the classifier is stateless
        datadir=str(settings.data_dir),
        autodiscover=False,
        web_host=settings.http_host,
        web_port=settings.http_port,
        web_bind=settings.http_host,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        broker_commit_interval=1.0,
        producer_max_request_size=2 * 1024 * 1024,
        consumer_max_fetch_size=4 * 1024 * 1024,
        broker_session_timeout=settings.session_timeout_seconds,
        broker_heartbeat_interval=settings.heartbeat_interval_seconds,
        # faust must create its own internal topic (the assignor's leader topic); ours exist
        # already (deploy/kafka), and one created here would get the same partition count.
        topic_partitions=settings.topic_partitions,
    )
    if settings.faust_metrics:
        # faust's own per-event stream metrics; they cost CPU on the hot path, so optional.
        app.monitor = PrometheusMonitor(
            metrics=FaustMetrics.create(REGISTRY, "pactwatch_classifier_faust")
        )
    articles = app.topic(
        settings.articles_topic, key_type=bytes, value_type=bytes, value_serializer="raw"
    )
    articles_name = settings.articles_topic
    events = app.topic(settings.events_topic, key_serializer="raw", value_serializer="raw")
    dead_letters = app.topic(
        settings.dead_letter_topic, key_serializer="raw", value_serializer="raw"
    )
    sink = DeadLetterSink(
        "classifier",
        lambda key, value: dead_letters.send(key=key, value=value),
        counter=metrics.DEAD_LETTERS,
    )
    standard = metrics.STANDARD
    broker = BrokerWatch(settings.kafka_bootstrap)
    lag = LagWatch(
        settings.kafka_bootstrap,
        settings.app_id,
        [settings.articles_topic],
        standard,
        interval=settings.lag_interval_seconds,
    )

    @app.agent(articles)
    async def classify_articles(stream: faust.StreamT[bytes]) -> None:
        batches = stream.take_events(  # type: ignore[attr-defined]  # missing from faust's stubs
            settings.batch_size, settings.batch_within_seconds
        )
        async for batch in batches:
            started = time.perf_counter()
            pending: list[Pending] = []
            for event in batch:
                standard.consumed.labels(event.message.topic).inc()
                one_started = time.perf_counter()
                pending.extend(await _send(event.message, process(event.value)))
                standard.processing.observe(time.perf_counter() - one_started)
            # The broker must hold the events before faust may commit the batch's offsets.
            try:
                await asyncio.gather(*(future for _, future in pending))
            except Exception:
                standard.errors.inc("produce_failed")
                raise
            for topic, _ in pending:
                standard.produced.labels(topic).inc()
            metrics.BATCH_SECONDS.observe(time.perf_counter() - started)

    async def _send(message: faust.types.Message, result: ProcessResult) -> list[Pending]:
        """Hand what `process` made of one message to the producer."""
        if isinstance(result, Rejected):
            metrics.INVALID.labels(result.reason).inc()
            standard.errors.inc(result.reason)
            letter = await sink.reject(message, result.reason, result.detail)
            return [(dead_letters.get_topic_name(), letter)]
        metrics.CLASSIFY_SECONDS.observe(result.seconds)
        metrics.ARTICLES.labels(result.label).inc()
        sent = []
        for ev in result.events:
            metrics.EVENTS.labels(ev.type).inc()
            future = await events.send(key=ev.event_id.encode(), value=encode(ev))
            sent.append((events.get_topic_name(), future))
        return sent

    # faust's own web server serves the ops endpoints (the same responses as the others').
    @app.page("/metrics")
    async def metrics_page(_view: Any, request: Any) -> Any:
        return metrics_response()

    @app.page("/healthz")
    async def healthz(_view: Any, request: Any) -> Any:
        return health_response()

    @app.page("/readyz")
    async def readyz(_view: Any, request: Any) -> Any:
        return ready_response({"kafka": broker.ok})

    # The app cancels its tasks when it stops; they also check, in case a cancellation is
    # lost inside a client's own timeout handling.
    @app.task  # type: ignore[untyped-decorator]
    async def watch_broker() -> None:
        await broker.run(lambda: bool(app.should_stop))

    @app.task  # type: ignore[untyped-decorator]
    async def watch_lag() -> None:
        await lag.run(lambda: bool(app.should_stop))

    @app.task  # type: ignore[untyped-decorator]
    async def watch_assignment() -> None:
        """Partitions this replica owns, so operators (and tests) see the split move."""
        while not app.should_stop:
            try:
                owned = [t for t in app.consumer.assignment() if t.topic == articles_name]
                metrics.ASSIGNED_PARTITIONS.set(len(owned))
            except Exception:  # the consumer is not up yet, or is rebalancing
                pass
            await asyncio.sleep(1)

    return app
