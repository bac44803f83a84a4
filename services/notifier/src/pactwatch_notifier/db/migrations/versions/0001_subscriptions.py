"""Subscriptions, deleted ids, deliveries, digest items and digests.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pactwatch_notifier.db.types import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("channel_kind", sa.String(16), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("channel", sa.JSON, nullable=False),
        sa.Column("filters", sa.JSON, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("digest_hour", sa.Integer, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("updates", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("state_reason", sa.String(500), nullable=True),
        sa.Column("label", sa.String(200), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("confirmed_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_subscriptions_email", "subscriptions", ["email"])
    op.create_index("ix_subscriptions_state", "subscriptions", ["state"])
    op.create_index("ix_subscriptions_updated_at", "subscriptions", ["updated_at"])

    op.create_table(
        "deleted_subscriptions",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("deleted_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_deleted_subscriptions_deleted_at", "deleted_subscriptions", ["deleted_at"])

    op.create_table(
        "deliveries",
        sa.Column("subscription_id", sa.String(100), primary_key=True),
        sa.Column("event_id", sa.String(32), primary_key=True),
        sa.Column("article_id", sa.String(32), primary_key=True, server_default=""),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("delivered_at", UtcDateTime, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_deliveries_updated_at", "deliveries", ["updated_at"])

    op.create_table(
        "digest_items",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("subscription_id", sa.String(100), nullable=False),
        sa.Column("event_id", sa.String(32), nullable=False),
        sa.Column("event_type", sa.String(16), nullable=False),
        sa.Column("event", sa.Text, nullable=False),
        sa.Column("detected_at", UtcDateTime, nullable=False),
        sa.Column("matched_at", UtcDateTime, nullable=False),
        sa.Column("digest_id", _Id, nullable=True),
        sa.UniqueConstraint("subscription_id", "event_id", name="uq_digest_items_sub_event"),
    )
    op.create_index("ix_digest_items_digest_id", "digest_items", ["digest_id"])

    op.create_table(
        "digests",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("subscription_id", sa.String(100), nullable=False),
        sa.Column("period_end", UtcDateTime, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(200), nullable=False),
        sa.Column("claimed_at", UtcDateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("items", sa.Integer, nullable=False, server_default="0"),
        sa.Column("sent_at", UtcDateTime, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.UniqueConstraint("subscription_id", "period_end", name="uq_digests_sub_period"),
    )
    op.create_index("ix_digests_state", "digests", ["state"])


def downgrade() -> None:
    for table in ("digests", "digest_items", "deliveries", "deleted_subscriptions"):
        op.drop_table(table)
    op.drop_table("subscriptions")
