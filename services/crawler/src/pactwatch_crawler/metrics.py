"""Prometheus metrics of the crawler (`pactwatch_crawler_*`)."""

from prometheus_client import Counter, Gauge, Histogram, Info

from . import __version__

BUILD = Info("pactwatch_crawler_build", "Version of the running crawler.")
BUILD.info({"version": __version__})

FETCHES = Counter(
    "pactwatch_crawler_fetches_total", "Source fetches by outcome.", ["source", "outcome"]
)
FETCH_SECONDS = Histogram(
    "pactwatch_crawler_fetch_duration_seconds",
    "Time to fetch one source.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
BYTES = Counter("pactwatch_crawler_fetched_bytes_total", "Response bytes read.")
PUBLISHED = Counter(
    "pactwatch_crawler_articles_published_total", "Articles published to Kafka.", ["source"]
)
ALREADY_SEEN = Counter(
    "pactwatch_crawler_articles_already_seen_total", "Entries skipped as already published."
)
ENTRIES_SKIPPED = Counter(
    "pactwatch_crawler_entries_skipped_total", "Feed entries that make no article.", ["reason"]
)
PUBLISH_ERRORS = Counter(
    "pactwatch_crawler_publish_errors_total", "Articles the broker did not accept."
)
LAST_SUCCESS = Gauge(
    "pactwatch_crawler_source_last_success_timestamp_seconds",
    "Unix time of the last successful poll of each source.",
    ["source"],
)
FAILING = Gauge("pactwatch_crawler_sources_failing", "Sources whose last poll failed.")
SOURCES = Gauge("pactwatch_crawler_sources", "Sources configured.")
