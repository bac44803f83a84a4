"""The store: the subscriptions database, the only code that touches it.

Synchronous SQLAlchemy 2 Core (the API calls it from FastAPI's thread pool, the async workers
through `asyncio.to_thread`). Works the same on SQLite (the embedded default) and PostgreSQL;
the storage tests run against both. One `Store`, one part per thing it stores:

    store = Store("sqlite:///.data/notifier/subscriptions.sqlite3")
    store.migrate()
    record = store.subscriptions.create(
        SubscriptionCreate(channel=EmailChannel(address="a@example.org"))
    )
    store.deliveries.page(subscription_id=record.id)   # the outcomes the workers reported
    store.digests.pending()                            # digest items waiting for their period
    store.ledger.apply(batch, worker, lease_seconds)   # the workers' delivery ledger, batched
"""

from __future__ import annotations

from sqlalchemy import Engine

from ..db import make_async_engine, make_engine, migrate
from .claims import (
    SKIP,
    AlertKey,
    BatchResult,
    Busy,
    Claim,
    ClaimRequest,
    Go,
    LedgerBatch,
    LedgerRow,
    Outcome,
    Skip,
)
from .deliveries import Deliveries, DeliveryOutcomeRow
from .digests import ClaimedDigest, DigestItem, Digests
from .ledger import Ledger
from .subscriptions import Conflict, Subscriptions

__all__ = [
    "SKIP",
    "AlertKey",
    "BatchResult",
    "Busy",
    "Claim",
    "ClaimRequest",
    "ClaimedDigest",
    "Conflict",
    "Deliveries",
    "DeliveryOutcomeRow",
    "DigestItem",
    "Digests",
    "Go",
    "Ledger",
    "LedgerBatch",
    "LedgerRow",
    "Outcome",
    "Skip",
    "Store",
    "Subscriptions",
]


#: How long a ledger batch on SQLite waits for another writer's lock before it is retried.
LEDGER_BUSY_SECONDS = 0.25


class Store:
    """The subscriptions database: `subscriptions`, `deliveries` (the listing of outcomes),
    `digests` (items and claims) and `ledger` (the workers' delivery ledger and the sources
    per event), over one engine (one connection pool)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._engine: Engine = make_engine(database_url)
        # The workers' writes (ledger batches, the deliveries listing) have a pool of their
        # own without the per-checkout ping: a batch lost to a dropped connection is simply
        # written again. On SQLite they run on the event loop, so they wait for another
        # writer's lock only briefly (then they are tried again, the loop free meanwhile);
        # on PostgreSQL they go out on the asyncio engine.
        self._hot_engine: Engine = make_engine(
            database_url, pre_ping=False, busy_seconds=LEDGER_BUSY_SECONDS
        )
        self._async_engine = make_async_engine(database_url)
        self.subscriptions = Subscriptions(self._engine)
        self.deliveries = Deliveries(self._engine, self._hot_engine, self._async_engine)
        self.digests = Digests(self._engine)
        self.ledger = Ledger(self._hot_engine, self._async_engine)

    def migrate(self) -> None:
        """Create or upgrade the schema (Alembic `upgrade head`); idempotent, process-safe."""
        migrate(self._engine)

    def close(self) -> None:
        """Close the pools (after `await close_async()` where the workers' writes were used)."""
        self._engine.dispose()
        self._hot_engine.dispose()

    async def close_async(self) -> None:
        """Close the asyncio pool (PostgreSQL) of the workers' writes."""
        if self._async_engine is not None:
            await self._async_engine.dispose()
