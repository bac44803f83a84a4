"""Subscriptions: create, read, change, delete; and what the workers' refresh asks for
(changed and deleted since a time)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from ..db import deleted_subscriptions, digest_items, read_only, subscriptions
from ..models import State, SubscriptionCreate, SubscriptionRecord, SubscriptionUpdate
from ._base import now


class Conflict(Exception):
    """A subscription with that id exists already."""


class Subscriptions:
    """The `subscriptions` table (and `deleted_subscriptions`, the ids the workers must drop)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, new: SubscriptionCreate) -> SubscriptionRecord:
        """Store a new subscription; `Conflict` if its id is taken."""
        at = now()
        sub_id = new.id or uuid.uuid4().hex
        values = {
            "id": sub_id,
            **_channel_columns(new.channel.model_dump(mode="json")),
            "filters": new.filters.model_dump(mode="json"),
            "mode": new.mode,
            "digest_hour": new.digest_hour,
            "timezone": new.timezone,
            "updates": new.updates,
            "state": new.state,
            "state_reason": None,
            "label": new.label,
            "created_at": at,
            "updated_at": at,
            "confirmed_at": at if new.state == "active" else None,
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

    def page(
        self, *, offset: int = 0, limit: int = 50, state: State | None = None
    ) -> tuple[list[SubscriptionRecord], int]:
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

    def all(self) -> list[SubscriptionRecord]:
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
            at = now()
            values: dict[str, Any] = {
                **_channel_columns(checked.channel.model_dump(mode="json")),
                "filters": checked.filters.model_dump(mode="json"),
                "mode": checked.mode,
                "digest_hour": checked.digest_hour,
                "timezone": checked.timezone,
                "updates": checked.updates,
                "label": checked.label,
                "updated_at": at,
            }
            if "state" in given and given["state"] != current.state:
                values["state"] = given["state"]
                values["state_reason"] = None
                if given["state"] == "active" and current.confirmed_at is None:
                    values["confirmed_at"] = at
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
            "updated_at": now(),
        }
        with self._engine.begin() as conn:
            result = conn.execute(
                update(subscriptions).where(subscriptions.c.id == sub_id).values(values)
            )
            if result.rowcount == 0:
                return None
            if state == "active":  # an operator activating a pending one confirms it
                conn.execute(
                    update(subscriptions)
                    .where(subscriptions.c.id == sub_id, subscriptions.c.confirmed_at.is_(None))
                    .values(confirmed_at=values["updated_at"])
                )
            row = conn.execute(select(subscriptions).where(subscriptions.c.id == sub_id)).one()
        return _record(row._mapping)

    def confirm(self, sub_id: str) -> SubscriptionRecord | None:
        """Double opt-in done: pending -> active with `confirmed_at`. Confirming again (a
        second click) changes nothing; a paused or disabled subscription stays so."""
        with self._engine.begin() as conn:
            at = now()
            conn.execute(
                update(subscriptions)
                .where(subscriptions.c.id == sub_id, subscriptions.c.state == "pending")
                .values(state="active", state_reason=None, confirmed_at=at, updated_at=at)
            )
            row = conn.execute(select(subscriptions).where(subscriptions.c.id == sub_id)).first()
        return _record(row._mapping) if row else None

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
            conn.execute(insert(deleted_subscriptions).values(id=sub_id, deleted_at=now()))
        return True

    def find_by_email(self, address: str) -> list[SubscriptionRecord]:
        with read_only(self._engine) as conn:
            rows = conn.execute(
                select(subscriptions)
                .where(subscriptions.c.email == address.strip().lower())
                .order_by(subscriptions.c.created_at, subscriptions.c.id)
            ).all()
        return [_record(r._mapping) for r in rows]

    def changed_since(self, since: datetime | None) -> list[SubscriptionRecord]:
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

    def deleted_since(self, since: datetime) -> list[str]:
        """Ids deleted at or after `since` (and not created again since)."""
        with read_only(self._engine) as conn:
            rows = conn.execute(
                select(deleted_subscriptions.c.id).where(
                    deleted_subscriptions.c.deleted_at >= since
                )
            ).all()
        return [r[0] for r in rows]


def _channel_columns(channel: dict[str, Any]) -> dict[str, Any]:
    """The channel as stored: the JSON, its kind, and the address lower-cased for lookups."""
    email = channel.get("address")
    return {
        "channel_kind": channel["kind"],
        "channel": channel,
        "email": email.lower() if isinstance(email, str) else None,
    }


def _record(row: RowMapping | dict[str, Any] | Iterable[Any]) -> SubscriptionRecord:
    data = dict(row)  # type: ignore[arg-type]
    data.pop("email", None)
    data.pop("channel_kind", None)
    return SubscriptionRecord.model_validate(data)
