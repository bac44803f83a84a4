"""Pactwatch notifier: events -> subscribers (webhook, email)."""

__version__ = "0.1.0"
