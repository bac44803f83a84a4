"""One message -> events or a dead letter (`process`), and article + detections -> Event
messages that satisfy the contract (`to_events`)."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from pactwatch_classifier import process as process_module
from pactwatch_classifier.detect import InvalidArticle
from pactwatch_classifier.process import (
    Classified,
    Rejected,
    classify_article,
    process,
    to_events,
)
from pactwatch_schemas import MAX_MESSAGE_BYTES, Article, Event, decode, encode

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


SIGNING_TEXT = (
    "On April 28th, the Wuxi Municipal Government signed a strategic cooperation agreement "
    "with the Torch High-tech Industry Development Center."
)


def test_signing_becomes_a_valid_event_carrying_the_article() -> None:
    a = article("Wuxi signs with Torch Center", SIGNING_TEXT)
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


# --- process: every branch ---------------------------------------------------------------


def test_an_article_with_a_signing_gives_its_events() -> None:
    a = article("Wuxi signs with Torch Center", SIGNING_TEXT)
    result = process(encode(a), now=NOW)
    assert isinstance(result, Classified)
    assert result.label == "signing"
    assert result.events == tuple(to_events(a, classify_article(a), now=NOW))
    assert result.seconds > 0


def test_an_article_without_an_event_gives_none() -> None:
    a = article("Rain this weekend", "Heavy rain is expected across the province on Saturday.")
    assert process(encode(a)) == Classified("none", ())


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"not json", "invalid_json"),
        (None, "invalid_json"),  # a tombstone
        (b'["an", "array"]', "invalid_schema"),
        (orjson.dumps({"schema_version": 1, "id": "x"}), "invalid_schema"),
        (orjson.dumps({"schema_version": 2, "id": "x"}), "unsupported_version"),
        (b" " * (MAX_MESSAGE_BYTES + 1), "too_large"),
    ],
    ids=["not-json", "tombstone", "not-an-object", "missing-fields", "version-2", "too-large"],
)
def test_a_message_that_is_no_article_is_rejected_with_its_reason(
    raw: bytes | None, reason: str
) -> None:
    result = process(raw)
    assert isinstance(result, Rejected)
    assert result.reason == reason
    assert result.detail


def test_an_article_the_detector_refuses_is_a_processing_error() -> None:
    binary = article("Binary", "\x00\x01\x02\x03" * 200)
    with pytest.raises(InvalidArticle):
        classify_article(binary)  # what process turns into a dead letter
    result = process(encode(binary))
    assert isinstance(result, Rejected)
    assert result.reason == "processing_error"
    assert "binary" in result.detail


def test_an_event_the_contract_refuses_is_a_processing_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused(*_: object, **__: object) -> list[Event]:
        raise ValueError("cameo: String should match pattern")

    monkeypatch.setattr(process_module, "to_events", refused)
    result = process(encode(article("Wuxi signs with Torch Center", SIGNING_TEXT)))
    assert result == Rejected("processing_error", "cameo: String should match pattern")
