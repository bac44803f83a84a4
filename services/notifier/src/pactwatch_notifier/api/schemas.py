"""Request and response bodies of the API that are not domain models (those live in
`pactwatch_notifier.models`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from ..models import DeliveryRecord, EventType, Mode, SubscriptionRecord


def _all_types() -> list[EventType]:
    return ["signing", "cooperation"]


Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class SubscriptionPage(BaseModel):
    items: list[SubscriptionRecord]
    total: int = Field(description="How many subscriptions match, over all pages.")
    offset: int
    limit: int


class DeliveryPage(BaseModel):
    items: list[DeliveryRecord]
    total: int
    offset: int
    limit: int


class DeadLetterView(BaseModel):
    """One dead letter as read from the dead-letter topic; `id` (`<partition>-<offset>`)
    names it for a replay."""

    id: str
    partition: int
    offset: int
    service: str
    reason: str
    error: str
    failed_at: datetime
    subscription_id: str | None = None
    event_id: str | None = None
    attempts: int
    replayable: bool


class DeadLetterList(BaseModel):
    items: list[DeadLetterView]
    read: int = Field(description="Letters read from the topic (the newest ones, bounded).")


class ReplayResult(BaseModel):
    id: str
    subscription_id: str
    event_id: str
    chain: str = Field(description="The new retry chain the delivery starts again on.")


class TestAlertResult(BaseModel):
    subscription_id: str
    channel: Literal["email", "webhook"]
    delivered: bool
    status: int | None = Field(None, description="The webhook's HTTP status, when it answered.")
    error: str | None = None


class SubscribeRequest(BaseModel):
    """What a person asks for on the subscribe page (JSON or form fields of the same names;
    in a form, the lists are comma-separated text)."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    event_types: list[EventType] = Field(default_factory=_all_types, min_length=1)
    keywords: Annotated[list[Term], Field(max_length=50)] = Field(default_factory=list)
    regions: Annotated[list[Term], Field(max_length=50)] = Field(default_factory=list)
    sectors: Annotated[list[Term], Field(max_length=50)] = Field(default_factory=list)
    mode: Mode = "instant"
    digest_hour: int = Field(8, ge=0, le=23)
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "UTC"


class SubscribeAccepted(BaseModel):
    status: Literal["pending"] = "pending"
    message: str = "check your email and open the confirmation link"


class ManageRequest(BaseModel):
    """The filters a subscriber may change themselves (same fields as subscribing, less the
    address)."""

    model_config = ConfigDict(extra="forbid")

    event_types: list[EventType] = Field(default_factory=_all_types, min_length=1)
    keywords: Annotated[list[Term], Field(max_length=50)] = Field(default_factory=list)
    regions: Annotated[list[Term], Field(max_length=50)] = Field(default_factory=list)
    sectors: Annotated[list[Term], Field(max_length=50)] = Field(default_factory=list)
    mode: Mode = "instant"
    digest_hour: int = Field(8, ge=0, le=23)
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "UTC"
