"""Public endpoints (no token, rate limited per client IP): subscribe (double opt-in),
confirm, one-click unsubscribe (RFC 8058) and the subscriber's own manage page. Every one of
them is proven by a signed link, never by a cookie."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import quote

import structlog
from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import ValidationError

from ...channels import DeliveryError
from ...models import EmailChannel, Filters, SubscriptionCreate, SubscriptionRecord
from ...models import SubscriptionUpdate as SubscriptionPatch
from ..deps import TEMPLATES, LinksDep, MailerDep, StoreDep
from ..forms import is_json, read_input, request_body
from ..ratelimit import rate_limited
from ..schemas import ManageRequest, SubscribeAccepted, SubscribeRequest
from ..tokens import LinkError, LinkSubject
from .pages import form_values

log = structlog.get_logger("pactwatch.notifier.api")

_HTML: dict[str, Any] = {"content": {"text/html": {}}}
#: JSON in: FastAPI's validation errors; a form in: the form again with the problems listed.
_INVALID: dict[str, Any] = {
    "description": "Invalid input.",
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}},
        "text/html": {},
    },
}
router = APIRouter(
    tags=["public"],
    dependencies=[Depends(rate_limited)],
    responses={
        429: {
            "description": "Too many requests from this address (see Retry-After).",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        }
    },
)
Token = Annotated[str, Query(min_length=1, max_length=2000, description="The signed link token.")]


def _page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)


def _message(
    request: Request,
    title: str,
    message: str,
    *,
    error: bool = False,
    link: str | None = None,
    link_text: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "title": title,
        "message": message,
        "error": error,
        "link": link,
        "link_text": link_text,
    }
    return _page(request, "message.html", context, status_code)


def _bad_link(request: Request, exc: LinkError) -> HTMLResponse:
    hint = (
        "Subscribe again to get a new link." if exc.expired else "Check that you copied all of it."
    )
    return _message(
        request,
        "Link expired" if exc.expired else "Link not valid",
        f"{exc} {hint}",
        error=True,
        link="/subscribe",
        link_text="Go to the subscribe page",
        status_code=status.HTTP_400_BAD_REQUEST,
    )


def _filters(asked: SubscribeRequest | ManageRequest, base: Filters | None = None) -> Filters:
    return (base or Filters()).model_copy(
        update={
            "event_types": sorted(set(asked.event_types)),
            "keywords": asked.keywords,
            "regions": asked.regions,
            "sectors": asked.sectors,
        }
    )


def _as_422(exc: ValidationError) -> RequestValidationError:
    return RequestValidationError(
        [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
    )


def _owned(store: StoreDep, subject: LinkSubject) -> SubscriptionRecord | None:
    """The subscription a link names, if it still goes to the address the link was made for."""
    record = store.subscriptions.get(subject.subscription_id)
    if record is None or record.channel.kind != "email":
        return None
    if record.channel.address.lower() != subject.address.lower():
        return None
    return record


# -- subscribe -------------------------------------------------------------------------------
@router.post(
    "/subscribe",
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra=request_body(SubscribeRequest),
    response_model=SubscribeAccepted,
    responses={
        200: {"description": "A form was posted: the 'check your email' page.", **_HTML},
        422: _INVALID,
        503: {"description": "The confirmation email could not be sent; try again later."},
    },
)
async def subscribe(
    request: Request, store: StoreDep, links: LinksDep, mailer: MailerDep
) -> Response:
    """Create a pending subscription and email a confirmation link (double opt-in). A pending
    subscription for the same address is reused (its filters replaced, a new link sent)."""
    as_json = is_json(request)
    error: RequestValidationError | None = None
    try:
        asked = await read_input(request, SubscribeRequest)
        wanted = SubscriptionCreate(
            channel=EmailChannel(address=asked.email),
            filters=_filters(asked),
            mode=asked.mode,
            digest_hour=asked.digest_hour,
            timezone=asked.timezone,
            state="pending",
        )
    except ValidationError as exc:
        error = _as_422(exc)
    except RequestValidationError as exc:
        error = exc
    if error is not None:
        if as_json:
            raise error
        return await _form_again(request, error)

    address = wanted.channel.address  # type: ignore[union-attr]
    pending = [
        r
        for r in await asyncio.to_thread(store.subscriptions.find_by_email, address)
        if r.state == "pending"
    ]
    if pending:
        patch = SubscriptionPatch(
            filters=wanted.filters,
            mode=wanted.mode,
            digest_hour=wanted.digest_hour,
            timezone=wanted.timezone,
        )
        record = await asyncio.to_thread(store.subscriptions.update, pending[0].id, patch)
    else:
        record = await asyncio.to_thread(store.subscriptions.create, wanted)
    assert record is not None
    try:
        await mailer.send_confirmation(address, links.confirm_url(record.id, address))
    except DeliveryError as exc:
        log.warning("confirmation_not_sent", subscription=record.id, error=exc.detail)
        detail = "the confirmation email could not be sent; please try again later"
        if as_json:
            return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "60"})
        return _message(request, "Please try again", detail, error=True, status_code=503)
    log.info("subscription_pending", subscription=record.id)
    if as_json:
        return JSONResponse(SubscribeAccepted().model_dump(), status_code=202)
    return _page(
        request,
        "check_email.html",
        {
            "title": "Check your email",
            "email": address,
            "hours": mailer.hours,
            "back": "/subscribe",
        },
    )


async def _form_again(request: Request, error: RequestValidationError) -> HTMLResponse:
    """The subscribe page again (422), the problems listed at the top, the answers kept."""
    values = form_values(None)
    form = await request.form()  # already parsed (Starlette keeps it): no second read
    text = {k: v for k, v in form.items() if isinstance(v, str)}
    values.email = text.get("email", "")[:320]
    values.event_types = [v for v in form.getlist("event_types") if isinstance(v, str)]
    for name in ("keywords", "regions", "sectors"):
        setattr(values, name, [text.get(name, "")[:2000]] if text.get(name) else [])
    values.mode = text.get("mode", values.mode)
    values.timezone = text.get("timezone", values.timezone)[:64]
    if text.get("digest_hour", "").isdigit():
        values.digest_hour = int(text["digest_hour"])
    return _page(
        request,
        "subscribe.html",
        {
            "title": "Subscribe to Pactwatch alerts",
            "v": values,
            "errors": _messages(error),
            "action": "/subscribe",
        },
        status.HTTP_422_UNPROCESSABLE_ENTITY,
    )


# -- confirm ---------------------------------------------------------------------------------
@router.get(
    "/confirm",
    response_class=HTMLResponse,
    responses={400: {"description": "Expired, forged or used-up link.", **_HTML}},
)
def confirm(request: Request, token: Token, store: StoreDep, links: LinksDep) -> HTMLResponse:
    """The link from the confirmation email: the pending subscription becomes active."""
    try:
        subject = links.check_confirm(token)
    except LinkError as exc:
        return _bad_link(request, exc)
    record = _owned(store, subject)
    if record is None or record.state not in ("pending", "active"):
        return _bad_link(request, LinkError("this confirmation link is no longer valid"))
    if record.state == "pending":
        store.subscriptions.confirm(record.id)
        log.info("subscription_confirmed", subscription=record.id)
    return _message(
        request,
        "Subscription confirmed",
        f"Alerts for {subject.address} are on. Every alert email has links to change or stop them.",
        link=links.manage_url(record.id, subject.address),
        link_text="Change what you receive",
    )


# -- unsubscribe -----------------------------------------------------------------------------
@router.get(
    "/unsubscribe",
    response_class=HTMLResponse,
    responses={400: {"description": "Forged or malformed link.", **_HTML}},
)
def unsubscribe_page(request: Request, token: Token, links: LinksDep) -> HTMLResponse:
    """A page with one button: mail scanners that follow links must not unsubscribe anyone."""
    try:
        subject = links.check_recipient(token)
    except LinkError as exc:
        return _bad_link(request, exc)
    context = {
        "title": "Unsubscribe",
        "email": subject.address,
        "action": f"/unsubscribe?token={quote(token, safe='')}",
        "manage": links.manage_url(subject.subscription_id, subject.address),
    }
    return _page(request, "unsubscribe.html", context)


@router.post(
    "/unsubscribe",
    response_class=HTMLResponse,
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "List-Unsubscribe": {"type": "string", "enum": ["One-Click"]}
                        },
                    }
                }
            },
        }
    },
    responses={400: {"description": "Forged or malformed link.", **_HTML}},
)
def unsubscribe(request: Request, token: Token, store: StoreDep, links: LinksDep) -> HTMLResponse:
    """RFC 8058 one-click: the token in the URL is the only proof (no cookies, no redirect);
    200 once the subscription no longer sends, also when it was already stopped."""
    try:
        subject = links.check_recipient(token)
    except LinkError as exc:
        return _bad_link(request, exc)
    record = _owned(store, subject)
    if record is not None and record.state != "disabled":
        store.subscriptions.set_state(record.id, "disabled", "unsubscribed by the recipient")
        log.info("subscription_unsubscribed", subscription=record.id)
    return _message(
        request,
        "Unsubscribed",
        f"No more Pactwatch alerts go to {subject.address}.",
        link="/subscribe",
        link_text="Subscribe again",
    )


# -- manage ----------------------------------------------------------------------------------
def _manage_page(
    request: Request,
    record: SubscriptionRecord,
    token: str,
    *,
    saved: bool = False,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    query = f"?token={quote(token, safe='')}"
    context = {
        "title": "Your Pactwatch alerts",
        "email": record.channel.address,  # type: ignore[union-attr]
        "state": record.state,
        "v": form_values(record),
        "errors": errors or [],
        "saved": saved,
        "action": "/manage" + query,
        "unsubscribe_action": "/unsubscribe" + query,
    }
    return _page(request, "manage.html", context, status_code)


_GONE = "this subscription no longer exists"


@router.get(
    "/manage",
    response_class=HTMLResponse,
    responses={400: {"description": "Forged or malformed link.", **_HTML}},
)
def manage_page(request: Request, token: Token, store: StoreDep, links: LinksDep) -> HTMLResponse:
    """The subscriber's filters, prefilled, with a Save and an Unsubscribe button."""
    try:
        record = _owned(store, links.check_recipient(token))
    except LinkError as exc:
        return _bad_link(request, exc)
    if record is None:
        return _bad_link(request, LinkError(_GONE))
    return _manage_page(request, record, token)


@router.post(
    "/manage",
    response_class=HTMLResponse,
    openapi_extra=request_body(ManageRequest),
    responses={
        400: {"description": "Forged or malformed link.", **_HTML},
        422: _INVALID,
    },
)
async def manage(request: Request, token: Token, store: StoreDep, links: LinksDep) -> HTMLResponse:
    """Save the subscriber's new filters and mode (the state does not change here)."""
    try:
        record = _owned(store, links.check_recipient(token))
    except LinkError as exc:
        return _bad_link(request, exc)
    if record is None:
        return _bad_link(request, LinkError(_GONE))
    try:
        asked = await read_input(request, ManageRequest)
        patch = SubscriptionPatch(
            filters=_filters(asked, record.filters),
            mode=asked.mode,
            digest_hour=asked.digest_hour,
            timezone=asked.timezone,
        )
    except ValidationError as exc:
        return _manage_page(request, record, token, errors=_messages(_as_422(exc)), status_code=422)
    except RequestValidationError as exc:
        return _manage_page(request, record, token, errors=_messages(exc), status_code=422)
    updated = await asyncio.to_thread(store.subscriptions.update, record.id, patch)
    if updated is None:
        return _bad_link(request, LinkError(_GONE))
    return _manage_page(request, updated, token, saved=True)


def _messages(error: RequestValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in e['loc'][1:2]) or 'form'}: {e['msg']}" for e in error.errors()
    ]
