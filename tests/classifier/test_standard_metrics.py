"""The metrics every Pactwatch service exports (runtime/README.md), checked on the running
classifier: consumer lag per partition, messages in and out per topic, processing duration,
errors by kind, build info. (The lag arithmetic and the watch itself: tests/runtime.)"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from pactwatch_devtools import produce, wait_until
from pactwatch_schemas import encode

from .test_service_kafka import SIGNING, article


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
