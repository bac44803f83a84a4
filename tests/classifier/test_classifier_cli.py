"""The `pactwatch-classify` command-line contract, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import pactwatch_classifier.detect

SRC = Path(pactwatch_classifier.detect.__file__).resolve().parents[2]


def run_cli(stdin: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "pactwatch_classifier.cli"],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


GOOD = {
    "id": "a1",
    "title": "Wuxi and Torch Center sign agreement",
    "text": "On April 28, the Wuxi Municipal Government signed a strategic cooperation "
    "agreement with the Torch Center worth 1.2 billion yuan.",
    "published_at": "2024-04-29T08:00:00Z",
    "language": "en",
}
NONE = {"id": "a2", "title": "Rain", "text": "Heavy rain is expected on Saturday."}


@pytest.mark.unit
def test_cli_contract_with_bad_lines_in_the_middle() -> None:
    lines = [
        json.dumps(GOOD),
        "this is not json",
        json.dumps([1, 2, 3]),
        "",  # blank lines are skipped
        json.dumps({"id": "x3", "title": "t"}),
        json.dumps({"id": "x4", "title": 5, "text": "t"}),
        json.dumps({"id": "x5", "title": "t", "text": "t", "published_at": "yesterday"}),
        json.dumps({"id": "x6", "title": "", "text": "\x00\x01\x02\x03" * 50}),
        json.dumps(NONE),
        json.dumps(
            {"id": "z", "title": "", "text": "11月5日，滨湖区与辉瑞制药签署战略合作协议。"},
            ensure_ascii=False,
        ),
    ]
    proc = run_cli("\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == 9  # one per non-blank input line, in order

    first = out[0]
    assert first["id"] == "a1" and first["label"] == "signing"
    event = first["events"][0]
    assert set(event) == {
        "type", "cameo", "confidence", "parties", "party_keys", "evidence", "evidence_spans",
        "locations", "amount", "date", "sectors", "fingerprint",
    }  # fmt: skip
    assert event["amount"] == {"value": 1200000000, "currency": "CNY"}
    assert event["date"] == "2024-04-28"

    assert out[1] == {"id": None, "error": out[1]["error"], "line": 2}
    assert "not valid JSON" in out[1]["error"]
    assert out[2]["id"] is None and out[2]["line"] == 3 and "object" in out[2]["error"]
    assert out[3] == {"id": "x3", "error": "missing field 'text'", "line": 5}
    assert out[4]["id"] == "x4" and "'title' must be a string" in out[4]["error"]
    assert out[5]["id"] == "x5" and "published_at" in out[5]["error"]
    assert out[6]["id"] == "x6" and "binary" in out[6]["error"]
    assert out[7] == {"id": "a2", "label": "none", "language": "en", "events": []}
    assert out[8]["label"] == "signing" and out[8]["language"] == "zh"
    assert "line 2" in proc.stderr and "line 7" in proc.stderr


@pytest.mark.unit
def test_cli_empty_input() -> None:
    proc = run_cli("")
    assert proc.returncode == 0 and proc.stdout == ""


@pytest.mark.unit
def test_cli_streams_line_by_line() -> None:
    """The first answer arrives before stdin is closed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pactwatch_classifier.cli"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(json.dumps(NONE) + "\n")
        proc.stdin.flush()
        answer = json.loads(proc.stdout.readline())
        assert answer["id"] == "a2"
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    assert proc.returncode == 0
