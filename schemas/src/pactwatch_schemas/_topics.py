"""Default topic names. Services read the actual names from their settings."""

ARTICLES_TOPIC = "pactwatch.articles"
EVENTS_TOPIC = "pactwatch.events"
DEAD_LETTER_TOPIC = "pactwatch.deadletter"
NOTIFIER_RETRY_TOPIC = "pactwatch.notifier.retry"
