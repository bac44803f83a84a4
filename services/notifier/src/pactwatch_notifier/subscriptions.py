"""Who wants which events, read from a YAML file (the bootstrap form of subscriptions)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationError,
    model_validator,
)

from pactwatch_schemas import Event

SubscriptionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]


class SubscriptionsFileError(ValueError):
    """The subscriptions file is missing or wrong; the message names the file, entry and field."""


class Webhook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: HttpUrl
    # Standard Webhooks secret(s), `whsec_<base64>`; several during a rotation.
    secrets: list[Annotated[str, StringConstraints(pattern=r"^whsec_[A-Za-z0-9+/=]{32,}$")]] = (
        Field(default_factory=list)
    )


class Subscription(BaseModel):
    """One subscriber's channel and filter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: SubscriptionId
    webhook: Webhook | None = None
    email: EmailStr | None = None
    event_types: frozenset[Literal["signing", "cooperation"]] = frozenset(
        {"signing", "cooperation"}
    )
    # Alert again when another source reports an event already alerted (an update alert,
    # `update: true` in the payload); by default each event alerts a subscriber once.
    updates: bool = False

    @model_validator(mode="after")
    def _one_channel(self) -> Subscription:
        if (self.webhook is None) == (self.email is None):
            raise ValueError("give exactly one channel: 'webhook' or 'email'")
        return self

    @property
    def channel(self) -> Literal["webhook", "email"]:
        return "webhook" if self.webhook is not None else "email"

    def matches(self, event: Event) -> bool:
        """Whether this subscriber wants `event`."""
        return event.type in self.event_types


def load_subscriptions(path: Path) -> list[Subscription]:
    """Read and validate the subscriptions file; raise `SubscriptionsFileError` if wrong."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SubscriptionsFileError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise SubscriptionsFileError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("subscriptions"), list):
        raise SubscriptionsFileError(f"{path}: expected a mapping with a 'subscriptions' list")
    subs: list[Subscription] = []
    for index, entry in enumerate(raw["subscriptions"]):
        name = entry.get("id", f"#{index + 1}") if isinstance(entry, dict) else f"#{index + 1}"
        try:
            sub = Subscription.model_validate(entry)
        except ValidationError as exc:
            problems = "; ".join(
                f"field '{'.'.join(str(p) for p in e['loc']) or '(entry)'}': {e['msg']}"
                for e in exc.errors()
            )
            raise SubscriptionsFileError(f"{path}: subscription {name}: {problems}") from None
        if any(s.id == sub.id for s in subs):
            raise SubscriptionsFileError(f"{path}: subscription {sub.id}: field 'id': duplicate id")
        subs.append(sub)
    return subs
