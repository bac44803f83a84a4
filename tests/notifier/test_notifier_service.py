"""The notifier process against the real broker: bad messages are dead-lettered with their
reason, a broken endpoint does not stop a healthy one, and a replayed event alerts nobody twice."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson
import pytest

from pactwatch_devtools import WebhookReceiver, read_topic, wait_until
from pactwatch_schemas import DeadLetter, decode, encode

from .helpers import SECRET, make_event, produce

pytestmark = pytest.mark.integration


def test_dead_letters_and_no_duplicates(
    tmp_path: Path,
    kafka: str,
    topics: dict[str, str],
    notifier_env: dict[str, str],
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
        env = {**notifier_env, "PACTWATCH_NOTIFIER_SUBSCRIPTIONS_FILE": str(subs)}
        notifier = start_service("notifier", env)
        wrong_version = orjson.loads(encode(make_event(2)))
        wrong_version["schema_version"] = 99
        produce(
            kafka,
            topics["events"],
            [encode(make_event(1)), b"{not json", orjson.dumps(wrong_version), b"x" * 2_000_000],
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
        produce(kafka, topics["events"], [encode(make_event(1)), encode(make_event(3))])
        wait_until(lambda: len(good.received) == 2, 30, "the new event")
        wait_until(
            lambda: again.metric("pactwatch_notifier_duplicates_skipped_total") >= 1, 30, "dup skip"
        )
        ids = [r.headers["webhook-id"] for r in good.received]
        assert len(ids) == len(set(ids)) == 2
