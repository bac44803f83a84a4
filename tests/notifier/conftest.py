"""The notifier's own topics and settings on top of the shared fixtures."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pactwatch_devtools import PostgresServer


@pytest.fixture
def notifier_env(pipeline_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """pipeline_env (with its own retry topic) and a short retry schedule (seconds, not hours)."""
    return {
        **pipeline_env,
        "PACTWATCH_NOTIFIER_RETRY_SCHEDULE_SECONDS": "[0.3, 0.6, 1.2]",
        "PACTWATCH_NOTIFIER_DATA_DIR": str(tmp_path / "notifier-data"),
        "PACTWATCH_NOTIFIER_SUBSCRIPTIONS_FILE": str(tmp_path / "subs.yaml"),
        "PACTWATCH_NOTIFIER_COMMIT_INTERVAL_SECONDS": "0.2",
    }


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL (Debian's binaries) on 127.0.0.1 for the session, started here."""
    with PostgresServer() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database per test: a SQLite file, or a new database on the session's
    PostgreSQL server. Tests taking it run once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'subscriptions.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database(f"t_{uuid.uuid4().hex[:12]}")
