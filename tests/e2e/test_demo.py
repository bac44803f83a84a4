"""`make run`'s demo really shows alerts: run it the way the README says, until 3 alerts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def test_demo_prints_alerts_and_saves_emails() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "deploy" / "demo" / "run.py"),
            "--until-alerts",
            "3",
            "--timeout",
            "90",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert output.count("🔔 ALERT") >= 3
    assert "ALERT [signing]" in output
    assert "Stopped." in output
    mails = list((REPO / ".demo" / "mail").glob("*.eml"))
    assert mails, "the demo's SMTP catch-all saved no email"
    assert any("Subject: Signing:" in m.read_text("utf-8", "replace") for m in mails)
