"""Article -> events: the pure step between decoding and publishing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pactwatch_schemas import Amount, Article, ArticleRef, Event

from .detect import Classification, classify


def classify_article(article: Article) -> Classification:
    """Run the detector on an article (the same function backs the CLI)."""
    return classify(
        article.title,
        article.text,
        published_at=article.published_at,
        language_hint=article.language,
    )


def to_events(article: Article, result: Classification, now: datetime | None = None) -> list[Event]:
    """One Event message per detection, each carrying what an alert needs of the article."""
    if not result.events:
        return []
    detected_at = now or datetime.now(UTC)
    ref = ArticleRef(
        id=article.id,
        url=article.url,
        title=article.title,
        source_id=article.source_id,
        source_tags=article.source_tags,
        language=article.language,
        published_at=article.published_at,
        fetched_at=article.fetched_at,
    )
    events = []
    for d in result.events:
        events.append(
            Event(
                schema_version=1,
                event_id=d.fingerprint,
                type=d.type,
                cameo=d.cameo,
                confidence=d.confidence,
                parties=[p[:300] for p in d.parties[:50]],
                party_keys=[k[:300] for k in d.party_keys[:50]],
                evidence=d.evidence[:5000],
                evidence_spans=[tuple(s) for s in d.evidence_spans][:20],
                locations=[loc[:300] for loc in d.locations[:50]],
                amount=Amount(value=d.amount.value, currency=d.amount.currency)
                if d.amount
                else None,
                date=date.fromisoformat(d.date) if d.date else None,
                sectors=[s[:100] for s in d.sectors[:20]],
                language=result.language,
                fingerprint=d.fingerprint,
                article=ref,
                detected_at=detected_at,
            )
        )
    return events
