"""The standard Pactwatch metrics the crawler's own modules don't count themselves.

- `pactwatch_crawler_messages_produced_total{topic}`: every message the broker acknowledged,
  counted by the producer itself (`CountingProducer`), whatever module sent it.
- `pactwatch_crawler_errors_total{kind}`: one view of every error the crawler counts: failed
  listing fetches (`fetch_<outcome>`), failed article pages (`page_<kind>`) and messages the
  broker refused (`produce_failed`). Derived at scrape time from the counters that already
  exist, so nothing is counted twice in code.

No consumer-lag gauge: the crawler's consumer group only shares out the sources (it commits
no offsets; state lives in the compacted records), so a group lag would mean nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from aiokafka import AIOKafkaProducer
from prometheus_client import REGISTRY, Counter
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from . import metrics

_FETCH_OK = {"200", "304"}
_PAGE_OK = {"extracted", "no_text"}


class CountingProducer(AIOKafkaProducer):  # type: ignore[misc]  # aiokafka has no stubs
    """An AIOKafkaProducer that counts acknowledged and refused messages per topic."""

    async def send(self, topic: str, *args: Any, **kwargs: Any) -> Any:
        future = await super().send(topic, *args, **kwargs)
        future.add_done_callback(partial(_count, topic))
        return future


def _count(topic: str, future: Any) -> None:
    if future.cancelled():
        return
    if future.exception() is not None:
        ErrorsCollector.produce_failed += 1
    else:
        metrics.PRODUCED.labels(topic).inc()


class ErrorsCollector(Collector):
    """`pactwatch_crawler_errors_total{kind}` from the crawler's existing error counters."""

    produce_failed = 0

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "pactwatch_crawler_errors",
            "Errors by kind: fetch_<outcome>, page_<kind>, produce_failed.",
            labels=["kind"],
        )
        kinds: dict[str, float] = {"produce_failed": float(self.produce_failed)}
        for sample in _totals(metrics.FETCHES):
            outcome = sample.labels["outcome"]
            if outcome not in _FETCH_OK:
                key = f"fetch_{outcome}"
                kinds[key] = kinds.get(key, 0.0) + sample.value
        for sample in _totals(metrics.PAGES):
            outcome = sample.labels["outcome"]
            if outcome not in _PAGE_OK:
                key = f"page_{outcome}"
                kinds[key] = kinds.get(key, 0.0) + sample.value
        for kind, value in sorted(kinds.items()):
            family.add_metric([kind], value)
        yield family


def _totals(counter: Counter) -> Iterator[Any]:
    for family in counter.collect():
        for sample in family.samples:
            if sample.name.endswith("_total"):
                yield sample


REGISTRY.register(ErrorsCollector())
