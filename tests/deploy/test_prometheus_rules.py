"""Prometheus configuration and alert rules checked by promtool (Debian's prometheus package):
`check config`, `check rules`, and the rules' unit tests (`test rules`), which fire every alert
on a series that should fire it and keep it quiet on a near miss."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
PROM = REPO / "deploy" / "prometheus"
RULE_FILES = sorted((PROM / "rules").glob("*.yml"))
RULE_TESTS = sorted((PROM / "tests").glob("*.yml"))


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    if tool is None:
        pytest.fail(
            "promtool is missing: run `make system-deps` (deploy/testenv/system-packages.sh)"
        )
    return subprocess.run([tool, *args], capture_output=True, text=True, check=False)


def with_repo_rules(config: Path, tmp_path: Path) -> Path:
    """The config with its rule_files pointed at the repo's rules, so `check config` loads them."""
    data: dict[str, Any] = yaml.safe_load(config.read_text())
    data["rule_files"] = [str(PROM / "rules" / "*.yml")]
    out = tmp_path / config.name
    out.write_text(yaml.safe_dump(data))
    return out


def test_compose_config_is_valid_and_loads_the_rules(tmp_path: Path) -> None:
    result = promtool("check", "config", str(with_repo_rules(PROM / "prometheus.yml", tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(RULE_FILES)} rule files found" in result.stdout + result.stderr


def test_compose_config_scrapes_every_service_by_dns_so_replicas_are_all_found() -> None:
    jobs = {
        j["job_name"]: j
        for j in yaml.safe_load((PROM / "prometheus.yml").read_text())["scrape_configs"]
    }
    expected = {
        "pactwatch-crawler": ("crawler", 8001),
        "pactwatch-classifier": ("classifier", 8002),
        "pactwatch-notifier": ("notifier", 8003),
        "pactwatch-notifier-api": ("notifier-api", 8004),
    }
    for job, (name, port) in expected.items():
        (sd,) = jobs[job]["dns_sd_configs"]
        assert sd["names"] == [name] and sd["type"] == "A" and sd["port"] == port, job


def test_kubernetes_config_is_valid(tmp_path: Path) -> None:
    config = with_repo_rules(PROM / "prometheus-k8s.yml", tmp_path)
    result = promtool("check", "config", str(config))
    if "field kubernetes_sd_configs not found" in result.stdout + result.stderr:
        # Debian builds Prometheus without Kubernetes discovery. Check everything else (the
        # relabelling that maps pod annotations to targets and jobs) with static targets.
        data = yaml.safe_load(config.read_text())
        for job in data["scrape_configs"]:
            job.pop("kubernetes_sd_configs")
            job["static_configs"] = [{"targets": ["10.0.0.1:8002"]}]
        config.write_text(yaml.safe_dump(data))
        result = promtool("check", "config", str(config))
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_are_valid() -> None:
    result = promtool("check", "rules", *map(str, RULE_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_rule_unit_tests_pass() -> None:
    result = promtool("test", "rules", *map(str, RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def alerts() -> set[str]:
    return {
        rule["alert"]
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }


def test_every_alert_is_seen_firing_in_a_unit_test() -> None:
    fired = {
        case["alertname"]
        for path in RULE_TESTS
        for test in yaml.safe_load(path.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert alerts() <= fired, f"alerts never fired by a unit test: {alerts() - fired}"


def test_the_alerts_the_operators_asked_for_exist() -> None:
    assert {
        "PactwatchServiceDown",
        "PactwatchSourceStale",
        "PactwatchCrawlerErrorRatioHigh",
        "PactwatchClassifierLagGrowing",
        "PactwatchNotifierLagGrowing",
        "PactwatchClassifierDeadLetters",
        "PactwatchNotifierDeadLetters",
        "PactwatchDeliveryFailureRatioHigh",
    } <= alerts()
