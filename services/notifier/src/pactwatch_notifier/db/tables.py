"""The tables (SQLAlchemy Core). The migrations in `migrations/versions` create them; a test
checks that the migrated schema and these definitions agree."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .types import UtcDateTime

metadata = MetaData()

# BIGINT ids on PostgreSQL, INTEGER (the rowid alias, autoincrementing) on SQLite.
_Id = BigInteger().with_variant(Integer(), "sqlite")

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("channel_kind", String(16), nullable=False),
    # Lower-cased address of email subscriptions, for find_by_email.
    Column("email", String(320), nullable=True, index=True),
    Column("channel", JSON, nullable=False),
    Column("filters", JSON, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("digest_hour", Integer, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("updates", Boolean, nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("state_reason", String(500), nullable=True),
    Column("label", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False, index=True),
    Column("confirmed_at", UtcDateTime, nullable=True),
)

# Deleted ids, so the workers' incremental refresh learns about deletions too.
deleted_subscriptions = Table(
    "deleted_subscriptions",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("deleted_at", UtcDateTime, nullable=False, index=True),
)

# The last known outcome of each alert, for operators (list_deliveries). History only: the
# workers' exactly-once bookkeeping is the delivery ledger below.
deliveries = Table(
    "deliveries",
    metadata,
    Column("subscription_id", String(100), primary_key=True),
    Column("event_id", String(32), primary_key=True),
    Column("article_id", String(32), primary_key=True, server_default=""),
    Column("channel", String(16), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("delivered_at", UtcDateTime, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("updated_at", UtcDateTime, nullable=False, index=True),
)

# Events waiting for a digest subscription's next digest; `digest_id` is set when a digest
# claims them (then they are that digest's content, whatever happens to the worker).
digest_items = Table(
    "digest_items",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("subscription_id", String(100), nullable=False),
    Column("event_id", String(32), nullable=False),
    Column("event_type", String(16), nullable=False),
    Column("event", Text, nullable=False),  # the Event as JSON (schemas/json/event.v1.json)
    Column("detected_at", UtcDateTime, nullable=False),
    Column("matched_at", UtcDateTime, nullable=False),
    Column("digest_id", _Id, nullable=True, index=True),
    UniqueConstraint("subscription_id", "event_id", name="uq_digest_items_sub_event"),
)

# One row per digest a worker claimed: unique per (subscription, period end), so two
# replicas can never both claim the same digest.
digests = Table(
    "digests",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("subscription_id", String(100), nullable=False),
    Column("period_end", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False, index=True),  # claimed / sent / failed
    Column("claimed_by", String(200), nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("items", Integer, nullable=False, server_default="0"),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("last_error", String(500), nullable=True),
    UniqueConstraint("subscription_id", "period_end", name="uq_digests_sub_period"),
)

# The delivery ledger shared by every worker replica (store/claims.py says what the states
# mean): an alert is claimed before its send and marked sent or failed after it.
delivery_ledger = Table(
    "delivery_ledger",
    metadata,
    Column("subscription_id", String(100), primary_key=True),
    Column("event_id", String(32), primary_key=True),
    Column("article_id", String(32), primary_key=True, server_default=""),
    Column("state", String(16), nullable=False),  # claimed / sent / failed / released
    Column("claimed_by", String(200), nullable=True),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("chain", String(200), nullable=False, server_default=""),
    Column("attempt", Integer, nullable=False, server_default="0"),
    Column("channel", String(16), nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Every article seen reporting an event, in the order seen: an alert's `sources` list.
event_sources = Table(
    "event_sources",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("event_id", String(32), nullable=False),
    Column("article_id", String(32), nullable=False),
    Column("ref", Text, nullable=False),  # the ArticleRef as JSON
    Column("seen_at", UtcDateTime, nullable=False),
    UniqueConstraint("event_id", "article_id", name="uq_event_sources_event_article"),
)
