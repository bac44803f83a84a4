"""The crawler's share of the standard metrics: messages produced per topic (counted by the
producer on the broker's ack, over a real broker) and errors by kind (one view over the
crawler's own error counters)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from prometheus_client import REGISTRY

from pactwatch_crawler import metrics
from pactwatch_devtools import create_topics
from pactwatch_runtime import CountingProducer


def errors() -> dict[str, float]:
    (family,) = metrics.STANDARD.errors.collect()
    return {s.labels["kind"]: s.value for s in family.samples}


@pytest.mark.unit
def test_errors_by_kind_are_the_failed_fetches_pages_and_produces() -> None:
    before = errors()
    metrics.FETCHES.labels("errs-a", "200").inc(5)
    metrics.FETCHES.labels("errs-a", "304").inc(2)
    metrics.FETCHES.labels("errs-a", "timeout").inc(3)
    metrics.FETCHES.labels("errs-b", "timeout").inc(1)
    metrics.FETCHES.labels("errs-b", "http_503").inc(1)
    metrics.PAGES.labels("extracted").inc(4)
    metrics.PAGES.labels("http_404").inc(2)
    after = errors()
    grew = {k: after[k] - before.get(k, 0.0) for k in after if after[k] != before.get(k, 0.0)}
    assert grew == {"fetch_timeout": 4, "fetch_http_503": 1, "page_http_404": 2}
    text = REGISTRY.get_sample_value("pactwatch_crawler_errors_total", {"kind": "fetch_timeout"})
    assert text == after["fetch_timeout"]


@pytest.mark.integration
def test_counting_producer_counts_acknowledged_messages_per_topic(kafka: str) -> None:
    topic = f"produced{uuid.uuid4().hex[:8]}"

    async def send() -> None:
        await create_topics(kafka, {topic: 1})
        producer = CountingProducer(metrics.STANDARD, bootstrap_servers=kafka)
        await producer.start()
        try:
            await producer.send_and_wait(topic, b"a")
            futures = [await producer.send(topic, b"b"), await producer.send(topic, b"c")]
            await asyncio.gather(*futures)
        finally:
            await producer.stop()

    asyncio.run(send())
    counted = REGISTRY.get_sample_value(
        "pactwatch_crawler_messages_produced_total", {"topic": topic}
    )
    assert counted == 3
