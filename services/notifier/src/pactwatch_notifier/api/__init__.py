"""The subscriptions API process (`pactwatch-notifier-api`): FastAPI, its own replicas."""
