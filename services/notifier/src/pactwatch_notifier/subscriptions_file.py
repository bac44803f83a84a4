"""The subscriptions file: YAML, the bootstrap file the workers import at start (upsert by id) and
the format of `pactwatch-subscriptions import/export`.

```yaml
subscriptions:
  - id: ops-hook
    webhook: {url: https://hooks.example.org/pactwatch, secrets: [whsec_…]}
    event_types: [signing]            # shortcut for filters.event_types
  - id: analyst
    email: analyst@example.org
    mode: daily                       # instant (default), hourly, daily
    digest_hour: 8
    timezone: Asia/Shanghai
    filters: {regions: [Wuxi, 无锡], keywords_exclude: [rumour]}
    updates: true
    state: active                     # only for new ids: an import keeps an existing state
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

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

from .models import (
    SUBSCRIPTION_ID_PATTERN,
    EmailChannel,
    Filters,
    Mode,
    State,
    SubscriptionCreate,
    SubscriptionRecord,
    WebhookChannel,
)

SubscriptionId = Annotated[str, StringConstraints(pattern=SUBSCRIPTION_ID_PATTERN)]


class SubscriptionsFileError(ValueError):
    """The subscriptions file is missing or wrong; the message names the file, entry and field."""


class FileWebhook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: HttpUrl
    # Standard Webhooks secret(s), `whsec_<base64>`; several during a rotation.
    secrets: list[Annotated[str, StringConstraints(pattern=r"^whsec_[A-Za-z0-9+/=]{32,}$")]] = (
        Field(default_factory=list)
    )


class FileEntry(BaseModel):
    """One entry of the subscriptions file: a channel (`webhook` or `email`), filters and a mode."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: SubscriptionId
    webhook: FileWebhook | None = None
    email: EmailStr | None = None
    event_types: list[Literal["signing", "cooperation"]] | None = None
    filters: Filters = Field(default_factory=Filters)
    mode: Mode = "instant"
    digest_hour: int = Field(8, ge=0, le=23)
    timezone: str = "UTC"
    # Alert again when another source reports an event already alerted (an update alert,
    # `update: true` in the payload); by default each event alerts a subscriber once.
    updates: bool = False
    state: State = "active"
    label: str | None = None

    @model_validator(mode="after")
    def _one_channel(self) -> FileEntry:
        if (self.webhook is None) == (self.email is None):
            raise ValueError("give exactly one channel: 'webhook' or 'email'")
        return self

    @property
    def channel(self) -> Literal["webhook", "email"]:
        return "webhook" if self.webhook is not None else "email"

    def to_create(self) -> SubscriptionCreate:
        """The store's form of this entry (validated again: time zone, digest channel)."""
        filters = self.filters
        if self.event_types is not None:
            filters = filters.model_copy(update={"event_types": sorted(set(self.event_types))})
        channel: EmailChannel | WebhookChannel = (
            WebhookChannel(url=self.webhook.url, secrets=list(self.webhook.secrets))
            if self.webhook is not None
            else EmailChannel(address=str(self.email))
        )
        return SubscriptionCreate(
            id=self.id,
            channel=channel,
            filters=filters,
            mode=self.mode,
            digest_hour=self.digest_hour,
            timezone=self.timezone,
            updates=self.updates,
            state=self.state,
            label=self.label,
        )


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"field '{'.'.join(str(p) for p in e['loc']) or '(entry)'}': {e['msg']}"
        for e in exc.errors()
    )


def load_subscriptions(path: Path) -> list[FileEntry]:
    """Read and validate the subscriptions file; raise `SubscriptionsFileError` if wrong."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SubscriptionsFileError(f"{path}: file not found") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SubscriptionsFileError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("subscriptions"), list):
        raise SubscriptionsFileError(f"{path}: expected a mapping with a 'subscriptions' list")
    subs: list[FileEntry] = []
    for index, entry in enumerate(raw["subscriptions"]):
        name = entry.get("id", f"#{index + 1}") if isinstance(entry, dict) else f"#{index + 1}"
        try:
            sub = FileEntry.model_validate(entry)
            sub.to_create()
        except ValidationError as exc:
            raise SubscriptionsFileError(f"{path}: subscription {name}: {_problems(exc)}") from None
        if any(s.id == sub.id for s in subs):
            raise SubscriptionsFileError(f"{path}: subscription {sub.id}: field 'id': duplicate id")
        subs.append(sub)
    return subs


def to_yaml_entry(record: SubscriptionRecord) -> dict[str, Any]:
    """A stored subscription as a YAML entry (what `export` writes and `import` reads)."""
    entry: dict[str, Any] = {"id": record.id}
    if isinstance(record.channel, WebhookChannel):
        entry["webhook"] = {"url": str(record.channel.url), "secrets": record.channel.secrets}
    else:
        entry["email"] = record.channel.address
    defaults = Filters().model_dump(mode="json")
    filters = {k: v for k, v in record.filters.model_dump(mode="json").items() if v != defaults[k]}
    if filters:
        entry["filters"] = filters
    entry["mode"] = record.mode
    if record.mode != "instant":
        entry["digest_hour"] = record.digest_hour
        entry["timezone"] = record.timezone
    entry["updates"] = record.updates
    entry["state"] = record.state
    if record.label:
        entry["label"] = record.label
    return entry


def dump_subscriptions(records: list[SubscriptionRecord]) -> str:
    return yaml.safe_dump(
        {"subscriptions": [to_yaml_entry(r) for r in records]},
        allow_unicode=True,
        sort_keys=False,
    )
