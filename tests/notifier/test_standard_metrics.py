"""The notifier's share of the standard metrics (runtime/README.md): consumer lag per partition
of its group (events and retry topics, read from the broker), messages consumed and produced
per topic, errors by kind; and the dead-letter series exist from the start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from pactwatch_devtools import WebhookReceiver, wait_until
from pactwatch_schemas import encode

from .helpers import SECRET, make_event, produce


@pytest.mark.unit
def test_errors_view_names_invalid_messages_and_failed_attempts() -> None:
    from pactwatch_notifier import metrics

    def kinds() -> dict[str, float]:
        (family,) = metrics.STANDARD.errors.collect()
        return {s.labels["kind"]: s.value for s in family.samples}

    before = kinds()
    metrics.INVALID.labels("invalid_json").inc(2)
    metrics.ATTEMPTS.labels("webhook", "accepted").inc(5)
    metrics.ATTEMPTS.labels("webhook", "retryable").inc(1)
    after = kinds()
    grew = {k: v - before.get(k, 0.0) for k, v in after.items() if v != before.get(k, 0.0)}
    assert grew == {"invalid_invalid_json": 2, "delivery_retryable": 1}


@pytest.mark.integration
def test_notifier_exports_lag_and_traffic_per_topic(
    tmp_path: Path,
    kafka: str,
    topics: dict[str, str],
    notifier_env: dict[str, str],
    start_service: Any,
) -> None:
    with WebhookReceiver(secret=SECRET) as hooks:
        subs = tmp_path / "subs.yaml"
        subs.write_text(
            "subscriptions:\n"
            f"  - id: hook\n    webhook: {{url: '{hooks.url}', secrets: ['{SECRET}']}}\n"
        )
        notifier = start_service(
            "notifier",
            {
                **notifier_env,
                "PACTWATCH_NOTIFIER_SUBSCRIPTIONS_FILE": str(subs),
                "PACTWATCH_NOTIFIER_LAG_INTERVAL_SECONDS": "0.5",
            },
        )
        text = httpx.get(notifier.base_url + "/metrics", timeout=5).text
        assert 'pactwatch_notifier_dead_letters_total{reason="invalid_json"} 0.0' in text
        produce(kafka, topics["events"], [encode(make_event(i)) for i in range(3)] + [b"{x"])
        wait_until(lambda: len(hooks.received) == 3, 60, "3 alerts delivered")

        def metric(name: str, labels: dict[str, str]) -> float:
            return notifier.metric(name, labels)

        wait_until(
            lambda: (
                metric("pactwatch_notifier_messages_consumed_total", {"topic": topics["events"]})
                == 4
            ),
            30,
            "4 records consumed from the events topic",
        )
        wait_until(
            lambda: (
                metric(
                    "pactwatch_notifier_messages_produced_total", {"topic": topics["deadletter"]}
                )
                == 1
            ),
            30,
            "the bad record's dead letter acknowledged",
        )
        assert metric("pactwatch_notifier_errors_total", {"kind": "invalid_invalid_json"}) == 1

        def lag() -> dict[tuple[str, str], float]:
            body = httpx.get(notifier.base_url + "/metrics", timeout=5).text
            return {
                (s.labels["topic"], s.labels["partition"]): s.value
                for family in text_string_to_metric_families(body)
                if family.name == "pactwatch_notifier_consumer_lag"
                for s in family.samples
            }

        wanted = {(t, str(p)) for t in (topics["events"], topics["retry"]) for p in range(6)}
        wait_until(
            lambda: set(lag()) == wanted and not any(lag().values()),
            30,
            "lag of every events and retry partition reported, and drained to 0",
        )
