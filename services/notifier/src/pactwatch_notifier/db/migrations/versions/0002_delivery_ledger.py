"""The delivery ledger shared by the worker replicas, and the sources seen per event (both
were a SQLite file per replica before).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pactwatch_notifier.db.types import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "delivery_ledger",
        sa.Column("subscription_id", sa.String(100), primary_key=True),
        sa.Column("event_id", sa.String(32), primary_key=True),
        sa.Column("article_id", sa.String(32), primary_key=True, server_default=""),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("lease_until", UtcDateTime, nullable=True),
        sa.Column("chain", sa.String(200), nullable=False, server_default=""),
        sa.Column("attempt", sa.Integer, nullable=False, server_default="0"),
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "event_sources",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(32), nullable=False),
        sa.Column("article_id", sa.String(32), nullable=False),
        sa.Column("ref", sa.Text, nullable=False),
        sa.Column("seen_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("event_id", "article_id", name="uq_event_sources_event_article"),
    )


def downgrade() -> None:
    op.drop_table("event_sources")
    op.drop_table("delivery_ledger")
