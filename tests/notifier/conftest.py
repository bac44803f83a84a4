"""The notifier's own topics and settings on top of the shared fixtures."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic


async def create_topic(bootstrap: str, name: str, partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)], timeout_ms=30_000)
    finally:
        await admin.close()


@pytest.fixture
def notifier_env(
    kafka: str, topics: dict[str, str], pipeline_env: dict[str, str], tmp_path: Path
) -> dict[str, str]:
    """pipeline_env plus a fresh retry topic and a short retry schedule (seconds, not hours)."""
    retry_topic = f"t{uuid.uuid4().hex[:8]}.notifier.retry"
    asyncio.run(create_topic(kafka, retry_topic, 6))
    topics["retry"] = retry_topic
    return {
        **pipeline_env,
        "PACTWATCH_NOTIFIER_RETRY_TOPIC": retry_topic,
        "PACTWATCH_NOTIFIER_RETRY_SCHEDULE_SECONDS": "[0.3, 0.6, 1.2]",
        "PACTWATCH_NOTIFIER_DATA_DIR": str(tmp_path / "notifier-data"),
        "PACTWATCH_NOTIFIER_SUBSCRIPTIONS_FILE": str(tmp_path / "subs.yaml"),
        "PACTWATCH_NOTIFIER_COMMIT_INTERVAL_SECONDS": "0.2",
    }
