"""Shared fixtures: the real Kafka broker, per-test topics, service processes, the seeds."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pactwatch_devtools import SEEDS_DIR, ServiceProcess, create_topics, load_seeds
from pactwatch_devtools.kafka import KafkaBroker

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def kafka() -> Iterator[str]:
    """Bootstrap address of a real broker: started for the session unless one is given."""
    given = os.environ.get("PACTWATCH_TEST_KAFKA_BOOTSTRAP")
    if given:
        yield given
        return
    broker = KafkaBroker()
    broker.start()
    try:
        yield broker.bootstrap
    finally:
        broker.close()


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[KafkaBroker]:
    """A broker of the test's own, for tests that stop and start it."""
    broker = KafkaBroker()
    broker.start()
    try:
        yield broker
    finally:
        broker.close()


@pytest.fixture
def topics(kafka: str) -> dict[str, str]:
    """Fresh topics for one test, so tests never see each other's messages."""
    suffix = uuid.uuid4().hex[:8]
    names = {
        "articles": f"t{suffix}.articles",
        "events": f"t{suffix}.events",
        "deadletter": f"t{suffix}.deadletter",
        "retry": f"t{suffix}.notifier-retry",
        # Created by the crawler itself (compacted) when it starts.
        "crawler_sources": f"t{suffix}.crawler-sources",
        "crawler_seen": f"t{suffix}.crawler-seen",
    }
    asyncio.run(
        create_topics(
            kafka,
            {names["articles"]: 6, names["events"]: 6, names["deadletter"]: 3, names["retry"]: 6},
        )
    )
    return names


@pytest.fixture
def pipeline_env(kafka: str, topics: dict[str, str]) -> dict[str, str]:
    """Environment every service of one test shares."""
    return {
        "PACTWATCH_KAFKA_BOOTSTRAP": kafka,
        "PACTWATCH_ARTICLES_TOPIC": topics["articles"],
        "PACTWATCH_EVENTS_TOPIC": topics["events"],
        "PACTWATCH_DEAD_LETTER_TOPIC": topics["deadletter"],
        "PACTWATCH_NOTIFIER_RETRY_TOPIC": topics["retry"],
        "PACTWATCH_CRAWLER_SOURCES_TOPIC": topics["crawler_sources"],
        "PACTWATCH_CRAWLER_SEEN_TOPIC": topics["crawler_seen"],
        # The tests' webhook receivers listen on 127.0.0.1: let the workers' address guard
        # (and the API's, same setting) through to them, to nothing else.
        "PACTWATCH_NOTIFIER_WEBHOOK_ALLOWLIST": '["127.0.0.1/32"]',
    }


StartService = Callable[..., ServiceProcess]


@pytest.fixture
def start_service(tmp_path: Path) -> Iterator[StartService]:
    """Start a service's console script; at teardown it must stop cleanly on SIGTERM."""
    started: list[ServiceProcess] = []

    def start(name: str, env: dict[str, str], *, log_name: str | None = None) -> ServiceProcess:
        proc = ServiceProcess.pactwatch(
            name,
            {
                # Each test is its own consumer group, so tests never share offsets.
                "PACTWATCH_CLASSIFIER_APP_ID": f"pactwatch-classifier-{tmp_path.name}",
                "PACTWATCH_NOTIFIER_GROUP_ID": f"pactwatch-notifier-{tmp_path.name}",
                "PACTWATCH_CRAWLER_GROUP_ID": f"pactwatch-crawler-{tmp_path.name}",
                # The broker's minimum, so a killed crawler's sources move within seconds.
                "PACTWATCH_CRAWLER_SESSION_TIMEOUT_SECONDS": "6",
                **env,
            },
            data_dir=tmp_path / name,
            log_path=tmp_path / "logs" / f"{log_name or name}-{len(started)}.log",
        )
        started.append(proc)
        return proc.start()

    yield start
    codes: dict[str, int | str] = {}
    for proc in reversed(started):
        if proc.proc is not None and proc.proc.poll() is None:
            try:
                codes[proc.name] = proc.stop()
            except TimeoutError:  # killed by stop(); the others must still be stopped
                codes[proc.name] = "ignored SIGTERM"
    bad = {name: code for name, code in codes.items() if code != 0}
    assert not bad, f"services did not exit cleanly on SIGTERM: {bad}"


@pytest.fixture(scope="session")
def seeds() -> list[dict[str, Any]]:
    """The example articles and their labels; skipped with a reason only if the folder is gone."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed folder {SEEDS_DIR} not present")
    return load_seeds()
