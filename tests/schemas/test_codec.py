"""The codec sorts every bad message into a dead-letter reason instead of raising blindly."""

from __future__ import annotations

import orjson
import pytest

import pactwatch_schemas as ps

pytestmark = pytest.mark.unit

GOOD = {
    "schema_version": 1,
    "id": "0123456789abcdef0123456789abcdef",
    "url": "https://example.org/a",
    "title": "t",
    "text": "x",
    "source_id": "s",
    "fetched_at": "2026-11-21T10:00:00Z",
}


def test_decodes_a_valid_article_with_defaults() -> None:
    article = ps.decode(ps.Article, orjson.dumps(GOOD))
    assert article.source_tags == {}
    assert article.published_at is None
    assert article.fetched_at.tzinfo is not None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"not json", "invalid_json"),
        (None, "invalid_json"),
        (b"[1, 2]", "invalid_schema"),
        (orjson.dumps({**GOOD, "schema_version": 2}), "unsupported_version"),
        (
            orjson.dumps({k: v for k, v in GOOD.items() if k != "schema_version"}),
            "unsupported_version",
        ),
        (orjson.dumps({**GOOD, "id": "nothex"}), "invalid_schema"),
        (
            b'{"schema_version": 1, "pad": "' + b"a" * (ps.MAX_MESSAGE_BYTES + 1) + b'"}',
            "too_large",
        ),
    ],
)
def test_bad_messages_get_a_reason(raw: bytes | None, reason: str) -> None:
    with pytest.raises(ps.DecodeError) as info:
        ps.decode(ps.Article, raw)
    assert info.value.reason == reason
    assert info.value.detail


def test_schema_error_names_the_field() -> None:
    with pytest.raises(ps.DecodeError) as info:
        ps.decode(ps.Article, orjson.dumps({**GOOD, "url": ""}))
    assert "url" in info.value.detail


def test_dead_letter_keeps_a_bounded_copy_of_the_payload() -> None:
    big = b"\xff" + b"a" * (ps.DEAD_LETTER_PAYLOAD_BYTES * 2)
    letter = ps.dead_letter(
        service="notifier", reason="too_large", error="e" * 10_000, source_topic="t", payload=big
    )
    assert letter.payload_truncated is True
    assert len(letter.payload.encode()) <= ps.DEAD_LETTER_PAYLOAD_BYTES + 3
    assert len(letter.error) == 4000
    # Survives the trip through its own schema.
    assert ps.decode(ps.DeadLetter, ps.encode(letter)).model_dump() == letter.model_dump()
