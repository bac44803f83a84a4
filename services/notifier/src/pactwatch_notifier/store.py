"""The subscriptions repository: the only code that touches the database.

Synchronous SQLAlchemy 2 Core (the API calls it from FastAPI's thread pool, the async workers
through `asyncio.to_thread`). Works the same on SQLite (the embedded default) and PostgreSQL;
the storage tests run against both.

    store = SubscriptionStore("sqlite:///.data/notifier/subscriptions.sqlite3")
    store.migrate()
    record = store.create(SubscriptionCreate(channel=EmailChannel(address="a@example.org")))
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Insert, and_, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from pactwatch_schemas import Event

from .db import (
    deleted_subscriptions,
    deliveries,
    digest_items,
    digests,
    make_engine,
    migrate,
    read_only,
    subscriptions,
)
from .models import (
    DeliveryRecord,
    State,
    SubscriptionCreate,
    SubscriptionRecord,
    SubscriptionUpdate,
)
from .models.subscription import DeliveryOutcome


class NotFound(Exception):
    """No subscription with that id."""


class Conflict(Exception):
    """A subscription with that id exists already."""


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DeliveryOutcomeRow:
    """One outcome the workers report (see `SubscriptionStore.record_deliveries`)."""

    subscription_id: str
    event_id: str
    article_id: str
    channel: str
    outcome: DeliveryOutcome
    attempt: int
    at: datetime
    error: str | None = None


@dataclass(frozen=True)
class DigestItem:
    event_id: str
    event_type: str
    event: Event
    detected_at: datetime


@dataclass(frozen=True)
class ClaimedDigest:
    """A digest this worker now owns: send it, then `digest_sent` (or `digest_failed`)."""

    id: int
    subscription_id: str
    period_end: datetime
    attempts: int
    items: list[DigestItem]


class SubscriptionStore:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._engine: Engine = make_engine(database_url)
        self._dialect = self._engine.dialect.name

    def migrate(self) -> None:
        """Create or upgrade the schema (Alembic `upgrade head`); idempotent, process-safe."""
        migrate(self._engine)

    def close(self) -> None:
        self._engine.dispose()

    # -- subscriptions -------------------------------------------------------------------
    def create(self, new: SubscriptionCreate) -> SubscriptionRecord:
        """Store a new subscription; `Conflict` if its id is taken."""
        now = _now()
        sub_id = new.id or uuid.uuid4().hex
        values = {
            "id": sub_id,
            **self._channel_columns(new.channel.model_dump(mode="json")),
            "filters": new.filters.model_dump(mode="json"),
            "mode": new.mode,
            "digest_hour": new.digest_hour,
            "timezone": new.timezone,
            "updates": new.updates,
            "state": new.state,
            "state_reason": None,
            "label": new.label,
            "created_at": now,
            "updated_at": now,
            "confirmed_at": now if new.state == "active" else None,
        }
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(subscriptions).values(values))
                conn.execute(
                    delete(deleted_subscriptions).where(deleted_subscriptions.c.id == sub_id)
                )
        except IntegrityError:
            raise Conflict(f"subscription {sub_id!r} exists already") from None
        return _record(values)

    def upsert(
        self, new: SubscriptionCreate, *, keep_state: bool = True
    ) -> tuple[SubscriptionRecord, bool]:
        """Create, or replace channel/filters/mode of an existing subscription with the same id
        (the YAML bootstrap import). An existing subscription keeps its state unless
        `keep_state=False`: an import never re-enables what a 410 or its owner switched off.
        Returns the record and whether it was created."""
        if new.id is None:
            return self.create(new), True
        patch = SubscriptionUpdate(
            channel=new.channel,
            filters=new.filters,
            mode=new.mode,
            digest_hour=new.digest_hour,
            timezone=new.timezone,
            updates=new.updates,
            label=new.label,
            state=None if keep_state else new.state,
        )
        existing = self.update(new.id, patch)
        if existing is not None:
            return existing, False
        try:
            return self.create(new), True
        except Conflict:  # created meanwhile by another process
            updated = self.update(new.id, patch)
            if updated is None:
                raise
            return updated, False

    def get(self, sub_id: str) -> SubscriptionRecord | None:
        with read_only(self._engine) as conn:
            row = conn.execute(select(subscriptions).where(subscriptions.c.id == sub_id)).first()
        return _record(row._mapping) if row else None

    def list(
        self, *, offset: int = 0, limit: int = 50, state: State | None = None
    ) -> tuple[builtins.list[SubscriptionRecord], int]:
        """A page of subscriptions (oldest first) and the total count."""
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must be >= 0")
        where = [subscriptions.c.state == state] if state else []
        with read_only(self._engine) as conn:
            total = conn.execute(
                select(func.count()).select_from(subscriptions).where(*where)
            ).scalar_one()
            rows = conn.execute(
                select(subscriptions)
                .where(*where)
                .order_by(subscriptions.c.created_at, subscriptions.c.id)
                .offset(offset)
                .limit(limit)
            ).all()
        return [_record(r._mapping) for r in rows], int(total)

    def all(self) -> builtins.list[SubscriptionRecord]:
        """Every subscription (the workers' full load, the CLI's export)."""
        with read_only(self._engine) as conn:
            rows = conn.execute(
                select(subscriptions).order_by(subscriptions.c.created_at, subscriptions.c.id)
            ).all()
        return [_record(r._mapping) for r in rows]

    def update(self, sub_id: str, patch: SubscriptionUpdate) -> SubscriptionRecord | None:
        """Apply the fields given in `patch`; None if there is no such subscription.
        `ValueError` when the result would be inconsistent (e.g. webhook secrets for an email
        channel, a digest mode for a webhook)."""
        with self._engine.begin() as conn:
            row = conn.execute(select(subscriptions).where(subscriptions.c.id == sub_id)).first()
            if row is None:
                return None
            current = _record(row._mapping)
            merged = current.model_dump(mode="json")
            given = {
                k: v
                for k, v in patch.model_dump(mode="json").items()
                if k in patch.model_fields_set and v is not None
            }
            secrets = given.pop("webhook_secrets", None)
            merged.update(given)
            if secrets is not None:
                if merged["channel"]["kind"] != "webhook":
                    raise ValueError("webhook_secrets: the subscription's channel is not a webhook")
                merged["channel"]["secrets"] = secrets
            # Validate the whole result the way a new subscription is validated.
            checked = SubscriptionCreate.model_validate(
                {k: merged[k] for k in SubscriptionCreate.model_fields if k in merged}
            )
            now = _now()
            values: dict[str, Any] = {
                **self._channel_columns(checked.channel.model_dump(mode="json")),
                "filters": checked.filters.model_dump(mode="json"),
                "mode": checked.mode,
                "digest_hour": checked.digest_hour,
                "timezone": checked.timezone,
                "updates": checked.updates,
                "label": checked.label,
                "updated_at": now,
            }
            if "state" in given and given["state"] != current.state:
                values["state"] = given["state"]
                values["state_reason"] = None
                if given["state"] == "active" and current.confirmed_at is None:
                    values["confirmed_at"] = now
            conn.execute(update(subscriptions).where(subscriptions.c.id == sub_id).values(values))
            row = conn.execute(select(subscriptions).where(subscriptions.c.id == sub_id)).one()
        return _record(row._mapping)

    def set_state(
        self, sub_id: str, state: State, reason: str | None = None
    ) -> SubscriptionRecord | None:
        """Pause, resume, disable (with the reason, e.g. the endpoint's 410)."""
        values: dict[str, Any] = {
            "state": state,
            "state_reason": reason[:500] if reason else None,
            "updated_at": _now(),
        }
        return self._change(sub_id, values, confirm=state == "active")

    def confirm(self, sub_id: str) -> SubscriptionRecord | None:
        """Double opt-in done: pending -> active with `confirmed_at`. Confirming again (a
        second click) changes nothing; a paused or disabled subscription stays so."""
        with self._engine.begin() as conn:
            now = _now()
            conn.execute(
                update(subscriptions)
                .where(subscriptions.c.id == sub_id, subscriptions.c.state == "pending")
                .values(state="active", state_reason=None, confirmed_at=now, updated_at=now)
            )
            row = conn.execute(select(subscriptions).where(subscriptions.c.id == sub_id)).first()
        return _record(row._mapping) if row else None

    def _change(
        self, sub_id: str, values: dict[str, Any], *, confirm: bool
    ) -> SubscriptionRecord | None:
        with self._engine.begin() as conn:
            result = conn.execute(
                update(subscriptions).where(subscriptions.c.id == sub_id).values(values)
            )
            if result.rowcount == 0:
                return None
            if confirm:
                conn.execute(
                    update(subscriptions)
                    .where(subscriptions.c.id == sub_id, subscriptions.c.confirmed_at.is_(None))
                    .values(confirmed_at=values["updated_at"])
                )
            row = conn.execute(select(subscriptions).where(subscriptions.c.id == sub_id)).one()
        return _record(row._mapping)

    def delete(self, sub_id: str) -> bool:
        """Remove a subscription and its pending digest items; remember the id as deleted
        (for the workers' refresh). False if it did not exist."""
        with self._engine.begin() as conn:
            result = conn.execute(delete(subscriptions).where(subscriptions.c.id == sub_id))
            if result.rowcount == 0:
                return False
            conn.execute(
                delete(digest_items).where(
                    digest_items.c.subscription_id == sub_id, digest_items.c.digest_id.is_(None)
                )
            )
            conn.execute(delete(deleted_subscriptions).where(deleted_subscriptions.c.id == sub_id))
            conn.execute(insert(deleted_subscriptions).values(id=sub_id, deleted_at=_now()))
        return True

    def find_by_email(self, address: str) -> builtins.list[SubscriptionRecord]:
        with read_only(self._engine) as conn:
            rows = conn.execute(
                select(subscriptions)
                .where(subscriptions.c.email == address.strip().lower())
                .order_by(subscriptions.c.created_at, subscriptions.c.id)
            ).all()
        return [_record(r._mapping) for r in rows]

    def changed_since(self, since: datetime | None) -> builtins.list[SubscriptionRecord]:
        """Subscriptions created or changed at or after `since` (all of them for None)."""
        if since is None:
            return self.all()
        with read_only(self._engine) as conn:
            rows = conn.execute(
                select(subscriptions)
                .where(subscriptions.c.updated_at >= since)
                .order_by(subscriptions.c.updated_at)
            ).all()
        return [_record(r._mapping) for r in rows]

    def deleted_since(self, since: datetime) -> builtins.list[str]:
        """Ids deleted at or after `since` (and not created again since)."""
        with read_only(self._engine) as conn:
            rows = conn.execute(
                select(deleted_subscriptions.c.id).where(
                    deleted_subscriptions.c.deleted_at >= since
                )
            ).all()
        return [r[0] for r in rows]

    @staticmethod
    def _channel_columns(channel: dict[str, Any]) -> dict[str, Any]:
        email = channel.get("address")
        return {
            "channel_kind": channel["kind"],
            "channel": channel,
            "email": email.lower() if isinstance(email, str) else None,
        }

    # -- deliveries ----------------------------------------------------------------------
    def record_deliveries(self, rows: Sequence[DeliveryOutcomeRow]) -> None:
        """Upsert the latest outcome of each alert (the workers batch these)."""
        latest: dict[tuple[str, str, str], DeliveryOutcomeRow] = {}
        for row in rows:
            latest[(row.subscription_id, row.event_id, row.article_id)] = row
        if not latest:
            return
        values = [
            {
                "subscription_id": r.subscription_id,
                "event_id": r.event_id,
                "article_id": r.article_id,
                "channel": r.channel,
                "outcome": r.outcome,
                "attempts": r.attempt,
                "delivered_at": r.at if r.outcome == "delivered" else None,
                "last_error": r.error[:500] if r.error else None,
                "updated_at": r.at,
            }
            for r in latest.values()
        ]
        stmt = self._insert(deliveries)
        excluded = stmt.excluded  # type: ignore[attr-defined]
        stmt = stmt.on_conflict_do_update(  # type: ignore[attr-defined]
            index_elements=["subscription_id", "event_id", "article_id"],
            set_={
                "outcome": excluded.outcome,
                "attempts": func.max(deliveries.c.attempts, excluded.attempts)
                if self._dialect == "sqlite"
                else func.greatest(deliveries.c.attempts, excluded.attempts),
                "delivered_at": func.coalesce(excluded.delivered_at, deliveries.c.delivered_at),
                "last_error": func.coalesce(excluded.last_error, deliveries.c.last_error),
                "updated_at": excluded.updated_at,
                "channel": excluded.channel,
            },
        )
        with self._engine.begin() as conn:
            conn.execute(stmt, values)

    def list_deliveries(
        self, *, subscription_id: str | None = None, offset: int = 0, limit: int = 50
    ) -> tuple[builtins.list[DeliveryRecord], int]:
        """Newest first, with the total count."""
        where = [deliveries.c.subscription_id == subscription_id] if subscription_id else []
        with read_only(self._engine) as conn:
            total = conn.execute(
                select(func.count()).select_from(deliveries).where(*where)
            ).scalar_one()
            rows = conn.execute(
                select(deliveries)
                .where(*where)
                .order_by(
                    deliveries.c.updated_at.desc(),
                    deliveries.c.subscription_id,
                    deliveries.c.event_id,
                    deliveries.c.article_id,
                )
                .offset(offset)
                .limit(limit)
            ).all()
        return [DeliveryRecord.model_validate(dict(r._mapping)) for r in rows], int(total)

    # -- digests -------------------------------------------------------------------------
    def add_digest_item(
        self, subscription_id: str, event: Event, *, at: datetime | None = None
    ) -> bool:
        """Keep a matching event for the subscription's next digest; False if it is already
        there (a replayed event)."""
        stmt = (
            self._insert(digest_items)
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
                    "matched_at": at or _now(),
                },
            )
            added = result.scalar() is not None
        return added

    def pending_digests(self) -> dict[str, datetime]:
        """Subscriptions with items not yet in a digest, and their oldest item's time."""
        with read_only(self._engine) as conn:
            rows = conn.execute(
                select(digest_items.c.subscription_id, func.min(digest_items.c.matched_at))
                .where(digest_items.c.digest_id.is_(None))
                .group_by(digest_items.c.subscription_id)
            ).all()
        return {r[0]: _aware(r[1]) for r in rows}

    def claim_digest(
        self, subscription_id: str, period_end: datetime, worker: str
    ) -> ClaimedDigest | None:
        """Claim the digest of the period ending at `period_end`: the items matched before it
        and not yet in a digest. None when there is nothing to send or another worker has
        claimed this period already (unique subscription + period end)."""
        now = _now()
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
                self._insert(digests)
                .values(
                    subscription_id=subscription_id,
                    period_end=period_end,
                    state="claimed",
                    claimed_by=worker[:200],
                    claimed_at=now,
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
            items = self._digest_items(conn, digest_id)
        return ClaimedDigest(digest_id, subscription_id, period_end, 0, items)

    def reclaim_stale_digests(
        self, worker: str, stale_before: datetime
    ) -> builtins.list[ClaimedDigest]:
        """Take over digests claimed before `stale_before` and still not sent (their worker
        died, or a failed send waits for its retry time)."""
        claimed: builtins.list[ClaimedDigest] = []
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
                    .values(claimed_by=worker[:200], claimed_at=_now())
                ).rowcount
                if not took:
                    continue  # another worker was quicker
                row = conn.execute(select(digests).where(digests.c.id == digest_id)).one()
                items = self._digest_items(conn, digest_id)
            claimed.append(
                ClaimedDigest(
                    digest_id,
                    row.subscription_id,
                    _aware(row.period_end),
                    int(row.attempts),
                    items,
                )
            )
        return claimed

    def digest_sent(self, digest_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(digests)
                .where(digests.c.id == digest_id)
                .values(state="sent", sent_at=_now(), attempts=digests.c.attempts + 1)
            )

    def digest_failed(
        self, digest_id: int, error: str, *, retry_at: datetime | None, lease_seconds: float
    ) -> None:
        """A send failed: retry it at `retry_at` (the claim turns stale then) or give up."""
        values: dict[str, Any] = {"attempts": digests.c.attempts + 1, "last_error": error[:500]}
        if retry_at is None:
            values["state"] = "failed"
        else:
            values["claimed_at"] = retry_at - _seconds(lease_seconds)
        with self._engine.begin() as conn:
            conn.execute(update(digests).where(digests.c.id == digest_id).values(values))

    def release_digest(self, digest_id: int) -> None:
        """Hand a claimed digest back at once (a clean stop): the next worker sends it."""
        with self._engine.begin() as conn:
            conn.execute(
                update(digests)
                .where(digests.c.id == digest_id, digests.c.state == "claimed")
                .values(claimed_at=datetime(2000, 1, 1, tzinfo=UTC))
            )

    def digest_history(self, subscription_id: str) -> builtins.list[dict[str, Any]]:
        """The digests of a subscription (operators, tests)."""
        with read_only(self._engine) as conn:
            rows = conn.execute(
                select(digests)
                .where(digests.c.subscription_id == subscription_id)
                .order_by(digests.c.period_end)
            ).all()
        return [dict(r._mapping) for r in rows]

    @staticmethod
    def _digest_items(conn: Connection, digest_id: int) -> builtins.list[DigestItem]:
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
                detected_at=_aware(r.detected_at),
            )
            for r in rows
        ]

    def _insert(self, table: Any) -> Insert:
        dialect = postgresql if self._dialect == "postgresql" else sqlite
        return dialect.insert(table)  # type: ignore[no-any-return]


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _seconds(value: float) -> Any:
    from datetime import timedelta

    return timedelta(seconds=value)


def _record(row: RowMapping | dict[str, Any] | Iterable[Any]) -> SubscriptionRecord:
    data = dict(row)  # type: ignore[arg-type]
    data.pop("email", None)
    data.pop("channel_kind", None)
    return SubscriptionRecord.model_validate(data)
