"""Prometheus metrics of the notifier (`pactwatch_notifier_*`)."""

from prometheus_client import Counter, Gauge, Histogram, Info

from . import __version__

BUILD = Info("pactwatch_notifier_build", "Version of the running notifier.")
BUILD.info({"version": __version__})

CONSUMED = Counter("pactwatch_notifier_events_consumed_total", "Event messages read from Kafka.")
INVALID = Counter(
    "pactwatch_notifier_invalid_messages_total", "Messages that are no valid event.", ["reason"]
)
DELIVERIES = Counter(
    "pactwatch_notifier_deliveries_total",
    "Deliveries by channel and outcome.",
    ["channel", "outcome"],
)
ATTEMPTS = Counter(
    "pactwatch_notifier_delivery_attempts_total", "Delivery attempts by channel.", ["channel"]
)
DUPLICATES = Counter(
    "pactwatch_notifier_duplicates_skipped_total",
    "Deliveries skipped because the delivery log shows them done.",
)
LATENCY = Histogram(
    "pactwatch_notifier_delivery_latency_seconds",
    "From the article's fetch time to the receiver accepting the alert.",
    ["channel"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800),
)
DEAD_LETTERS = Counter(
    "pactwatch_notifier_dead_letters_total", "Messages sent to the dead-letter topic.", ["reason"]
)
SUBSCRIPTIONS = Gauge("pactwatch_notifier_subscriptions", "Subscriptions loaded.")
