"""The classifier as a faust-streaming app: articles topic -> classify -> events topic.

Read top to bottom, the agent is: take a batch -> decode -> classify -> publish events
(and dead letters) -> wait for the broker's acks. faust acks the batch's offsets only
after the loop body returns, so an offset is committed only once its events are stored.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import faust
import structlog
from aiohttp.web import Response
from aiokafka import AIOKafkaClient
from aiokafka.errors import KafkaError
from faust.sensors.prometheus import FaustMetrics, PrometheusMonitor
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from pactwatch_schemas import Article, DecodeError, dead_letter, decode, encode

from . import metrics
from .core.config import Settings
from .detect import InvalidArticle
from .kafka_lag import LagWatch
from .pipeline import classify_article, to_events

log = structlog.get_logger("pactwatch.classifier")


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
    broker = BrokerWatch(settings.kafka_bootstrap)
    lag = LagWatch(
        settings.kafka_bootstrap,
        settings.app_id,
        [settings.articles_topic],
        metrics.CONSUMER_LAG,
        metrics.ERRORS,
        settings.lag_interval_seconds,
    )

    @app.agent(articles)
    async def classify_articles(stream: faust.StreamT[bytes]) -> None:
        batches = stream.take_events(  # type: ignore[attr-defined]  # missing from faust's stubs
            settings.batch_size, settings.batch_within_seconds
        )
        async for batch in batches:
            started = time.perf_counter()
            pending: list[tuple[str, Any]] = []
            for event in batch:
                metrics.CONSUMED.labels(event.message.topic).inc()
                one_started = time.perf_counter()
                pending.extend(await _process(event.message, event.value))
                metrics.PROCESSING_SECONDS.observe(time.perf_counter() - one_started)
            # The broker must hold the events before faust may commit the batch's offsets.
            try:
                await asyncio.gather(*(future for _, future in pending))
            except Exception:
                metrics.ERRORS.labels("produce_failed").inc()
                raise
            for topic, _ in pending:
                metrics.PRODUCED.labels(topic).inc()
            metrics.BATCH_SECONDS.observe(time.perf_counter() - started)

    async def _process(message: Any, raw: bytes) -> list[tuple[str, Any]]:
        try:
            article = decode(Article, raw)
        except DecodeError as exc:
            return [await _dead_letter(message, raw, exc.reason, exc.detail)]
        started = time.perf_counter()
        try:
            result = classify_article(article)
            out = to_events(article, result)
        except (InvalidArticle, ValueError) as exc:
            return [await _dead_letter(message, raw, "processing_error", str(exc))]
        metrics.CLASSIFY_SECONDS.observe(time.perf_counter() - started)
        metrics.ARTICLES.labels(result.label).inc()
        futures = []
        for ev in out:
            metrics.EVENTS.labels(ev.type).inc()
            sent = await events.send(key=ev.event_id.encode(), value=encode(ev))
            futures.append((events.get_topic_name(), sent))
        return futures

    async def _dead_letter(message: Any, raw: bytes, reason: Any, detail: str) -> tuple[str, Any]:
        metrics.INVALID.labels(reason).inc()
        metrics.DEAD_LETTERS.labels(reason).inc()
        metrics.ERRORS.labels(str(reason)).inc()
        log.warning(
            "dead_letter",
            reason=reason,
            detail=detail[:300],
            partition=message.partition,
            offset=message.offset,
        )
        letter = dead_letter(
            service="classifier",
            reason=reason,
            error=detail,
            source_topic=message.topic,
            payload=raw,
            partition=message.partition,
            offset=message.offset,
            key=message.key,
        )
        sent = await dead_letters.send(key=message.key, value=encode(letter))
        return dead_letters.get_topic_name(), sent

    @app.page("/metrics")
    async def metrics_page(_view: Any, request: Any) -> Any:
        # aiohttp refuses a charset inside content_type, so the header is set directly.
        return Response(
            body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    @app.page("/healthz")
    async def healthz(_view: Any, request: Any) -> Any:
        return _view.json({"status": "ok"})

    @app.page("/readyz")
    async def readyz(_view: Any, request: Any) -> Any:
        checks = {"kafka": broker.ok}
        ok = all(checks.values())
        return _view.json(
            {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
        )

    @app.task  # type: ignore[untyped-decorator]
    async def watch_broker() -> None:
        await broker.run(app)

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


class BrokerWatch:
    """Keeps `ok` current for `/readyz`: cluster metadata must come back within 5 s."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self.ok = False

    async def run(self, app: faust.App) -> None:
        client = AIOKafkaClient(bootstrap_servers=self.bootstrap, client_id="pactwatch-health")
        try:
            while not app.should_stop:
                try:
                    if not client.cluster.brokers():
                        await asyncio.wait_for(client.bootstrap(), timeout=5)
                    await asyncio.wait_for(client.fetch_all_metadata(), timeout=5)
                    self.ok = True
                except (KafkaError, TimeoutError, OSError):
                    self.ok = False
                await asyncio.sleep(5)
        finally:
            await client.close()
