"""Typed models of the messages, one per JSON Schema file in `schemas/json/`.

The JSON Schema files are the truth; these models mirror them so that services get
fast, typed decoding. `tests/schemas/test_contract.py` proves the two agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, Strict, StringConstraints

from . import limits

Id32 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
Url = Annotated[str, StringConstraints(min_length=1, max_length=limits.MAX_URL_CHARS)]
Title = Annotated[str, StringConstraints(max_length=limits.MAX_TITLE_CHARS)]
SourceId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Language = Annotated[str, StringConstraints(max_length=16)]
# RFC 3339 timestamps only: no naive times, no Unix numbers (JSON Schema "date-time").
Timestamp = Annotated[AwareDatetime, Strict()]
Day = Annotated[dt.date, Strict()]
EventType = Literal["signing", "cooperation"]
Service = Literal["crawler", "classifier", "notifier"]
DeadLetterReason = Literal[
    "invalid_json",
    "invalid_schema",
    "unsupported_version",
    "too_large",
    "processing_error",
    "delivery_failed",
]


class _Message(BaseModel):
    # Unknown fields are a contract violation, not something to carry along silently.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Article(_Message):
    """An article found by the crawler (`article.v1.json`)."""

    schema_version: Literal[1]
    id: Id32
    url: Url
    title: Title
    text: Annotated[str, StringConstraints(max_length=limits.MAX_ARTICLE_TEXT_CHARS)]
    source_id: SourceId
    source_tags: dict[str, str] = Field(default_factory=dict)
    language: Language | None = None
    published_at: Timestamp | None = None
    fetched_at: Timestamp
    duplicate_of: Id32 | None = None


class Amount(_Message):
    """A money amount, normalised: 1.2 billion yuan is `Amount(value=1.2e9, currency="CNY")`."""

    value: Annotated[float, Field(ge=0)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class ArticleRef(_Message):
    """The part of an article an alert needs, carried inside every event."""

    id: Id32
    url: Url
    title: Title
    source_id: SourceId
    source_tags: dict[str, str] = Field(default_factory=dict)
    language: Language | None = None
    published_at: Timestamp | None = None
    fetched_at: Timestamp


class Event(_Message):
    """A signing or cooperation event found in an article (`event.v1.json`)."""

    schema_version: Literal[1]
    event_id: Id32
    type: EventType
    cameo: Annotated[str, StringConstraints(pattern=r"^[0-9]{2,4}$")]
    confidence: Annotated[float, Field(ge=0, le=1)]
    parties: Annotated[
        list[Annotated[str, StringConstraints(max_length=limits.MAX_PARTY_CHARS)]],
        Field(max_length=limits.MAX_PARTIES),
    ]
    # One normalised key per party: the parties' limits.
    party_keys: Annotated[
        list[Annotated[str, StringConstraints(max_length=limits.MAX_PARTY_CHARS)]],
        Field(max_length=limits.MAX_PARTIES),
    ] = Field(default_factory=list)
    evidence: Annotated[str, StringConstraints(max_length=limits.MAX_EVIDENCE_CHARS)]
    evidence_spans: Annotated[
        list[tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]]],
        Field(max_length=limits.MAX_EVIDENCE_SPANS),
    ]
    locations: Annotated[
        list[Annotated[str, StringConstraints(max_length=limits.MAX_LOCATION_CHARS)]],
        Field(max_length=limits.MAX_LOCATIONS),
    ] = Field(default_factory=list)
    amount: Amount | None = None
    date: Day | None = None
    sectors: Annotated[
        list[Annotated[str, StringConstraints(max_length=limits.MAX_SECTOR_CHARS)]],
        Field(max_length=limits.MAX_SECTORS),
    ] = Field(default_factory=list)
    language: Language = "und"
    fingerprint: Id32
    article: ArticleRef
    detected_at: Timestamp


class Alert(_Message):
    """The body of one webhook delivery (`alert.v1.json`)."""

    schema_version: Literal[1]
    type: Literal["pactwatch.alert"]
    alert_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    subscription_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    event: Event
    sent_at: Timestamp
    sources: Annotated[list[ArticleRef], Field(max_length=limits.MAX_ALERT_SOURCES)] = Field(
        default_factory=list
    )
    update: Annotated[bool, Strict()] = False


class Attempt(_Message):
    """One try at processing or delivering, kept in a dead letter's history."""

    at: Timestamp
    outcome: Annotated[str, StringConstraints(max_length=limits.MAX_ATTEMPT_OUTCOME_CHARS)]


class NotifierRetry(_Message):
    """A delivery waiting for its next attempt, on the notifier's retry topic
    (`notifier_retry.v1.json`)."""

    schema_version: Literal[1]
    subscription_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    event: Event
    attempt: Annotated[int, Field(ge=1)]
    not_before: Timestamp
    chain: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    attempts: Annotated[list[Attempt], Field(max_length=limits.MAX_RETRY_ATTEMPTS)] = Field(
        default_factory=list
    )


class DeadLetter(_Message):
    """A message that could not be processed, with the reason (`dead_letter.v1.json`)."""

    schema_version: Literal[1]
    service: Service
    reason: DeadLetterReason
    error: Annotated[str, StringConstraints(max_length=4000)]
    source_topic: str
    source_partition: Annotated[int, Field(ge=0)] | None = None
    source_offset: Annotated[int, Field(ge=0)] | None = None
    key: Annotated[str, StringConstraints(max_length=1000)] | None = None
    payload: Annotated[str, StringConstraints(max_length=70000)]
    payload_truncated: bool = False
    subscription_id: str | None = None
    attempts: list[Attempt] = Field(default_factory=list)
    failed_at: Timestamp
