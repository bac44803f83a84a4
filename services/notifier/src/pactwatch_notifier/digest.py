"""Digests: one email per subscription and period listing the period's matching events,
grouped by type, newest first; nothing when there were none.

The events wait in the database (`digest_items`), not in memory, so a restart loses none.
When a period is due, a worker *claims* the digest (a row unique per subscription and period
end, taking the items in the same transaction) and only then sends it: two replicas never
send the same digest. A claim whose worker died is taken over after `DIGEST_LEASE_SECONDS`;
a failed send is retried on the delivery schedule. The Message-ID is the same on every try
(`<digest_<subscription>_<period end>@pactwatch>`), so a resend after a crash mid-send is
recognisable.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from . import metrics
from .channels import DeliveryError, EmailSender
from .core.config import Settings
from .models import EmailChannel, SubscriptionRecord
from .retry import next_delay
from .store import ClaimedDigest, DigestItem, Digests
from .unsubscribe import RecipientLinks

log = structlog.get_logger("pactwatch.notifier.digest")

_TYPE_NAMES = {"signing": "Signings", "cooperation": "Cooperation"}
_PERIOD_NAMES = {"hourly": "hourly", "daily": "daily", "instant": "final"}


def _href(url: str) -> str:
    return url if url.lower().startswith(("https://", "http://")) else "#"


_TEMPLATES = Environment(
    loader=PackageLoader("pactwatch_notifier", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_TEMPLATES.filters["href"] = _href


def period_end(
    now: datetime,
    mode: str,
    digest_hour: int,
    timezone: str,
    override_seconds: float | None = None,
) -> datetime:
    """The latest period boundary at or before `now` (UTC): the top of the hour (hourly),
    `digest_hour`:00 local time (daily), or with the test/demo override every
    `override_seconds` since the epoch."""
    if override_seconds:
        return datetime.fromtimestamp(
            math.floor(now.timestamp() / override_seconds) * override_seconds, UTC
        )
    if mode == "instant":  # switched from a digest: send what is left now
        return now
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    if mode == "hourly":
        return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    boundary = datetime.combine(local.date(), time(digest_hour), tzinfo=zone)
    if boundary > local:
        boundary = datetime.combine(
            local.date() - timedelta(days=1), time(digest_hour), tzinfo=zone
        )
    return boundary.astimezone(UTC)


@dataclass(frozen=True)
class _Group:
    name: str
    items: list[dict[str, Any]]


def digest_message_id(subscription_id: str, end: datetime) -> str:
    return f"digest_{subscription_id}_{end.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def render_digest(
    *,
    sender: str,
    to: str,
    subscription: SubscriptionRecord,
    end: datetime,
    items: list[DigestItem],
    list_id: str | None = None,
    unsubscribe_url: str | None = None,
    manage_url: str | None = None,
) -> EmailMessage:
    """The digest email (plain text + HTML): events grouped by type, newest first."""
    zone = ZoneInfo(subscription.timezone)
    groups = []
    for kind, name in _TYPE_NAMES.items():
        chosen = sorted(
            (i for i in items if i.event_type == kind), key=lambda i: i.detected_at, reverse=True
        )
        if chosen:
            groups.append(
                _Group(
                    name,
                    [
                        {
                            "event": i.event,
                            "when": f"{i.detected_at.astimezone(zone):%Y-%m-%d %H:%M %Z}",
                        }
                        for i in chosen
                    ],
                )
            )
    counts = ", ".join(f"{len(g.items)} {g.name.lower()}" for g in groups)
    period_name = _PERIOD_NAMES.get(subscription.mode, "")
    plural = "s" if len(items) != 1 else ""
    subject = f"Pactwatch {period_name} digest: {len(items)} event{plural} ({counts})"
    context: dict[str, Any] = {
        "subject": subject,
        "period_name": period_name,
        "period_end_local": f"{end.astimezone(zone):%Y-%m-%d %H:%M %Z}",
        "total": len(items),
        "groups": groups,
        "unsubscribe_url": unsubscribe_url,
        "manage_url": manage_url,
    }
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{digest_message_id(subscription.id, end)}@pactwatch>"
    message["Auto-Submitted"] = "auto-generated"
    if list_id is not None:
        message["List-Id"] = list_id
    if unsubscribe_url is not None:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(_TEMPLATES.get_template("digest.txt").render(context))
    message.add_alternative(_TEMPLATES.get_template("digest.html").render(context), subtype="html")
    return message


def worker_name() -> str:
    """Who holds a claim: host, process and a random part (a restarted process is new)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DigestLoop:
    """Every `DIGEST_CHECK_SECONDS`: take over stale claims, claim the due digests, send."""

    def __init__(
        self,
        settings: Settings,
        digests: Digests,
        email: EmailSender,
        lookup: Callable[[str], SubscriptionRecord | None],
        links: RecipientLinks,
    ) -> None:
        self.settings = settings
        self.digests = digests
        self.email = email
        self.lookup = lookup
        self.links = links
        self.worker = worker_name()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.tick()
            except Exception as exc:  # a database hiccup must not end the loop
                log.error("digest_tick_failed", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.digest_check_seconds)

    async def tick(self, now: datetime | None = None) -> int:
        """One round; returns how many digests were sent."""
        now = now or datetime.now(UTC)
        sent = 0
        stale_before = now - timedelta(seconds=self.settings.digest_lease_seconds)
        for claimed in await asyncio.to_thread(
            self.digests.reclaim_stale, self.worker, stale_before
        ):
            sent += await self._send(claimed)
        pending = await asyncio.to_thread(self.digests.pending)
        metrics.DIGEST_PENDING.set(len(pending))
        for sub_id, oldest in pending.items():
            sub = self.lookup(sub_id)
            if sub is None or sub.state != "active":
                continue  # paused: its items wait; deleted: the store dropped them
            end = period_end(
                now,
                sub.mode,
                sub.digest_hour,
                sub.timezone,
                self.settings.digest_period_seconds_override,
            )
            if oldest >= end:
                continue  # nothing from a finished period yet
            won = await asyncio.to_thread(self.digests.claim, sub_id, end, self.worker)
            if won is not None:
                sent += await self._send(won)
        return sent

    async def _send(self, claimed: ClaimedDigest) -> int:
        sub = self.lookup(claimed.subscription_id)
        if sub is None or not isinstance(sub.channel, EmailChannel):
            await asyncio.to_thread(
                self.digests.failed,
                claimed.id,
                "subscription deleted or not an email subscription",
                retry_at=None,
                lease_seconds=self.settings.digest_lease_seconds,
            )
            return 0
        unsubscribe, manage = self.links.both(sub.id, sub.channel.address)
        message = render_digest(
            sender=self.settings.mail_from,
            to=sub.channel.address,
            subscription=sub,
            end=claimed.period_end,
            items=claimed.items,
            list_id=f"Pactwatch digest {sub.id} <{sub.id}.{self.settings.list_id_domain}>",
            unsubscribe_url=unsubscribe,
            manage_url=manage,
        )
        try:
            await self.email.send(message)
        except DeliveryError as exc:
            delay = (
                next_delay(
                    claimed.attempts + 1,
                    self.settings.retry_schedule_seconds,
                    jitter=self.settings.retry_jitter,
                )
                if exc.retryable
                else None
            )
            retry_at = datetime.now(UTC) + timedelta(seconds=delay) if delay is not None else None
            await asyncio.to_thread(
                self.digests.failed,
                claimed.id,
                exc.detail,
                retry_at=retry_at,
                lease_seconds=self.settings.digest_lease_seconds,
            )
            metrics.DIGESTS.labels("retry_scheduled" if retry_at else "failed").inc()
            log.warning(
                "digest_failed", subscription=sub.id, error=exc.detail[:300], retry=bool(retry_at)
            )
            return 0
        except asyncio.CancelledError:
            # Stopped mid-send: hand the claim back so the next worker sends it at once.
            await asyncio.shield(asyncio.to_thread(self.digests.release, claimed.id))
            raise
        await asyncio.to_thread(self.digests.sent, claimed.id)
        metrics.DIGESTS.labels("sent").inc()
        metrics.DIGEST_EVENTS.inc(len(claimed.items))
        log.info(
            "digest_sent",
            subscription=sub.id,
            events=len(claimed.items),
            period_end=claimed.period_end.isoformat(),
        )
        return 1
