"""The subscriptions database: tables, engine factory and Alembic migrations.

Only the store (`store/`) touches these; everything else goes through its `Store`.
"""

from .engine import make_async_engine, make_engine, migrate, read_only
from .tables import (
    deleted_subscriptions,
    deliveries,
    delivery_ledger,
    digest_items,
    digests,
    event_sources,
    metadata,
    subscriptions,
)

__all__ = [
    "deleted_subscriptions",
    "deliveries",
    "delivery_ledger",
    "digest_items",
    "digests",
    "event_sources",
    "make_async_engine",
    "make_engine",
    "metadata",
    "migrate",
    "read_only",
    "subscriptions",
]
