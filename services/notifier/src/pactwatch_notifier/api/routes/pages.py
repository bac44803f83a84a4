"""The subscribe page: a plain server-rendered form (works without JavaScript)."""

from __future__ import annotations

from types import SimpleNamespace

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ...models import SubscriptionRecord
from ..deps import TEMPLATES
from ..ratelimit import rate_limited

router = APIRouter(tags=["pages"], dependencies=[Depends(rate_limited)])


def form_values(record: SubscriptionRecord | None) -> SimpleNamespace:
    """What the filter form shows: a record's settings, or the defaults."""
    if record is None:
        return SimpleNamespace(
            email=None,
            event_types=["signing", "cooperation"],
            keywords=[],
            regions=[],
            sectors=[],
            mode="instant",
            digest_hour=8,
            timezone="UTC",
        )
    f = record.filters
    return SimpleNamespace(
        email=getattr(record.channel, "address", None),
        event_types=f.event_types,
        keywords=f.keywords,
        regions=f.regions,
        sectors=f.sectors,
        mode=record.mode,
        digest_hour=record.digest_hour,
        timezone=record.timezone,
    )


@router.get("/", include_in_schema=False)
def root() -> RedirectResponse:
    return RedirectResponse("/subscribe", status_code=303)


@router.get("/subscribe", response_class=HTMLResponse)
def subscribe_page(request: Request) -> HTMLResponse:
    """The form: email address, event types, keywords, regions, sectors, instant or digest."""
    return TEMPLATES.TemplateResponse(
        request,
        "subscribe.html",
        {
            "title": "Subscribe to Pactwatch alerts",
            "v": form_values(None),
            "errors": [],
            "action": "/subscribe",
        },
    )
