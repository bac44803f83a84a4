"""The notifier process against the real broker: bad messages are dead-lettered with their
reason, a broken endpoint does not stop a healthy one, and a replayed event alerts nobody twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from pactwatch_devtools import WebhookReceiver, read_topic, wait_until
from pactwatch_schemas import ArticleRef, DeadLetter, Event, decode, encode

pytestmark = pytest.mark.integration

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def make_event(n: int) -> Event:
    event_id = f"{n:032x}"
    now = datetime.now(UTC)
    return Event(
        schema_version=1,
        event_id=event_id,
        type="signing",
        cameo="057",
        confidence=0.9,
        parties=["Wuxi Municipal Government", f"Company {n}"],
        evidence="signed an agreement",
        evidence_spans=[(0, 19)],
        fingerprint=event_id,
        article=ArticleRef(
            id=event_id,
            url=f"https://example.org/{n}",
            title=f"Deal {n}",
            source_id="s",
            fetched_at=now,
        ),
        detected_at=now,
    )


async def produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=4_000_000)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value)
    finally:
        await producer.stop()


def test_dead_letters_and_no_duplicates(
    tmp_path: Path,
    kafka: str,
    topics: dict[str, str],
    pipeline_env: dict[str, str],
    start_service: Any,
) -> None:
    with WebhookReceiver(secret=SECRET) as good, WebhookReceiver() as broken:
        broken.responses = [(400, {})] * 10
        subs = tmp_path / "subs.yaml"
        subs.write_text(
            "subscriptions:\n"
            f"  - id: good\n    webhook: {{url: '{good.url}', secrets: ['{SECRET}']}}\n"
            f"  - id: broken\n    webhook: {{url: '{broken.url}'}}\n"
        )
        env = {
            **pipeline_env,
            "PACTWATCH_NOTIFIER_SUBSCRIPTIONS_FILE": str(subs),
            "PACTWATCH_NOTIFIER_RETRY_BASE_SECONDS": "0.1",
            "PACTWATCH_NOTIFIER_DATA_DIR": str(tmp_path / "notifier-data"),
        }
        notifier = start_service("notifier", env)
        wrong_version = orjson.loads(encode(make_event(2)))
        wrong_version["schema_version"] = 99
        asyncio.run(
            produce(
                kafka,
                topics["events"],
                [
                    encode(make_event(1)),
                    b"{not json",
                    orjson.dumps(wrong_version),
                    b"x" * 2_000_000,
                ],
            )
        )
        wait_until(lambda: len(good.received) == 1, 30, "the valid event at the healthy receiver")
        wait_until(
            lambda: notifier.metric("pactwatch_notifier_dead_letters_total") == 4,
            30,
            "four dead letters",
        )
        assert good.received[0].verified is True
        assert good.received[0].json()["event"]["event_id"] == make_event(1).event_id

        letters = [
            decode(DeadLetter, r.value)
            for r in asyncio.run(read_topic(kafka, topics["deadletter"]))
        ]
        by_reason = {letter.reason: letter for letter in letters}
        assert set(by_reason) == {
            "invalid_json",
            "unsupported_version",
            "too_large",
            "delivery_failed",
        }
        failed = by_reason["delivery_failed"]
        assert failed.subscription_id == "broken"
        assert "400" in failed.error and len(failed.attempts) == 1  # 400 is not retried
        assert by_reason["too_large"].payload_truncated is True
        assert by_reason["invalid_json"].source_topic == topics["events"]
        assert notifier.stop() == 0

        # The same event again (a replay, or another source's copy) after a restart: no new alert.
        again = start_service("notifier", env)
        asyncio.run(
            produce(kafka, topics["events"], [encode(make_event(1)), encode(make_event(3))])
        )
        wait_until(lambda: len(good.received) == 2, 30, "the new event")
        wait_until(
            lambda: again.metric("pactwatch_notifier_duplicates_skipped_total") >= 1, 30, "dup skip"
        )
        ids = [r.headers["webhook-id"] for r in good.received]
        assert len(ids) == len(set(ids)) == 2
