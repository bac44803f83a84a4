"""The subscriptions API as a real process (`pactwatch-notifier-api`) on 127.0.0.1."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from pactwatch_devtools import ServiceProcess, free_port

TOKEN = "operator-token-0123456789"
LINK_SECRET = "link-secret-0123456789abcdef"

StartApi = Callable[..., ServiceProcess]


def api_env(tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    """What every test's API process gets: a token, the shared link secret, 127.0.0.1 on the
    webhook allowlist and its base URL; `extra` adds or overrides (e.g. the database URL)."""
    return {
        "PACTWATCH_NOTIFIER_DATA_DIR": str(tmp_path / "api-data"),
        "PACTWATCH_NOTIFIER_API_TOKENS": f'["{TOKEN}"]',
        "PACTWATCH_NOTIFIER_UNSUBSCRIBE_SECRETS": f'["{LINK_SECRET}"]',
        "PACTWATCH_NOTIFIER_API_WEBHOOK_ALLOWLIST": '["127.0.0.1/32"]',
        "PACTWATCH_NOTIFIER_API_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PACTWATCH_NOTIFIER_API_RATE_LIMIT": "1000/minute",
        **extra,
    }


@pytest.fixture
def start_api(tmp_path: Path) -> Iterator[StartApi]:
    """Start `pactwatch-notifier-api` with `api_env` plus the given variables; at teardown it
    must stop cleanly on SIGTERM (exit code 0)."""
    started: list[ServiceProcess] = []

    def start(**extra: str) -> ServiceProcess:
        port = free_port()
        env = api_env(tmp_path, port, **extra)
        env["PACTWATCH_NOTIFIER_API_PORT"] = str(port)
        proc = ServiceProcess(
            "notifier-api",
            [str(Path(sys.executable).parent / "pactwatch-notifier-api")],
            env,
            port,
            tmp_path / "logs" / f"notifier-api-{len(started)}.log",
        )
        started.append(proc)
        return proc.start()

    yield start
    codes = {p.log_path.name: p.stop() for p in started if p.proc and p.proc.poll() is None}
    bad = {name: code for name, code in codes.items() if code != 0}
    assert not bad, f"the API did not exit cleanly on SIGTERM: {bad}"


def operator(api: ServiceProcess, token: str = TOKEN) -> httpx.Client:
    """An HTTP client for the operator endpoints."""
    return httpx.Client(
        base_url=api.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
