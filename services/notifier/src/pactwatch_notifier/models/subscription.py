"""What a subscriber asked for: a channel, filters, a mode (instant or digest) and a state.

These pydantic models are the one shape of a subscription everywhere: the store returns them,
the API validates requests with them, the CLI and the YAML bootstrap file are parsed into them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    HttpUrl,
    StringConstraints,
    field_validator,
    model_validator,
)

EventType = Literal["signing", "cooperation"]
State = Literal["pending", "active", "paused", "disabled"]
Mode = Literal["instant", "hourly", "daily"]

SUBSCRIPTION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
SubscriptionId = Annotated[str, StringConstraints(pattern=SUBSCRIPTION_ID_PATTERN)]
#: Standard Webhooks secret, `whsec_<base64>`.
WebhookSecret = Annotated[str, StringConstraints(pattern=r"^whsec_[A-Za-z0-9+/=]{32,}$")]
Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Terms = Annotated[list[Term], Field(max_length=200)]


def _all_event_types() -> list[EventType]:
    return ["cooperation", "signing"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Filters(_Strict):
    """Which events a subscriber wants. Every empty list means "no constraint".

    Include lists need at least one hit; exclude lists reject on any hit. Matching is
    case-insensitive (see `filters.py` for exactly what each list is matched against).
    `source_tags` maps a tag name to the accepted values: `{"region": ["wuxi", "suzhou"]}`
    wants articles whose source is tagged region=wuxi or region=suzhou; several names must
    all match. A plain string value is taken as a one-element list.
    """

    event_types: list[EventType] = Field(default_factory=_all_event_types)
    min_confidence: float = Field(0.0, ge=0.0, le=1.0)
    parties: Terms = Field(default_factory=list)
    parties_exclude: Terms = Field(default_factory=list)
    regions: Terms = Field(default_factory=list)
    regions_exclude: Terms = Field(default_factory=list)
    sectors: Terms = Field(default_factory=list)
    sectors_exclude: Terms = Field(default_factory=list)
    keywords: Terms = Field(default_factory=list)
    keywords_exclude: Terms = Field(default_factory=list)
    languages: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]],
        Field(max_length=50),
    ] = Field(default_factory=list)
    source_ids: Terms = Field(default_factory=list)
    source_tags: dict[Term, Terms] = Field(default_factory=dict)

    @field_validator("source_tags", mode="before")
    @classmethod
    def _one_value_is_a_list(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("event_types")
    @classmethod
    def _some_type(cls, value: list[EventType]) -> list[EventType]:
        if not value:
            raise ValueError("name at least one event type")
        return sorted(set(value))  # type: ignore[arg-type]


class EmailChannel(_Strict):
    kind: Literal["email"] = "email"
    address: EmailStr


class WebhookChannel(_Strict):
    kind: Literal["webhook"] = "webhook"
    url: HttpUrl
    # Several secrets during a rotation: every one signs, receivers accept any.
    secrets: Annotated[list[WebhookSecret], Field(max_length=10)] = Field(default_factory=list)

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: HttpUrl) -> HttpUrl:
        if value.scheme not in ("http", "https"):
            raise ValueError("webhook URLs must be http(s)")
        return value


Channel = Annotated[EmailChannel | WebhookChannel, Field(discriminator="kind")]


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "America" is a directory
        raise ValueError(
            f"unknown time zone {value!r} (use an IANA name, e.g. Asia/Shanghai)"
        ) from None
    return value


class SubscriptionCreate(_Strict):
    """A new subscription. Without an id the store makes one up."""

    id: SubscriptionId | None = None
    channel: Channel
    filters: Filters = Field(default_factory=Filters)
    mode: Mode = "instant"
    # Daily digests go out at this local hour; hourly ones at the top of every hour.
    digest_hour: int = Field(8, ge=0, le=23)
    timezone: str = "UTC"
    # Alert again when another source reports an already alerted event.
    updates: bool = False
    state: State = "active"
    label: Annotated[str, StringConstraints(max_length=200)] | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _check_timezone(value)

    @model_validator(mode="after")
    def _digests_are_emails(self) -> SubscriptionCreate:
        if self.mode != "instant" and self.channel.kind != "email":
            raise ValueError("digests (hourly, daily) go by email: a webhook is instant only")
        return self


class SubscriptionUpdate(_Strict):
    """A partial change: only the fields given are changed."""

    channel: Channel | None = None
    webhook_secrets: Annotated[list[WebhookSecret], Field(max_length=10)] | None = None
    filters: Filters | None = None
    mode: Mode | None = None
    digest_hour: int | None = Field(None, ge=0, le=23)
    timezone: str | None = None
    updates: bool | None = None
    state: State | None = None
    label: Annotated[str, StringConstraints(max_length=200)] | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return None if value is None else _check_timezone(value)


class SubscriptionRecord(_Strict):
    """A stored subscription."""

    id: str
    channel: Channel
    filters: Filters
    mode: Mode
    digest_hour: int
    timezone: str
    updates: bool
    state: State
    state_reason: str | None = None
    label: str | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    confirmed_at: AwareDatetime | None = None

    @property
    def channel_kind(self) -> Literal["email", "webhook"]:
        return self.channel.kind


DeliveryOutcome = Literal["delivered", "retry_scheduled", "dead_lettered", "disabled"]


class DeliveryRecord(_Strict):
    """The last known outcome of one alert (subscription, event, and for `updates`
    subscriptions the article) as the workers recorded it."""

    subscription_id: str
    event_id: str
    article_id: str = ""
    channel: Literal["email", "webhook"]
    outcome: DeliveryOutcome
    attempts: int
    delivered_at: datetime | None = None
    last_error: str | None = None
    updated_at: datetime
