"""Article + detections -> Event messages that satisfy the contract."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pactwatch_classifier.pipeline import classify_article, to_events
from pactwatch_schemas import Article, Event, decode, encode

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def article(title: str, text: str) -> Article:
    return Article(
        schema_version=1,
        id="0123456789abcdef0123456789abcdef",
        url="https://example.org/a",
        title=title,
        text=text,
        source_id="src",
        source_tags={"region": "wuxi"},
        published_at=datetime(2024, 4, 29, tzinfo=UTC),
        fetched_at=NOW,
    )


def test_signing_becomes_a_valid_event_carrying_the_article() -> None:
    a = article(
        "Wuxi signs with Torch Center",
        "On April 28th, the Wuxi Municipal Government signed a strategic cooperation agreement "
        "with the Torch High-tech Industry Development Center.",
    )
    result = classify_article(a)
    events = to_events(a, result, now=NOW)
    assert result.label == "signing"
    assert events and all(e.type in {"signing", "cooperation"} for e in events)
    signing = next(e for e in events if e.type == "signing")
    assert signing.event_id == signing.fingerprint
    assert signing.article.url == a.url and signing.article.source_tags == {"region": "wuxi"}
    assert signing.detected_at == NOW
    start, end = signing.evidence_spans[0]
    assert a.text[start:end] in signing.evidence or signing.evidence in a.text
    # What goes on the wire decodes back through the contract.
    assert decode(Event, encode(signing)) == signing


def test_no_event_no_messages() -> None:
    a = article("Rain this weekend", "Heavy rain is expected across the province on Saturday.")
    assert to_events(a, classify_article(a)) == []
