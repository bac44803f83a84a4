"""Prometheus metrics of the classifier (`pactwatch_classifier_*`)."""

from typing import get_args

from prometheus_client import Counter, Gauge, Histogram, Info

from pactwatch_schemas import DeadLetterReason

from . import __version__

BUILD = Info("pactwatch_classifier_build", "Version of the running classifier.")
BUILD.info({"version": __version__})

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
DEAD_LETTERS = Counter(
    "pactwatch_classifier_dead_letters_total", "Messages sent to the dead-letter topic.", ["reason"]
)
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

# The standard set every Pactwatch service exports (same names with its own prefix).
CONSUMER_LAG = Gauge(
    "pactwatch_classifier_consumer_lag",
    "Messages the consumer group has yet to read, per partition (end offset - committed).",
    ["topic", "partition"],
)
CONSUMED = Counter(
    "pactwatch_classifier_messages_consumed_total", "Messages read from Kafka.", ["topic"]
)
PRODUCED = Counter(
    "pactwatch_classifier_messages_produced_total",
    "Messages the broker acknowledged.",
    ["topic"],
)
PROCESSING_SECONDS = Histogram(
    "pactwatch_classifier_processing_duration_seconds",
    "Time to process one consumed message: decode, classify, hand its events to the producer.",
    buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1),
)
ERRORS = Counter(
    "pactwatch_classifier_errors_total",
    "Errors by kind: the dead-letter reasons, produce_failed, lag_refresh.",
    ["kind"],
)

# Series exist from the start at 0, so the first dead letter is an increase Prometheus sees.
for _reason in get_args(DeadLetterReason):
    DEAD_LETTERS.labels(_reason)
