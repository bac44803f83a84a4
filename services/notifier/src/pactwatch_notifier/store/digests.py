"""Digest items and digest claims: a matching event waits in `digest_items` for its
subscription's period to end; a worker then claims the period (a `digests` row unique per
subscription and period end, taking the items in the same transaction) and only the claimant
sends. See `digest.py` for the loop that drives these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, func, select, update
from sqlalchemy.engine import Connection

from pactwatch_schemas import Event

from ..db import digest_items, digests, read_only
from ._base import aware, dialect_insert, now


@dataclass(frozen=True)
class DigestItem:
    event_id: str
    event_type: str
    event: Event
    detected_at: datetime


@dataclass(frozen=True)
class ClaimedDigest:
    """A digest this worker now owns: send it, then `Digests.sent` (or `Digests.failed`)."""

    id: int
    subscription_id: str
    period_end: datetime
    attempts: int
    items: list[DigestItem]


class Digests:
    """The `digest_items` and `digests` tables."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_item(self, subscription_id: str, event: Event, *, at: datetime | None = None) -> bool:
        """Keep a matching event for the subscription's next digest; False if it is already
        there (a replayed event)."""
        stmt = (
            dialect_insert(self._engine, digest_items)
            .on_conflict_do_nothing(  # type: ignore[attr-defined]
                index_elements=["subscription_id", "event_id"]
            )
            .returning(digest_items.c.id)
        )
        with self._engine.begin() as conn:
            result = conn.execute(
                stmt,
                {
                    "subscription_id": subscription_id,
                    "event_id": event.event_id,
                    "event_type": event.type,
                    "event": event.model_dump_json(),
                    "detected_at": event.detected_at,
                    "matched_at": at or now(),
                },
            )
            added = result.scalar() is not None
        return added

    def pending(self) -> dict[str, datetime]:
        """Subscriptions with items not yet in a digest, and their oldest item's time."""
        with read_only(self._engine) as conn:
            rows = conn.execute(
                select(digest_items.c.subscription_id, func.min(digest_items.c.matched_at))
                .where(digest_items.c.digest_id.is_(None))
                .group_by(digest_items.c.subscription_id)
            ).all()
        return {r[0]: aware(r[1]) for r in rows}

    def claim(
        self, subscription_id: str, period_end: datetime, worker: str
    ) -> ClaimedDigest | None:
        """Claim the digest of the period ending at `period_end`: the items matched before it
        and not yet in a digest. None when there is nothing to send or another worker has
        claimed this period already (unique subscription + period end)."""
        at = now()
        pending = and_(
            digest_items.c.subscription_id == subscription_id,
            digest_items.c.digest_id.is_(None),
            digest_items.c.matched_at < period_end,
        )
        with self._engine.begin() as conn:
            waiting = conn.execute(
                select(func.count()).select_from(digest_items).where(pending)
            ).scalar_one()
            if not waiting:
                return None
            stmt = (
                dialect_insert(self._engine, digests)
                .values(
                    subscription_id=subscription_id,
                    period_end=period_end,
                    state="claimed",
                    claimed_by=worker[:200],
                    claimed_at=at,
                    attempts=0,
                    items=0,
                )
                .on_conflict_do_nothing(index_elements=["subscription_id", "period_end"])  # type: ignore[attr-defined]
                .returning(digests.c.id)
            )
            digest_id = conn.execute(stmt).scalar()
            if digest_id is None:
                return None
            taken = conn.execute(
                update(digest_items).where(pending).values(digest_id=digest_id)
            ).rowcount
            conn.execute(update(digests).where(digests.c.id == digest_id).values(items=taken))
            items = _items(conn, digest_id)
        return ClaimedDigest(digest_id, subscription_id, period_end, 0, items)

    def reclaim_stale(self, worker: str, stale_before: datetime) -> list[ClaimedDigest]:
        """Take over digests claimed before `stale_before` and still not sent (their worker
        died, or a failed send waits for its retry time)."""
        claimed: list[ClaimedDigest] = []
        with read_only(self._engine) as conn:
            candidates = conn.execute(
                select(digests.c.id, digests.c.claimed_at).where(
                    digests.c.state == "claimed", digests.c.claimed_at < stale_before
                )
            ).all()
        for digest_id, claimed_at in candidates:
            with self._engine.begin() as conn:
                took = conn.execute(
                    update(digests)
                    .where(
                        digests.c.id == digest_id,
                        digests.c.state == "claimed",
                        digests.c.claimed_at == claimed_at,
                    )
                    .values(claimed_by=worker[:200], claimed_at=now())
                ).rowcount
                if not took:
                    continue  # another worker was quicker
                row = conn.execute(select(digests).where(digests.c.id == digest_id)).one()
                items = _items(conn, digest_id)
            claimed.append(
                ClaimedDigest(
                    digest_id, row.subscription_id, aware(row.period_end), int(row.attempts), items
                )
            )
        return claimed

    def sent(self, digest_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(digests)
                .where(digests.c.id == digest_id)
                .values(state="sent", sent_at=now(), attempts=digests.c.attempts + 1)
            )

    def failed(
        self, digest_id: int, error: str, *, retry_at: datetime | None, lease_seconds: float
    ) -> None:
        """A send failed: retry it at `retry_at` (the claim turns stale then) or give up."""
        values: dict[str, Any] = {"attempts": digests.c.attempts + 1, "last_error": error[:500]}
        if retry_at is None:
            values["state"] = "failed"
        else:
            values["claimed_at"] = retry_at - timedelta(seconds=lease_seconds)
        with self._engine.begin() as conn:
            conn.execute(update(digests).where(digests.c.id == digest_id).values(values))

    def release(self, digest_id: int) -> None:
        """Hand a claimed digest back at once (a clean stop): the next worker sends it."""
        with self._engine.begin() as conn:
            conn.execute(
                update(digests)
                .where(digests.c.id == digest_id, digests.c.state == "claimed")
                .values(claimed_at=datetime(2000, 1, 1, tzinfo=UTC))
            )

    def history(self, subscription_id: str) -> list[dict[str, Any]]:
        """The digests of a subscription (operators, tests)."""
        with read_only(self._engine) as conn:
            rows = conn.execute(
                select(digests)
                .where(digests.c.subscription_id == subscription_id)
                .order_by(digests.c.period_end)
            ).all()
        return [dict(r._mapping) for r in rows]


def _items(conn: Connection, digest_id: int) -> list[DigestItem]:
    """A claimed digest's items, newest first."""
    rows = conn.execute(
        select(digest_items)
        .where(digest_items.c.digest_id == digest_id)
        .order_by(digest_items.c.detected_at.desc(), digest_items.c.id.desc())
    ).all()
    return [
        DigestItem(
            event_id=r.event_id,
            event_type=r.event_type,
            event=Event.model_validate_json(r.event),
            detected_at=aware(r.detected_at),
        )
        for r in rows
    ]
