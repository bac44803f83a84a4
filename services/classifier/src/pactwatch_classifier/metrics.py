"""Prometheus metrics of the classifier (`pactwatch_classifier_*`)."""

from prometheus_client import Counter, Gauge, Histogram

from pactwatch_runtime import register_dead_letter_counter, register_standard_metrics

from . import __version__

ARTICLES = Counter(
    "pactwatch_classifier_articles_total", "Articles classified, by top label.", ["label"]
)
ASSIGNED_PARTITIONS = Gauge(
    "pactwatch_classifier_assigned_partitions",
    "Partitions of the articles topic this replica consumes.",
)
EVENTS = Counter("pactwatch_classifier_events_total", "Events published, by type.", ["type"])
INVALID = Counter(
    "pactwatch_classifier_invalid_messages_total",
    "Article messages that could not be processed, by reason.",
    ["reason"],
)
DEAD_LETTERS = register_dead_letter_counter("pactwatch_classifier")
BATCH_SECONDS = Histogram(
    "pactwatch_classifier_batch_duration_seconds",
    "Time to classify a batch and have its events acknowledged by the broker.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
CLASSIFY_SECONDS = Histogram(
    "pactwatch_classifier_classify_duration_seconds",
    "Time to classify one article.",
    buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5),
)

# The standard set every Pactwatch service exports (runtime/README.md). Errors by kind are
# counted where they happen: the dead-letter reasons, produce_failed, lag_refresh.
STANDARD = register_standard_metrics(
    "pactwatch_classifier",
    __version__,
    processing=(
        "Time to process one consumed message: decode, classify, hand its events to the producer."
    ),
    buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1),
)
