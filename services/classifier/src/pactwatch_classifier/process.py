"""One consumed message -> the events to publish, or the reason it is a dead letter.

`process` is the classifier's whole per-message step as a pure function (no Kafka, no
metrics), so every branch is a unit test: decode (`pactwatch_schemas.decode` sorts bad
messages into dead-letter reasons: invalid JSON, invalid schema, unsupported version, too
large) -> classify -> one Event per detection. `app.py` only sends what it returns.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from pactwatch_schemas import (
    Amount,
    Article,
    ArticleRef,
    DeadLetterReason,
    DecodeError,
    Event,
    decode,
    limits,
)

from .detect import Classification, InvalidArticle, classify


@dataclass(frozen=True, slots=True)
class Classified:
    """The article was read: its top label and one event per detection (none is fine)."""

    label: str
    events: tuple[Event, ...] = ()
    #: Time spent classifying (for the classify-duration histogram); not part of equality.
    seconds: float = field(default=0.0, compare=False)


@dataclass(frozen=True, slots=True)
class Rejected:
    """The message cannot be processed: it goes to the dead-letter topic with this reason."""

    reason: DeadLetterReason
    detail: str


ProcessResult = Classified | Rejected


def process(raw: bytes | None, *, now: datetime | None = None) -> ProcessResult:
    """Decode an articles-topic message value and classify it.

    `now` stamps the events' `detected_at` (default: the current time).
    """
    try:
        article = decode(Article, raw)
    except DecodeError as exc:
        return Rejected(exc.reason, exc.detail)
    started = time.perf_counter()
    try:
        result = classify_article(article)
        events = to_events(article, result, now=now)
    except (InvalidArticle, ValueError) as exc:  # ValueError: an event the contract refuses
        return Rejected("processing_error", str(exc))
    return Classified(result.label, tuple(events), time.perf_counter() - started)


def classify_article(article: Article) -> Classification:
    """Run the detector on an article (the same function backs the CLI)."""
    return classify(
        article.title,
        article.text,
        published_at=article.published_at,
        language_hint=article.language,
    )


def to_events(article: Article, result: Classification, now: datetime | None = None) -> list[Event]:
    """One Event message per detection, each carrying what an alert needs of the article,
    cut to the contract's limits."""
    if not result.events:
        return []
    detected_at = now or datetime.now(UTC)
    # The article's own fields that an event carries (every ArticleRef field is one).
    ref = ArticleRef(**{name: getattr(article, name) for name in ArticleRef.model_fields})
    events = []
    for d in result.events:
        events.append(
            Event(
                schema_version=1,
                event_id=d.fingerprint,
                type=d.type,
                cameo=d.cameo,
                confidence=d.confidence,
                parties=[p[: limits.MAX_PARTY_CHARS] for p in d.parties[: limits.MAX_PARTIES]],
                party_keys=[
                    k[: limits.MAX_PARTY_CHARS] for k in d.party_keys[: limits.MAX_PARTIES]
                ],
                evidence=d.evidence[: limits.MAX_EVIDENCE_CHARS],
                evidence_spans=[tuple(s) for s in d.evidence_spans][: limits.MAX_EVIDENCE_SPANS],
                locations=[
                    loc[: limits.MAX_LOCATION_CHARS] for loc in d.locations[: limits.MAX_LOCATIONS]
                ],
                amount=Amount(value=d.amount.value, currency=d.amount.currency)
                if d.amount
                else None,
                date=date.fromisoformat(d.date) if d.date else None,
                sectors=[s[: limits.MAX_SECTOR_CHARS] for s in d.sectors[: limits.MAX_SECTORS]],
                language=result.language,
                fingerprint=d.fingerprint,
                article=ref,
                detected_at=detected_at,
            )
        )
    return events
