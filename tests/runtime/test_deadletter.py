"""The dead-letter sink: the letter says where the message came from and why; it is counted
once the broker holds it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
import pytest
from prometheus_client import CollectorRegistry

from pactwatch_runtime import DeadLetterSink, letter_for, register_dead_letter_counter
from pactwatch_schemas import Attempt, DeadLetter, decode

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class Record:
    topic: str = "t.articles"
    partition: int = 4
    offset: int = 17
    key: bytes | None = b"k1"
    value: bytes | None = b"{not json"


class Sent:
    def __init__(self) -> None:
        self.messages: list[tuple[bytes | None, bytes]] = []

    async def __call__(self, key: bytes | None, value: bytes) -> str:
        self.messages.append((key, value))
        return f"ack-{len(self.messages)}"


def sink() -> tuple[DeadLetterSink[str], Sent, CollectorRegistry]:
    registry = CollectorRegistry()
    sent = Sent()
    counter = register_dead_letter_counter("dl", registry=registry)
    return DeadLetterSink("classifier", sent, counter=counter), sent, registry


async def test_a_rejected_record_becomes_a_dead_letter_keyed_like_it() -> None:
    letters, sent, registry = sink()
    ack = await letters.reject(Record(), "invalid_json", "unexpected character")
    assert ack == "ack-1"
    [(key, value)] = sent.messages
    assert key == b"k1"
    letter = decode(DeadLetter, value)
    assert (letter.service, letter.reason, letter.error) == (
        "classifier",
        "invalid_json",
        "unexpected character",
    )
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == (
        "t.articles",
        4,
        17,
    )
    assert (letter.key, letter.payload) == ("k1", "{not json")
    assert registry.get_sample_value("dl_dead_letters_total", {"reason": "invalid_json"}) == 1


async def test_a_letter_built_elsewhere_is_sent_and_counted_by_its_reason() -> None:
    letters, sent, registry = sink()
    now = datetime(2026, 11, 21, tzinfo=UTC)
    letter = letter_for(
        Record(value=None, key=None), service="notifier", reason="delivery_failed", detail="410"
    ).model_copy(update={"attempts": [Attempt(at=now, outcome="410 Gone")]})
    await letters.send(letter, key=b"event-1")
    [(key, value)] = sent.messages
    assert key == b"event-1"
    assert orjson.loads(value)["attempts"] == [
        {"at": "2026-11-21T00:00:00Z", "outcome": "410 Gone"}
    ]
    assert registry.get_sample_value("dl_dead_letters_total", {"reason": "delivery_failed"}) == 1
    assert registry.get_sample_value("dl_dead_letters_total", {"reason": "invalid_json"}) == 0


async def test_a_letter_whose_ack_comes_later_is_counted_when_the_broker_holds_it() -> None:
    registry = CollectorRegistry()
    counter = register_dead_letter_counter("dl", registry=registry)
    loop = asyncio.get_running_loop()
    acks: list[asyncio.Future[object]] = []

    async def send_later(key: bytes | None, value: bytes) -> asyncio.Future[object]:
        acks.append(loop.create_future())
        return acks[-1]

    letters = DeadLetterSink("classifier", send_later, counter=counter)
    await letters.reject(Record(), "invalid_json", "x")
    await letters.reject(Record(), "invalid_json", "y")

    def counted() -> float | None:
        return registry.get_sample_value("dl_dead_letters_total", {"reason": "invalid_json"})

    assert counted() == 0  # handed to the producer, not yet on the topic
    acks[0].set_result(object())
    acks[1].set_exception(OSError("broker gone"))
    await asyncio.sleep(0)  # done callbacks run on the next turn of the loop
    assert counted() == 1
