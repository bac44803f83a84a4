"""Wrong settings at start: each service's console script says which setting is wrong in one
line and exits 2 (a configuration error an orchestrator should not restart into), with no
traceback and before it connects to anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    ("script", "variable"),
    [
        ("pactwatch-crawler", "PACTWATCH_CRAWLER_HTTP_PORT"),
        ("pactwatch-classifier", "PACTWATCH_CLASSIFIER_HTTP_PORT"),
        ("pactwatch-notifier", "PACTWATCH_NOTIFIER_HTTP_PORT"),
        ("pactwatch-notifier-api", "PACTWATCH_NOTIFIER_API_PORT"),
    ],
)
def test_a_bad_setting_exits_2_naming_it(script: str, variable: str, tmp_path: Path) -> None:
    env = {**os.environ, variable: "not-a-port", "PACTWATCH_KAFKA_BOOTSTRAP": "127.0.0.1:1"}
    done = subprocess.run(
        [str(BIN / script)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.startswith(f"{script}: bad settings:"), done.stderr[-2000:]
    assert "port" in done.stderr and "Traceback" not in done.stderr
