"""The standard metrics: the names and labels `deploy/` relies on, registered only on request."""

from __future__ import annotations

import subprocess
import sys
from typing import get_args

import pytest
from prometheus_client import CollectorRegistry, Counter, generate_latest

from pactwatch_runtime import (
    ErrorsFrom,
    register_build_info,
    register_dead_letter_counter,
    register_standard_metrics,
)
from pactwatch_schemas import DeadLetterReason

pytestmark = pytest.mark.unit


def families(registry: CollectorRegistry) -> dict[str, str]:
    return {f.name: f.type for f in registry.collect()}


def test_the_standard_names_and_types() -> None:
    registry = CollectorRegistry()
    metrics = register_standard_metrics(
        "pactwatch_x", "1.2.3", processing="Time for one thing.", registry=registry
    )
    assert families(registry) == {
        "pactwatch_x_messages_consumed": "counter",
        "pactwatch_x_messages_produced": "counter",
        "pactwatch_x_processing_duration_seconds": "histogram",
        "pactwatch_x_errors": "counter",
        "pactwatch_x_consumer_lag": "gauge",
        "pactwatch_x_build": "info",
    }
    metrics.consumed.labels("t").inc(2)
    metrics.produced.labels("t").inc()
    metrics.processing.observe(0.3)
    metrics.errors.inc("produce_failed")
    assert metrics.consumer_lag is not None
    metrics.consumer_lag.labels("t", "0").set(5)
    sample = registry.get_sample_value
    assert sample("pactwatch_x_messages_consumed_total", {"topic": "t"}) == 2
    assert sample("pactwatch_x_messages_produced_total", {"topic": "t"}) == 1
    assert sample("pactwatch_x_processing_duration_seconds_count") == 1
    assert sample("pactwatch_x_errors_total", {"kind": "produce_failed"}) == 1
    assert sample("pactwatch_x_consumer_lag", {"topic": "t", "partition": "0"}) == 5
    assert sample("pactwatch_x_build_info", {"version": "1.2.3"}) == 1
    text = generate_latest(registry).decode()
    assert "# HELP pactwatch_x_processing_duration_seconds Time for one thing." in text


def test_without_a_consumer_group_there_is_no_lag_gauge() -> None:
    registry = CollectorRegistry()
    metrics = register_standard_metrics(
        "pactwatch_y", "1", processing="p", consumer_lag=False, registry=registry
    )
    assert metrics.consumer_lag is None
    assert "pactwatch_y_consumer_lag" not in families(registry)


def test_errors_by_kind_are_own_counts_and_a_view_over_the_services_counters() -> None:
    registry = CollectorRegistry()
    fetches = Counter("f_total", "f", ["outcome"], registry=registry)
    attempts = Counter("a_total", "a", ["result"], registry=registry)
    metrics = register_standard_metrics(
        "pactwatch_z",
        "1",
        processing="p",
        error_kinds=["produce_failed"],
        errors_from=[
            ErrorsFrom(fetches, "outcome", "fetch", ignore=frozenset({"200", "304"})),
            ErrorsFrom(attempts, "result", "delivery", only=frozenset({"retryable"})),
        ],
        registry=registry,
    )
    assert metrics.errors.totals() == {"produce_failed": 0.0}  # shown at 0 from the start
    fetches.labels("200").inc(5)
    fetches.labels("timeout").inc(2)
    attempts.labels("accepted").inc(3)
    attempts.labels("retryable").inc()
    metrics.errors.inc("lag_refresh")
    assert metrics.errors.totals() == {
        "produce_failed": 0.0,
        "fetch_timeout": 2.0,
        "delivery_retryable": 1.0,
        "lag_refresh": 1.0,
    }
    assert registry.get_sample_value("pactwatch_z_errors_total", {"kind": "fetch_timeout"}) == 2
    assert metrics.errors.value("nothing") == 0.0
    assert metrics.errors.documentation == (
        "Errors by kind: delivery_<result>, fetch_<outcome>, produce_failed."
    )


def test_dead_letters_by_reason_start_at_zero_for_every_reason() -> None:
    registry = CollectorRegistry()
    register_dead_letter_counter("pactwatch_d", registry=registry)
    for reason in get_args(DeadLetterReason):
        assert registry.get_sample_value("pactwatch_d_dead_letters_total", {"reason": reason}) == 0


def test_build_info_of_a_process_without_the_rest() -> None:
    registry = CollectorRegistry()
    register_build_info("pactwatch_api", "9.9", registry=registry)
    assert registry.get_sample_value("pactwatch_api_build_info", {"version": "9.9"}) == 1


def test_importing_the_package_registers_nothing() -> None:
    code = (
        "import pactwatch_runtime\n"
        "from prometheus_client import REGISTRY\n"
        "print([f.name for f in REGISTRY.collect() if f.name.startswith('pactwatch')])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
