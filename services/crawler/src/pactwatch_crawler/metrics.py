"""Prometheus metrics of the crawler (`pactwatch_crawler_*`).

Per-source series carry the `source` label so an operator can alert on one stale or failing
source; a few thousand sources stay well within what Prometheus handles.
"""

from collections.abc import Sequence

from prometheus_client import Counter, Gauge, Histogram

from pactwatch_runtime import ErrorsFrom, register_standard_metrics

from . import __version__

# Listing polls (feed, listing page, sitemap): outcome is 200, 304 or the error kind.
FETCHES = Counter(
    "pactwatch_crawler_fetches_total",
    "Source listing fetches by outcome (200, 304, error kind).",
    ["source", "outcome"],
)
FETCH_SECONDS = Histogram(
    "pactwatch_crawler_fetch_duration_seconds",
    "Time to fetch one document, listings and article pages.",
    ["what"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
BYTES = Counter("pactwatch_crawler_fetched_bytes_total", "Response bytes read.", ["what"])
PAGES = Counter(
    "pactwatch_crawler_pages_total",
    "Article pages: extracted, no_text (extractor found none) or the fetch error kind.",
    ["outcome"],
)
PUBLISHED = Counter(
    "pactwatch_crawler_articles_published_total", "Articles published to Kafka.", ["source"]
)
ALREADY_SEEN = Counter(
    "pactwatch_crawler_articles_already_seen_total",
    "Entries skipped because their article was published before.",
    ["source"],
)
NEAR_DUPLICATES = Counter(
    "pactwatch_crawler_near_duplicates_total",
    "Articles published with duplicate_of: the same text as an earlier article.",
    ["source"],
)
ENTRIES_SKIPPED = Counter(
    "pactwatch_crawler_entries_skipped_total",
    "Listing entries that make no article, by reason.",
    ["reason"],
)
PUBLISH_ERRORS = Counter(
    "pactwatch_crawler_publish_errors_total", "Articles the broker did not accept."
)
ROBOTS_REFUSALS = Counter(
    "pactwatch_crawler_robots_refusals_total", "URLs not fetched because robots.txt refuses."
)
LAST_SUCCESS = Gauge(
    "pactwatch_crawler_source_last_success_timestamp_seconds",
    "Unix time of the last successful poll of each source owned here.",
    ["source"],
)
CONSECUTIVE_FAILURES = Gauge(
    "pactwatch_crawler_source_consecutive_failures",
    "Failed polls in a row, per source owned here.",
    ["source"],
)
FAILING = Gauge(
    "pactwatch_crawler_sources_failing",
    "Sources owned here that failed their last N polls (still retried at the max interval).",
)
SOURCES = Gauge("pactwatch_crawler_sources", "Sources configured.")
OWNED = Gauge("pactwatch_crawler_sources_owned", "Sources this replica polls now.")
PARTITIONS = Gauge(
    "pactwatch_crawler_assigned_partitions", "Sources-topic partitions assigned to this replica."
)
REBALANCES = Counter(
    "pactwatch_crawler_rebalances_total", "Partition assignments received from the group."
)
INTERVAL = Gauge(
    "pactwatch_crawler_source_interval_seconds",
    "Current adaptive poll interval, per source owned here.",
    ["source"],
)
SEEN = Gauge("pactwatch_crawler_seen_articles", "Article ids in the local seen cache.")
NEAR_DUP_INDEX = Gauge(
    "pactwatch_crawler_near_duplicate_index_size", "Fingerprints in the near-duplicate window."
)

# The standard set every Pactwatch service exports (runtime/README.md). No consumer lag: the
# crawler's group only shares out the sources (it commits no offsets; state lives in the
# compacted records), so a group lag would mean nothing. Errors by kind are the failed listing
# fetches (`fetch_<outcome>`), failed article pages (`page_<outcome>`) and refused produces.
STANDARD = register_standard_metrics(
    "pactwatch_crawler",
    __version__,
    processing="Time for one whole poll of a source: listing, pages, publishing.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
    consumer_lag=False,
    error_kinds=["produce_failed"],
    errors_from=[
        ErrorsFrom(FETCHES, "outcome", "fetch", ignore=frozenset({"200", "304"})),
        ErrorsFrom(PAGES, "outcome", "page", ignore=frozenset({"extracted", "no_text"})),
    ],
)


def start_series(source_ids: Sequence[str]) -> None:
    """Series at 0 from the start, so dashboards and alert rules see them before the first
    event (an increase from nothing is no increase to `rate`)."""
    SOURCES.set(len(source_ids))
    for source_id in source_ids:
        for counter in (PUBLISHED, ALREADY_SEEN, NEAR_DUPLICATES):
            counter.labels(source_id)
    for outcome in ("extracted", "no_text"):
        PAGES.labels(outcome)
