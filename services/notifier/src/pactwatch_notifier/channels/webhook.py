"""Webhook delivery per Standard Webhooks 1.0: signed JSON POST, 2xx only is success."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache

import aiohttp
from standardwebhooks.webhooks import Webhook as _Signer

from pactwatch_runtime import parse_retry_after
from pactwatch_schemas import Alert, ArticleRef, Event

from ..addresses import GuardedResolver, RefusedAddress
from ._errors import DeliveryError

#: Standard Webhooks asks for payloads under ~20 kB.
ALERT_MAX_BYTES = 20_000


def alert_id(subscription_id: str, event_id: str, update_article_id: str | None = None) -> str:
    """Stable per (subscription, event): the same on every retry, so receivers can dedupe.

    An update alert (the event again, from another article, for a subscription that asks
    for updates) has its own id, naming the article.
    """
    base = f"msg_{subscription_id}_{event_id}"
    return base if update_article_id is None else f"{base}_{update_article_id}"


def build_alert(
    subscription_id: str,
    event: Event,
    *,
    sources: Sequence[ArticleRef] = (),
    update: bool = False,
    max_bytes: int = ALERT_MAX_BYTES,
) -> Alert:
    """The alert for one subscriber, cut to fit `max_bytes` of JSON.

    What gives way first: the other sources (last seen first), then the evidence text, then
    long lists of parties, locations and sectors. The event's own article always stays.
    """
    alert = Alert(
        schema_version=1,
        type="pactwatch.alert",
        alert_id=alert_id(subscription_id, event.event_id, event.article.id if update else None),
        subscription_id=subscription_id,
        event=event,
        sent_at=datetime.now(UTC),
        sources=list(sources) or [event.article],
        update=update,
    )
    return fit_alert(alert, max_bytes)


def _size(alert: Alert) -> int:
    return len(alert.model_dump_json().encode())


def fit_alert(alert: Alert, max_bytes: int) -> Alert:
    if _size(alert) <= max_bytes:
        return alert
    while len(alert.sources) > 1 and _size(alert) > max_bytes:
        alert = alert.model_copy(update={"sources": alert.sources[:-1]})
    event = alert.event
    for evidence_chars in (2000, 500):
        if _size(alert) <= max_bytes:
            return alert
        event = event.model_copy(
            update={"evidence": event.evidence[:evidence_chars], "evidence_spans": []}
        )
        alert = alert.model_copy(update={"event": event})
    for keep in (10, 3):
        if _size(alert) <= max_bytes:
            return alert
        event = event.model_copy(
            update={
                "parties": [p[:200] for p in event.parties[:keep]],
                "locations": event.locations[:keep],
                "sectors": event.sectors[:keep],
            }
        )
        alert = alert.model_copy(update={"event": event, "sources": [event.article]})
    return alert  # url + title (6 kB at most) always fit


def signature_headers(
    message_id: str, body: str, secrets: list[str], now: datetime | None = None
) -> dict[str, str]:
    """The three Standard Webhooks headers; one `v1,` signature per secret (key rotation)."""
    timestamp = now or datetime.now(UTC)
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
    }
    if secrets:
        headers["webhook-signature"] = " ".join(
            _signer(secret).sign(message_id, timestamp, body) for secret in secrets
        )
    return headers


@lru_cache(maxsize=1024)
def _signer(secret: str) -> _Signer:
    """A secret's signer, made once: making one decodes the secret's base64 every time."""
    return _Signer(secret)


def classify_status(status: int) -> tuple[bool, bool]:
    """(retryable, disable) for a non-2xx answer: 429 and 5xx are retried, 410 disables the
    endpoint, everything else (3xx, other 4xx) is permanent."""
    return (status == 429 or status >= 500), status == 410


def status_error(url: str, status: int, retry_after: str | None = None) -> DeliveryError | None:
    """What an answer means for the delivery: None for 2xx (accepted), else the error, with
    the seconds a `Retry-After` header asked for."""
    if 200 <= status < 300:
        return None
    retryable, disable = classify_status(status)
    return DeliveryError(
        f"{url} answered {status}",
        retryable=retryable,
        retry_after=parse_retry_after(retry_after),
        disable=disable,
    )


def guarded_session(guard: GuardedResolver, limit: int) -> aiohttp.ClientSession:
    """The webhook session: pooled connections, and every address it connects to through
    the address guard."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit, resolver=guard),
        trust_env=False,  # no proxy from the environment: webhooks go where they say
    )


class WebhookSender:
    """POSTs alerts over one pooled aiohttp session (several times faster than httpx here:
    see bench/bench_notifier.py). With a `guard` (the session's resolver), a URL whose
    host is, or resolves to, a refused address is a permanent failure naming why."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        timeout: float,
        guard: GuardedResolver | None = None,
    ) -> None:
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._guard = guard

    async def send(self, url: str, secrets: list[str], alert: Alert) -> int:
        """POST the alert; return the status on success, raise `DeliveryError` otherwise."""
        body = alert.model_dump_json()
        headers = {
            "content-type": "application/json",
            "user-agent": "pactwatch-notifier",
            **signature_headers(alert.alert_id, body, secrets),
        }
        try:
            if self._guard is not None:
                self._guard.check_literal(url)
            async with self._session.post(
                url,
                data=body.encode(),
                headers=headers,
                timeout=self._timeout,
                allow_redirects=False,  # Standard Webhooks: a 3xx is a failure
            ) as response:
                status = response.status
                retry_after = response.headers.get("retry-after")
                if (response.content_length or 0) <= 65536:
                    await response.read()  # small answers are drained: the connection is reused
        except RefusedAddress as exc:
            raise DeliveryError(str(exc), retryable=False) from None
        except TimeoutError:
            raise DeliveryError(f"timeout posting to {url}", retryable=True) from None
        except aiohttp.ClientError as exc:
            raise DeliveryError(f"{type(exc).__name__} posting to {url}", retryable=True) from None
        error = status_error(url, status, retry_after)
        if error is not None:
            raise error
        return status
