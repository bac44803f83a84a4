"""Webhook delivery per Standard Webhooks 1.0: signed JSON POST, 2xx only is success."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from standardwebhooks.webhooks import Webhook as _Signer

from pactwatch_schemas import Alert, Event

from ._errors import DeliveryError

_RETRYABLE_STATUS = frozenset({408, 425, 429})


def alert_id(subscription_id: str, event_id: str) -> str:
    """Stable per (subscription, event): the same on every retry, so receivers can dedupe."""
    return f"msg_{subscription_id}_{event_id}"


def build_alert(subscription_id: str, event: Event) -> Alert:
    return Alert(
        schema_version=1,
        type="pactwatch.alert",
        alert_id=alert_id(subscription_id, event.event_id),
        subscription_id=subscription_id,
        event=event,
        sent_at=datetime.now(UTC),
    )


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
            _Signer(secret).sign(message_id, timestamp, body) for secret in secrets
        )
    return headers


class WebhookSender:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def send(self, url: str, secrets: list[str], alert: Alert) -> int:
        """POST the alert; return the status on success, raise `DeliveryError` otherwise."""
        body = alert.model_dump_json()
        headers = {
            "content-type": "application/json",
            **signature_headers(alert.alert_id, body, secrets),
        }
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.TimeoutException:
            raise DeliveryError(f"timeout posting to {url}", retryable=True) from None
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__} posting to {url}", retryable=True) from None
        status = response.status_code
        if 200 <= status < 300:
            return status
        retryable = status >= 500 or status in _RETRYABLE_STATUS
        raise DeliveryError(
            f"{url} answered {status}", retryable=retryable, retry_after=_retry_after(response)
        )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
