"""The store's schema: migrations against real databases, every test runs on SQLite and on a
PostgreSQL server the test set-up starts (Debian's binaries, 127.0.0.1)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from pactwatch_notifier.db import metadata
from pactwatch_notifier.store import Store

from ..helpers import email_subscription

pytestmark = pytest.mark.integration


def test_migrations_are_idempotent_and_match_the_tables(database_url: str) -> None:
    store = Store(database_url)
    store.migrate()
    store.migrate()
    store.close()
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            "0002"
        ]
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_concurrent_migrate_from_two_processes(database_url: str) -> None:
    code = (
        "import sys; from pactwatch_notifier.store import Store;"
        "s = Store(sys.argv[1]); s.migrate(); s.close(); print('ok')"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, database_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    store = Store(database_url)
    store.migrate()
    assert store.subscriptions.create(email_subscription(1)).id == "sub-001"
    store.close()
