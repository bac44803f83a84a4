"""The metrics every Pactwatch service exports, checked on the classifier: consumer lag per
partition (against offsets committed on a real broker), messages in and out per topic,
processing duration, errors by kind, build info."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata
from prometheus_client import CollectorRegistry, Counter, Gauge
from prometheus_client.parser import text_string_to_metric_families

from pactwatch_classifier.kafka_lag import LagWatch, lag_per_partition
from pactwatch_devtools import create_topics, produce, wait_until
from pactwatch_schemas import encode

from .test_service_kafka import SIGNING, article

TP0, TP1, TP2 = (TopicPartition("a", p) for p in range(3))


@pytest.mark.unit
def test_lag_is_end_minus_committed_or_minus_the_first_offset_when_nothing_is_committed() -> None:
    end = {TP0: 10, TP1: 7, TP2: 5}
    committed = {TP0: 4, TP1: -1}  # TP1: group has no offset; TP2: not listed at all
    beginning = {TP0: 0, TP1: 2, TP2: 0}
    assert lag_per_partition(end, committed, beginning) == {TP0: 6, TP1: 5, TP2: 5}


@pytest.mark.unit
def test_lag_is_never_negative() -> None:
    assert lag_per_partition({TP0: 3}, {TP0: 5}, {TP0: 0}) == {TP0: 0}


@pytest.mark.integration
def test_lag_watch_reads_the_groups_committed_offsets_from_the_broker(kafka: str) -> None:
    topic, group = f"lag{uuid.uuid4().hex[:8]}", f"g{uuid.uuid4().hex[:8]}"
    registry = CollectorRegistry()
    gauge = Gauge("lag", "lag", ["topic", "partition"], registry=registry)
    errors = Counter("errors", "errors", ["kind"], registry=registry)

    async def scenario() -> None:
        await create_topics(kafka, {topic: 2})
        producer = AIOKafkaProducer(bootstrap_servers=kafka)
        await producer.start()
        try:
            for i in range(7):
                await producer.send_and_wait(topic, b"x", partition=0 if i < 5 else 1)
        finally:
            await producer.stop()
        # The group commits offset 2 on partition 0 and nothing on partition 1.
        consumer = AIOKafkaConsumer(
            bootstrap_servers=kafka, group_id=group, enable_auto_commit=False
        )
        await consumer.start()
        try:
            consumer.assign([TopicPartition(topic, 0)])
            await consumer.commit({TopicPartition(topic, 0): OffsetAndMetadata(2, "")})
        finally:
            await consumer.stop()
        watch = LagWatch(kafka, group, [topic], gauge, errors)
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
        offsets = AIOKafkaConsumer(bootstrap_servers=kafka, group_id=None)
        await admin.start()
        await offsets.start()
        try:
            await watch.refresh(admin, offsets)
        finally:
            await offsets.stop()
            await admin.close()

    asyncio.run(scenario())
    assert registry.get_sample_value("lag", {"topic": topic, "partition": "0"}) == 3
    assert registry.get_sample_value("lag", {"topic": topic, "partition": "1"}) == 2
    assert registry.get_sample_value("errors_total", {"kind": "lag_refresh"}) is None


@pytest.mark.integration
def test_classifier_exports_the_standard_metrics(
    kafka: str, topics: dict[str, str], pipeline_env: dict[str, str], start_service: Any
) -> None:
    classifier = start_service(
        "classifier", {**pipeline_env, "PACTWATCH_CLASSIFIER_LAG_INTERVAL_SECONDS": "0.5"}
    )
    values = [encode(article(i, SIGNING if i % 2 else "A quiet day.")) for i in range(8)]
    values.append(b"not json")
    asyncio.run(produce(kafka, topics["articles"], values))

    def consumed() -> float:
        return classifier.metric(
            "pactwatch_classifier_messages_consumed_total", {"topic": topics["articles"]}
        )

    wait_until(lambda: consumed() == 9, 60, "9 messages consumed")
    events = classifier.metric("pactwatch_classifier_events_total")
    assert events >= 4
    wait_until(
        lambda: (
            classifier.metric(
                "pactwatch_classifier_messages_produced_total", {"topic": topics["events"]}
            )
            == events
        ),
        30,
        "every event acknowledged and counted",
    )
    assert (
        classifier.metric(
            "pactwatch_classifier_messages_produced_total", {"topic": topics["deadletter"]}
        )
        == 1
    )
    assert classifier.metric("pactwatch_classifier_errors_total", {"kind": "invalid_json"}) == 1
    assert classifier.metric("pactwatch_classifier_processing_duration_seconds_count") == 9
    assert classifier.metric("pactwatch_classifier_build_info") == 1

    # Once faust committed, the group's lag is reported for every articles partition, all 0.
    def lag() -> dict[str, float]:
        text = httpx.get(classifier.base_url + "/metrics", timeout=5).text
        return {
            sample.labels["partition"]: sample.value
            for family in text_string_to_metric_families(text)
            if family.name == "pactwatch_classifier_consumer_lag"
            for sample in family.samples
            if sample.labels["topic"] == topics["articles"]
        }

    wait_until(lambda: lag() == {str(p): 0.0 for p in range(6)}, 30, "lag of 6 partitions, 0")
