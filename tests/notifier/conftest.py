"""The notifier's own topics and settings on top of the shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest


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
