"""Prometheus metrics of the subscriptions API (`pactwatch_notifier_api_*`)."""

from prometheus_client import Counter, Gauge

from pactwatch_runtime import register_build_info

from .. import __version__

BUILD = register_build_info("pactwatch_notifier_api", __version__)

REQUESTS = Counter(
    "pactwatch_notifier_api_requests_total",
    "HTTP requests by route template, method and status code.",
    ["route", "method", "status"],
)
AUTH_FAILURES = Counter(
    "pactwatch_notifier_api_auth_failures_total",
    "Operator calls refused for a missing or wrong bearer token.",
    ["reason"],
)
RATE_LIMITED = Counter(
    "pactwatch_notifier_api_rate_limited_total",
    "Public requests answered 429 by the per-IP rate limit.",
    ["route"],
)
SUBSCRIPTIONS = Gauge(
    "pactwatch_notifier_api_subscriptions",
    "Stored subscriptions by state (read from the database at scrape time).",
    ["state"],
)
CONFIRMATION_EMAILS = Counter(
    "pactwatch_notifier_api_confirmation_emails_total",
    "Double opt-in confirmation emails by result (sent, failed).",
    ["result"],
)
WEBHOOKS_REFUSED = Counter(
    "pactwatch_notifier_api_webhook_targets_refused_total",
    "Webhook URLs refused by the address guard, by reason.",
    ["reason"],
)
