"""`pactwatch-subscriptions`, the real console script, against a temporary SQLite database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pactwatch_notifier.store import Store

from .helpers import SECRET

pytestmark = pytest.mark.integration

CLI = str(Path(sys.executable).parent / "pactwatch-subscriptions")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": str(Path(sys.executable).parent),
        "PACTWATCH_NOTIFIER_DATABASE_URL": f"sqlite:///{tmp_path / 'subs.sqlite3'}",
    }


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_add_list_pause_resume_delete(env: dict[str, str]) -> None:
    made = cli(
        env, "add", "--email", "analyst@example.org", "--id", "analyst", "--keyword", "签约",
        "--region", "Wuxi", "--exclude-keyword", "rumour", "--mode", "daily",
        "--digest-hour", "7", "--timezone", "Asia/Shanghai", "--type", "signing",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "analyst"
    hook = cli(env, "add", "--webhook", "https://hooks.example.org/x", "--secret", SECRET)
    assert hook.returncode == 0, hook.stderr
    hook_id = hook.stdout.strip()

    listed = cli(env, "list", "--json")
    assert listed.returncode == 0
    records = {r["id"]: r for r in map(json.loads, listed.stdout.splitlines())}
    assert set(records) == {"analyst", hook_id}
    analyst = records["analyst"]
    assert analyst["filters"]["keywords"] == ["签约"] and analyst["filters"]["regions"] == ["Wuxi"]
    assert analyst["filters"]["event_types"] == ["signing"]
    assert (analyst["mode"], analyst["digest_hour"], analyst["timezone"]) == (
        "daily",
        7,
        "Asia/Shanghai",
    )
    assert records[hook_id]["channel"]["secrets"] == [SECRET]

    assert cli(env, "pause", "analyst").returncode == 0
    text = cli(env, "list", "--state", "paused")
    assert text.stdout.startswith("analyst\tpaused\temail:analyst@example.org\tdaily@07h")
    assert cli(env, "resume", "analyst").returncode == 0
    assert "analyst\tactive" in cli(env, "list").stdout

    assert cli(env, "delete", hook_id).returncode == 0
    gone = cli(env, "delete", hook_id)
    assert gone.returncode == 1 and "no subscription" in gone.stderr
    assert hook_id not in cli(env, "list").stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["add", "--email", "not-an-email"], "channel.email.address"),
        (["add", "--webhook", "ftp://e.org/x"], "http"),
        (["add", "--webhook", "https://e.org/x", "--secret", "short"], "secrets"),
        (["add", "--webhook", "https://e.org/x", "--mode", "daily"], "digests"),
        (["add", "--email", "a@example.org", "--timezone", "Mars/Base"], "time zone"),
        (["add", "--email", "a@example.org", "--digest-hour", "25"], "digest_hour"),
        (["add", "--email", "a@example.org", "--id", "bad id!"], "id"),
        (["add", "--email", "a@example.org", "--min-confidence", "2"], "min_confidence"),
        (["add", "--email", "a@example.org", "--secret", SECRET], "webhooks only"),
        (["pause", "nobody"], "no subscription"),
        (["import", "/nonexistent.yaml"], "file not found"),
        (["list", "--limit", "-1"], "must be >= 0"),
    ],
)
def test_wrong_input_is_refused_clearly(env: dict[str, str], args: list[str], needle: str) -> None:
    result = cli(env, *args)
    assert result.returncode in (1, 2)
    assert needle in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_2(env: dict[str, str]) -> None:
    assert cli(env, "frobnicate").returncode == 2
    assert cli(env, "add").returncode == 2  # no channel


def test_import_export_round_trip(env: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "in.yaml"
    source.write_text(
        "subscriptions:\n"
        "  - id: hook\n"
        f"    webhook: {{url: 'https://hooks.example.org/x', secrets: ['{SECRET}']}}\n"
        "    event_types: [signing]\n"
        "  - id: digest\n    email: d@example.org\n    mode: hourly\n    timezone: Asia/Shanghai\n"
        "    filters: {regions: [无锡, Wuxi], keywords_exclude: [rumour]}\n    updates: true\n",
        "utf-8",
    )
    first = cli(env, "import", str(source))
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {"created": 2, "updated": 0}
    assert cli(env, "pause", "digest").returncode == 0
    again = cli(env, "import", str(source))
    assert json.loads(again.stdout) == {"created": 0, "updated": 2}
    assert "digest\tpaused" in cli(env, "list").stdout  # an import keeps the state

    out = tmp_path / "out.yaml"
    assert cli(env, "export", "-o", str(out)).returncode == 0
    exported = yaml.safe_load(out.read_text("utf-8"))["subscriptions"]
    by_id = {e["id"]: e for e in exported}
    assert by_id["hook"]["filters"] == {"event_types": ["signing"]}
    assert by_id["digest"]["filters"] == {
        "regions": ["无锡", "Wuxi"],
        "keywords_exclude": ["rumour"],
    }
    assert by_id["digest"]["state"] == "paused" and by_id["digest"]["mode"] == "hourly"

    # The export imports into an empty database as the same subscriptions.
    other = {**env, "PACTWATCH_NOTIFIER_DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}"}
    assert json.loads(cli(other, "import", str(out)).stdout) == {"created": 2, "updated": 0}
    a = Store(env["PACTWATCH_NOTIFIER_DATABASE_URL"])
    b = Store(other["PACTWATCH_NOTIFIER_DATABASE_URL"])
    strip = {"created_at", "updated_at", "confirmed_at"}
    assert [r.model_dump(exclude=strip) for r in a.subscriptions.all()] == [
        r.model_dump(exclude=strip) for r in b.subscriptions.all()
    ]
    a.close()
    b.close()

    broken = tmp_path / "broken.yaml"
    broken.write_text("subscriptions:\n  - id: x\n    email: a@example.org\n    mode: weekly\n")
    result = cli(env, "import", str(broken))
    assert result.returncode == 2 and "subscription x" in result.stderr and "mode" in result.stderr
