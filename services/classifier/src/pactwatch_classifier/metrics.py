"""Prometheus metrics of the classifier (`pactwatch_classifier_*`)."""

from prometheus_client import Counter, Histogram, Info

from . import __version__

BUILD = Info("pactwatch_classifier_build", "Version of the running classifier.")
BUILD.info({"version": __version__})

ARTICLES = Counter(
    "pactwatch_classifier_articles_total", "Articles classified, by top label.", ["label"]
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
