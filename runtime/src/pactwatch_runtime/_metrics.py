"""The standard metrics: the series every Pactwatch service exports under its own prefix.

The alert rules and the dashboards (`deploy/`) are written once for all services against
these names and labels, so they are made here, in one place, and nowhere else. Nothing is
registered when this module is imported: a service calls `register_standard_metrics` (once,
in its own metrics module), and a test can pass a registry of its own.
The names, labels and meanings are listed in `runtime/README.md`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import get_args

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, Info
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from pactwatch_schemas import DeadLetterReason

#: Seconds, from a fast decode to a slow poll of a listing with its pages.
DEFAULT_BUCKETS = (0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30)


@dataclass(frozen=True, slots=True)
class ErrorsFrom:
    """Errors a service already counts in a counter of its own, shown again in
    `<prefix>_errors_total` as kind `<kind_prefix>_<label value>`.

    `only` keeps just these label values (the others are no errors); `ignore` drops these.
    """

    counter: Counter
    label: str
    kind_prefix: str
    only: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()

    def wanted(self, value: str) -> bool:
        return (self.only is None or value in self.only) and value not in self.ignore


class ErrorsCollector(Collector):
    """`<prefix>_errors_total{kind}`: one view over every error a service counts.

    Errors that have no counter of their own are counted here (`inc`); those a service
    counts already are read from its counters at scrape time (`ErrorsFrom`), so nothing is
    counted twice in code and the two views cannot disagree.
    """

    def __init__(
        self,
        name: str,
        documentation: str,
        *,
        kinds: Iterable[str] = (),
        derived: Iterable[ErrorsFrom] = (),
    ) -> None:
        self.name = name
        self.documentation = documentation
        self._derived = list(derived)
        self._counts: dict[str, float] = dict.fromkeys(kinds, 0.0)
        self._lock = threading.Lock()

    def inc(self, kind: str, amount: float = 1.0) -> None:
        """Count `amount` errors of `kind`."""
        with self._lock:
            self._counts[kind] = self._counts.get(kind, 0.0) + amount

    def value(self, kind: str) -> float:
        """The current total of one kind (what a scrape would show)."""
        return self.totals().get(kind, 0.0)

    def totals(self) -> dict[str, float]:
        """Every kind's total, own counts and derived ones together."""
        with self._lock:
            kinds = dict(self._counts)
        for source in self._derived:
            for family in source.counter.collect():
                for sample in family.samples:
                    value = sample.labels.get(source.label, "")
                    if not sample.name.endswith("_total") or not source.wanted(value):
                        continue
                    key = f"{source.kind_prefix}_{value}"
                    kinds[key] = kinds.get(key, 0.0) + sample.value
        return kinds

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(self.name, self.documentation, labels=["kind"])
        for kind, total in sorted(self.totals().items()):
            family.add_metric([kind], total)
        yield family


@dataclass(frozen=True, slots=True)
class StandardMetrics:
    """One service's standard series (see `register_standard_metrics`)."""

    prefix: str
    consumed: Counter
    produced: Counter
    processing: Histogram
    errors: ErrorsCollector
    build: Info
    #: None for a service whose consumer group holds no work to lag behind (the crawler's
    #: group only shares out sources).
    consumer_lag: Gauge | None = None


def register_standard_metrics(
    prefix: str,
    version: str,
    *,
    processing: str,
    buckets: Sequence[float] = DEFAULT_BUCKETS,
    consumer_lag: bool = True,
    error_kinds: Iterable[str] = (),
    errors_from: Iterable[ErrorsFrom] = (),
    registry: CollectorRegistry = REGISTRY,
) -> StandardMetrics:
    """Make and register the standard series named `<prefix>_…` (e.g. `pactwatch_crawler`).

    `processing` says what one `<prefix>_processing_duration_seconds` observation times (it
    becomes the help text); `error_kinds` are error kinds shown at 0 from the start, so the
    first one is an increase Prometheus sees; `errors_from` are the service's own error
    counters to show again by kind.
    """
    derived = list(errors_from)
    kinds = list(error_kinds)
    shapes = sorted({f"{d.kind_prefix}_<{d.label}>" for d in derived} | set(kinds))
    errors = ErrorsCollector(
        f"{prefix}_errors",
        "Errors by kind" + (f": {', '.join(shapes)}." if shapes else "."),
        kinds=kinds,
        derived=derived,
    )
    registry.register(errors)
    lag = None
    if consumer_lag:
        lag = Gauge(
            f"{prefix}_consumer_lag",
            "Messages the consumer group has yet to read, per partition (end offset - committed).",
            ["topic", "partition"],
            registry=registry,
        )
    return StandardMetrics(
        prefix=prefix,
        consumed=Counter(
            f"{prefix}_messages_consumed_total",
            "Messages read from Kafka, by topic.",
            ["topic"],
            registry=registry,
        ),
        produced=Counter(
            f"{prefix}_messages_produced_total",
            "Messages the broker acknowledged, by topic.",
            ["topic"],
            registry=registry,
        ),
        processing=Histogram(
            f"{prefix}_processing_duration_seconds",
            processing,
            buckets=tuple(buckets),
            registry=registry,
        ),
        errors=errors,
        build=register_build_info(prefix, version, registry=registry),
        consumer_lag=lag,
    )


def register_build_info(
    prefix: str, version: str, *, registry: CollectorRegistry = REGISTRY
) -> Info:
    """`<prefix>_build_info{version}` = 1: which release each replica runs (a rollout shows
    two versions side by side)."""
    build = Info(f"{prefix}_build", "Version of the running process.", registry=registry)
    build.info({"version": version})
    return build


def register_dead_letter_counter(prefix: str, *, registry: CollectorRegistry = REGISTRY) -> Counter:
    """`<prefix>_dead_letters_total{reason}`, every reason at 0 from the start (so the
    first dead letter is an increase an alert rule sees)."""
    counter = Counter(
        f"{prefix}_dead_letters_total",
        "Messages sent to the dead-letter topic.",
        ["reason"],
        registry=registry,
    )
    for reason in get_args(DeadLetterReason):
        counter.labels(reason)
    return counter
