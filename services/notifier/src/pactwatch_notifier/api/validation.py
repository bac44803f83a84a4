"""Checks beyond the models' own: the webhook address guard as a 422 in FastAPI's shape."""

from __future__ import annotations

from fastapi import HTTPException, status

from ..addresses import IpNetwork, UnsafeWebhook, check_webhook_url
from ..models import Channel
from . import metrics


def guard_channel(channel: Channel, allowlist: list[IpNetwork], loc: tuple[str, ...]) -> None:
    """422 naming the reason when a webhook URL points at a non-public address."""
    if channel.kind != "webhook":
        return
    try:
        check_webhook_url(str(channel.url), allowlist)
    except UnsafeWebhook as exc:
        metrics.WEBHOOKS_REFUSED.labels(exc.reason).inc()
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            detail=[
                {
                    "loc": list(loc),
                    "msg": str(exc),
                    "type": "unsafe_webhook_target",
                    "ctx": {"reason": exc.reason},
                }
            ],
        ) from None
