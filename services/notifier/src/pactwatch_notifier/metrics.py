"""Prometheus metrics of the notifier (`pactwatch_notifier_*`)."""

from prometheus_client import Counter, Gauge, Histogram

from pactwatch_runtime import ErrorsFrom, register_dead_letter_counter, register_standard_metrics

from . import __version__

CONSUMED = Counter("pactwatch_notifier_events_consumed_total", "Event messages read from Kafka.")
INVALID = Counter(
    "pactwatch_notifier_invalid_messages_total", "Messages that are no valid event.", ["reason"]
)
DELIVERIES = Counter(
    "pactwatch_notifier_deliveries_total",
    "Finished delivery steps by channel and outcome: delivered, retry_scheduled, "
    "dead_lettered, disabled (410 switched the subscription off), skipped_disabled.",
    ["channel", "outcome"],
)
ATTEMPTS = Counter(
    "pactwatch_notifier_delivery_attempts_total",
    "Delivery attempts by channel and result (accepted, retryable, permanent).",
    ["channel", "result"],
)
DUPLICATES = Counter(
    "pactwatch_notifier_duplicates_skipped_total",
    "Deliveries skipped because the delivery ledger shows them done (or handed on).",
)
CLAIMS_WAITED = Counter(
    "pactwatch_notifier_ledger_claims_waited_total",
    "Claims found held by a live attempt (this or another replica): asked again shortly.",
)
LEDGER_BATCH_SECONDS = Histogram(
    "pactwatch_notifier_ledger_batch_seconds",
    "One batch of delivery ledger requests written (one transaction).",
    buckets=(0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
)
LEDGER_BATCH_SIZE = Histogram(
    "pactwatch_notifier_ledger_batch_requests",
    "Requests (claims, outcomes, sources) per delivery ledger batch.",
    buckets=(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000),
)
LATENCY = Histogram(
    "pactwatch_notifier_delivery_latency_seconds",
    "From the article's fetch time to the receiver accepting the alert.",
    ["channel"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 7200, 86400),
)
RETRY_QUEUE = Gauge(
    "pactwatch_notifier_retry_queue_depth",
    "Retry records this replica holds until they are due (its share of the retry topic).",
)
RETRIES_PUBLISHED = Counter(
    "pactwatch_notifier_retries_published_total", "Deliveries handed to the retry topic."
)
IN_FLIGHT = Gauge(
    "pactwatch_notifier_events_in_flight", "Event records being worked on (not yet committable)."
)
DEAD_LETTERS = register_dead_letter_counter("pactwatch_notifier")
SUBSCRIPTIONS = Gauge(
    "pactwatch_notifier_subscriptions", "Subscriptions known to this worker (any state)."
)
ACTIVE = Gauge("pactwatch_notifier_active_subscriptions", "Subscriptions in state active.")
DISABLED = Gauge(
    "pactwatch_notifier_disabled_subscriptions",
    "Subscriptions in state disabled (410 Gone or repeated permanent failures).",
)
DISABLED_TOTAL = Counter(
    "pactwatch_notifier_subscriptions_disabled_total",
    "Times this worker disabled a subscription (410 Gone, repeated permanent failures).",
)
STORE_ERRORS = Counter(
    "pactwatch_notifier_store_errors_total",
    "Failed calls to the subscriptions database, by operation (refresh, record, disable).",
    ["operation"],
)
DIGEST_ITEMS = Counter(
    "pactwatch_notifier_digest_items_total",
    "Matching events stored for a digest subscription's next digest.",
)
DIGESTS = Counter(
    "pactwatch_notifier_digests_total",
    "Digest emails by outcome: sent, retry_scheduled, failed.",
    ["outcome"],
)
DIGEST_EVENTS = Counter(
    "pactwatch_notifier_digest_events_total", "Events listed in the digests sent."
)
DIGEST_PENDING = Gauge(
    "pactwatch_notifier_digest_subscriptions_pending",
    "Digest subscriptions with events waiting for their next digest.",
)

for _channel in ("webhook", "email"):  # the first alert's latency is an increase too
    LATENCY.labels(_channel)

# The standard set every Pactwatch service exports (runtime/README.md). Errors by kind are
# one view over the counters above (invalid messages, failed delivery attempts, store errors)
# plus refused produces and failed lag reads.
STANDARD = register_standard_metrics(
    "pactwatch_notifier",
    __version__,
    processing=(
        "Time from taking an event or retry record to finishing its work (deliveries included)."
    ),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    error_kinds=["produce_failed", "lag_refresh", "record_failed"],
    errors_from=[
        ErrorsFrom(INVALID, "reason", "invalid"),
        ErrorsFrom(ATTEMPTS, "result", "delivery", only=frozenset({"retryable", "permanent"})),
        ErrorsFrom(STORE_ERRORS, "operation", "store"),
    ],
)
