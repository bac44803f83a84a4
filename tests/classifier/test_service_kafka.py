"""The classifier process over the real broker: a flood of invalid messages interleaved with
valid articles; every invalid one is dead-lettered with its reason, the valid ones still
produce their events, and the service keeps running."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from pactwatch_devtools import produce, read_topic, wait_until
from pactwatch_schemas import Article, DeadLetter, Event, decode, encode

pytestmark = pytest.mark.integration

SIGNING = (
    "On March 3, the Suzhou Municipal Government signed an investment agreement with "
    "Voltaris Energy Technology Co., Ltd. for a new battery plant worth 3.2 billion yuan."
)


def article(i: int, text: str) -> Article:
    return Article(
        schema_version=1,
        id=f"{i:032x}",
        url=f"https://example.org/{i}",
        title=f"News {i}",
        text=text,
        source_id="s",
        fetched_at=datetime.now(UTC),
    )


def test_invalid_messages_are_dead_lettered_and_valid_ones_still_flow(
    kafka: str, topics: dict[str, str], pipeline_env: dict[str, str], start_service: Any
) -> None:
    classifier = start_service("classifier", pipeline_env)
    good = orjson.loads(encode(article(0, "x")))
    bad: list[tuple[str, bytes]] = [
        ("invalid_json", b"\x00\xffnot json"),
        ("invalid_schema", orjson.dumps({**good, "url": 5})),
        ("unsupported_version", orjson.dumps({**good, "schema_version": 7})),
        ("too_large", b'{"schema_version": 1, "x": "' + b"a" * 2_000_000 + b'"}'),
        ("invalid_schema", b"[]"),
    ]
    values: list[bytes] = []
    for i in range(10):
        values.append(encode(article(i + 1, SIGNING if i % 2 == 0 else "A quiet day in town.")))
        values.append(bad[i % len(bad)][1])
    asyncio.run(produce(kafka, topics["articles"], values))

    wait_until(
        lambda: classifier.metric("pactwatch_classifier_articles_total") == 10, 60, "10 classified"
    )
    wait_until(
        lambda: classifier.metric("pactwatch_classifier_dead_letters_total") == 10, 30, "10 letters"
    )
    letters = [
        decode(DeadLetter, r.value) for r in asyncio.run(read_topic(kafka, topics["deadletter"]))
    ]
    expected = sorted(bad[i % len(bad)][0] for i in range(10))
    assert sorted(letter.reason for letter in letters) == expected
    assert all(letter.service == "classifier" and letter.error for letter in letters)
    assert all(letter.source_topic == topics["articles"] for letter in letters)

    # Events are counted when made, before the broker has them: read until all five are there.
    signed: set[str] = set()

    def signings() -> int:
        records = asyncio.run(read_topic(kafka, topics["events"]))
        events = [decode(Event, r.value) for r in records]
        signed.update(e.article.id for e in events if e.type == "signing")
        return len(signed)

    wait_until(lambda: signings() >= 5, 30, "five signing events on the topic")
    assert signed == {f"{i + 1:032x}" for i in range(0, 10, 2)}
    assert classifier.proc is not None and classifier.proc.poll() is None
