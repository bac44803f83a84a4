from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pactwatch_notifier.filters import matches
from pactwatch_notifier.subscriptions_file import SubscriptionsFileError, load_subscriptions
from pactwatch_schemas import ArticleRef, Event

pytestmark = pytest.mark.unit

ID = "0123456789abcdef0123456789abcdef"


def _event(kind: str) -> Event:
    now = datetime(2026, 11, 21, tzinfo=UTC)
    return Event.model_validate(
        {
            "schema_version": 1,
            "event_id": ID,
            "type": kind,
            "cameo": "057",
            "confidence": 0.9,
            "parties": [],
            "evidence": "",
            "evidence_spans": [],
            "fingerprint": ID,
            "article": ArticleRef(id=ID, url="u", title="t", source_id="s", fetched_at=now),
            "detected_at": now,
        }
    )


def test_filters_by_event_type(tmp_path: Path) -> None:
    path = tmp_path / "subs.yaml"
    path.write_text(
        "subscriptions:\n"
        "  - id: all\n    webhook: {url: 'https://hooks.example.org/x'}\n"
        "  - id: signings\n    email: a@example.org\n    event_types: [signing]\n"
    )
    everything, signings = load_subscriptions(path)
    assert everything.channel == "webhook" and signings.channel == "email"
    every, only = everything.to_create().filters, signings.to_create().filters
    assert matches(every, _event("cooperation")) and matches(every, _event("signing"))
    assert matches(only, _event("signing")) and not matches(only, _event("cooperation"))


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ("  - id: x\n", "exactly one channel"),
        (
            "  - id: x\n    email: a@example.org\n    webhook: {url: 'https://e.org'}\n",
            "exactly one",
        ),
        ("  - id: x\n    email: not-an-email\n", "field 'email'"),
        ("  - id: x\n    webhook: {url: 'ftp://e.org'}\n", "field 'webhook.url'"),
        ("  - id: x\n    webhook: {url: 'https://e.org', secrets: [short]}\n", "secrets"),
        ("  - id: x\n    email: a@example.org\n    event_types: [gossip]\n", "event_types"),
    ],
)
def test_bad_subscriptions_are_clear(tmp_path: Path, entry: str, needle: str) -> None:
    path = tmp_path / "subs.yaml"
    path.write_text("subscriptions:\n" + entry)
    with pytest.raises(SubscriptionsFileError) as info:
        load_subscriptions(path)
    assert "subscription x" in str(info.value) and needle in str(info.value)
