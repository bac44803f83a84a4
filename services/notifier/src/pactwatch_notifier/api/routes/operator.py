"""Operator endpoints under `/api/v1`, every one behind a bearer token."""

from __future__ import annotations

from typing import Annotated, Any

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from ...models import SUBSCRIPTION_ID_PATTERN, State, SubscriptionCreate, SubscriptionRecord
from ...models import SubscriptionUpdate as SubscriptionPatch
from ...store import Conflict
from .. import deadletters
from ..deps import Allowlist, Settings, StoreDep
from ..schemas import (
    DeadLetterList,
    DeadLetterView,
    DeliveryPage,
    ReplayResult,
    SubscriptionPage,
    TestAlertResult,
)
from ..security import require_operator
from ..testalert import send_test_alert
from ..validation import guard_channel

router = APIRouter(
    prefix="/api/v1",
    tags=["operator"],
    dependencies=[Depends(require_operator)],
    responses={
        400: {"description": "The body could not be parsed (e.g. not UTF-8)."},
        401: {"description": "Missing or wrong operator bearer token."},
    },
)

SubscriptionId = Annotated[str, Path(pattern=SUBSCRIPTION_ID_PATTERN, max_length=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such subscription."}}


def _found(record: SubscriptionRecord | None, sub_id: str) -> SubscriptionRecord:
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no subscription {sub_id!r}")
    return record


@router.post(
    "/subscriptions",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "A subscription with this id exists."}},
)
def create_subscription(
    body: SubscriptionCreate, store: StoreDep, allowlist: Allowlist
) -> SubscriptionRecord:
    """Create a subscription (operators may create it `active` directly: no opt-in)."""
    guard_channel(body.channel, allowlist, ("body", "channel", "url"))
    try:
        return store.subscriptions.create(body)
    except Conflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc) or "id exists") from None


@router.get("/subscriptions")
def list_subscriptions(
    store: StoreDep, offset: Offset = 0, limit: Limit = 50, state: State | None = None
) -> SubscriptionPage:
    items, total = store.subscriptions.page(offset=offset, limit=limit, state=state)
    return SubscriptionPage(items=items, total=total, offset=offset, limit=limit)


@router.get("/subscriptions/{sub_id}", responses=_NOT_FOUND)
def get_subscription(sub_id: SubscriptionId, store: StoreDep) -> SubscriptionRecord:
    return _found(store.subscriptions.get(sub_id), sub_id)


@router.patch("/subscriptions/{sub_id}", responses=_NOT_FOUND)
def update_subscription(
    sub_id: SubscriptionId, body: SubscriptionPatch, store: StoreDep, allowlist: Allowlist
) -> SubscriptionRecord:
    """Change the fields given; a new webhook URL passes the same address guard."""
    if body.channel is not None:
        guard_channel(body.channel, allowlist, ("body", "channel", "url"))
    try:
        return _found(store.subscriptions.update(sub_id, body), sub_id)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None
    except ValueError as exc:  # the store's word on an inconsistent result
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            detail=[{"loc": ["body"], "msg": str(exc), "type": "value_error"}],
        ) from None


@router.post("/subscriptions/{sub_id}/pause", responses=_NOT_FOUND)
def pause_subscription(sub_id: SubscriptionId, store: StoreDep) -> SubscriptionRecord:
    _found(store.subscriptions.get(sub_id), sub_id)
    return _found(store.subscriptions.set_state(sub_id, "paused", "paused by an operator"), sub_id)


@router.post(
    "/subscriptions/{sub_id}/resume",
    responses={**_NOT_FOUND, 409: {"description": "Not confirmed by its recipient yet."}},
)
def resume_subscription(sub_id: SubscriptionId, store: StoreDep) -> SubscriptionRecord:
    """Back to `active` (from paused or disabled); a pending email subscription stays pending
    until its recipient confirms (double opt-in)."""
    current = _found(store.subscriptions.get(sub_id), sub_id)
    if current.state == "pending":
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail="the recipient has not confirmed this subscription"
        )
    return _found(store.subscriptions.set_state(sub_id, "active", None), sub_id)


@router.delete(
    "/subscriptions/{sub_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_NOT_FOUND
)
def delete_subscription(sub_id: SubscriptionId, store: StoreDep) -> Response:
    if not store.subscriptions.delete(sub_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no subscription {sub_id!r}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/subscriptions/{sub_id}/test",
    responses=_NOT_FOUND,
)
async def test_alert(
    sub_id: SubscriptionId, request: Request, store: StoreDep, settings: Settings
) -> TestAlertResult:
    """Send a sample event to the subscription's channel now (whatever its state and
    filters); the answer says whether the receiver took it."""
    record = _found(store.subscriptions.get(sub_id), sub_id)
    return await send_test_alert(record, request.app.state, settings)


@router.get("/deliveries")
def list_deliveries(
    store: StoreDep,
    subscription_id: Annotated[str | None, Query(max_length=100)] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> DeliveryPage:
    items, total = store.deliveries.page(
        subscription_id=subscription_id, offset=offset, limit=limit
    )
    return DeliveryPage(items=items, total=total, offset=offset, limit=limit)


def _view(stored: deadletters.StoredLetter) -> DeadLetterView:
    event = stored.event
    letter = stored.letter
    return DeadLetterView(
        id=stored.id,
        partition=stored.partition,
        offset=stored.offset,
        service=letter.service,
        reason=letter.reason,
        error=letter.error,
        failed_at=letter.failed_at,
        subscription_id=letter.subscription_id,
        event_id=event.event_id if event is not None else None,
        attempts=len(letter.attempts),
        replayable=event is not None,
    )


_KAFKA_DOWN: dict[int | str, dict[str, Any]] = {
    503: {"description": "The Kafka broker does not answer."}
}


@router.get("/dead-letters", responses=_KAFKA_DOWN)
async def list_dead_letters(
    settings: Settings,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 50,
    subscription_id: Annotated[str | None, Query(max_length=100)] = None,
) -> DeadLetterList:
    """The newest dead letters (at most `limit`, and at most DEAD_LETTERS_MAX), newest first."""
    limit = min(limit, settings.dead_letters_max)
    try:
        letters = await deadletters.newest_letters(
            settings.kafka_bootstrap, settings.dead_letter_topic, limit
        )
    except (KafkaError, TimeoutError) as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=repr(exc)) from None
    views = [_view(s) for s in letters]
    if subscription_id is not None:
        views = [v for v in views if v.subscription_id == subscription_id]
    return DeadLetterList(items=views, read=len(letters))


@router.post(
    "/dead-letters/{letter_id}/replay",
    responses={
        **_KAFKA_DOWN,
        404: {"description": "No such letter."},
        409: {"description": "Not a replayable delivery failure."},
    },
)
async def replay_dead_letter(
    letter_id: Annotated[str, Path(pattern=r"^[0-9]{1,6}-[0-9]{1,18}$")], settings: Settings
) -> ReplayResult:
    """Send one dead-lettered delivery through the retry path again (attempt 1 of a new
    chain); a delivery that got through meanwhile is not sent twice."""
    partition, offset = (int(x) for x in letter_id.split("-"))
    try:
        stored = await deadletters.read_letter(
            settings.kafka_bootstrap, settings.dead_letter_topic, partition, offset
        )
        event = stored.event
        if event is None or stored.letter.subscription_id is None:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                detail="only notifier delivery failures with an intact event can be replayed",
            )
        chain = await deadletters.replay_letter(
            settings.kafka_bootstrap, settings.retry_topic, stored
        )
    except deadletters.LetterNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    except (KafkaError, TimeoutError) as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=repr(exc)) from None
    return ReplayResult(
        id=letter_id,
        subscription_id=stored.letter.subscription_id,
        event_id=event.event_id,
        chain=chain,
    )
