"""The proof that dashboards and alerts work: a real Prometheus (Debian's `prometheus` binary)
scrapes the services every second while the whole pipeline runs over a real broker (feed ->
crawler -> classifier -> notifier -> webhook and email), loads the alert rules, and then every
PromQL expression of every Grafana panel and every alert rule is evaluated through its HTTP
API. An expression that errors, or names a metric no scraped service exports, fails the test.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from pactwatch_devtools import (
    FeedItem,
    FeedServer,
    ServiceProcess,
    SmtpSink,
    WebhookReceiver,
    free_port,
    produce,
    render_rss,
    wait_until,
)

REPO = Path(__file__).resolve().parents[2]
DASHBOARDS = sorted((REPO / "deploy" / "grafana" / "dashboards").glob("*.json"))
RULE_FILES = sorted((REPO / "deploy" / "prometheus" / "rules").glob("*.yml"))
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
# Series Prometheus makes itself for every target, not a service's.
SYNTHETIC = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
    "offset", "bool", "inf", "nan", "atan2",
    # aggregation operators, which may be followed by `by (...)` instead of a parenthesis
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
    "bottomk", "topk", "quantile",
}  # fmt: skip


def panel_expressions() -> list[tuple[str, str]]:
    """(where, expr) for every target of every panel, Grafana's interval macro filled in."""
    found = []
    for path in DASHBOARDS:
        board = json.loads(path.read_text())
        for panel in board["panels"]:
            for target in panel.get("targets", []):
                expr = target["expr"].replace("$__rate_interval", "1m")
                found.append((f"{path.name}: {panel['title']}", expr))
    return found


def rule_expressions() -> list[tuple[str, str]]:
    return [
        (f"{path.name}: {rule.get('alert') or rule.get('record')}", rule["expr"])
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
    ]


def metric_names(expr: str) -> set[str]:
    """Metric names a PromQL expression selects: identifiers that are no function call,
    keyword, label (in braces or a by/without/on/ignoring list), duration or string."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges and subqueries
    text = re.sub(
        r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", r"\1", text
    )  # label lists
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        word = match.group(0)
        rest = text[match.end() :].lstrip()
        if rest.startswith("(") or word.lower() in KEYWORDS:
            continue
        if match.start() > 0 and (
            text[match.start() - 1].isdigit() or text[match.start() - 1] == "."
        ):
            continue  # the unit of a number like 5m, or an exponent
        names.add(word)
    return names


@pytest.mark.unit
def test_metric_name_parser() -> None:
    expr = (
        'histogram_quantile(0.99, sum by (le, channel) (rate(a_bucket{x="by(y)"}[5m]))) '
        "/ ignoring (x) max without (z) (b) and on (topic) c offset 5m > 3 * d"
        " or time() - e[10m:30s]"
    )
    assert metric_names(expr) == {"a_bucket", "b", "c", "d", "e"}


class Prometheus:
    """A real Prometheus on a free 127.0.0.1 port, scraping static targets every second."""

    def __init__(self, workdir: Path, targets: dict[str, list[str]]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(p) for p in RULE_FILES],
            "scrape_configs": [
                {"job_name": job, "static_configs": [{"targets": addresses}]}
                for job, addresses in targets.items()
            ],
        }
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "prometheus.yml").write_text(yaml.safe_dump(config))
        binary = shutil.which("prometheus")
        if binary is None:
            pytest.fail("prometheus is missing: run `make system-deps`")
        self.log = (workdir / "prometheus.log").open("wb")
        self.proc = subprocess.Popen(
            [
                binary,
                f"--config.file={workdir / 'prometheus.yml'}",
                f"--storage.tsdb.path={workdir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.logfile = workdir / "prometheus.log"

    def ready(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"prometheus exited:\n{self.logfile.read_text()[-3000:]}")
        try:
            return httpx.get(self.url + "/-/ready", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def api(self, path: str, **params: str) -> Any:
        response = httpx.get(f"{self.url}/api/v1/{path}", params=params, timeout=10)
        body = response.json()
        return body

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.mark.integration
def test_every_dashboard_and_alert_expression_evaluates_against_what_the_services_export(
    tmp_path: Path,
    seeds: list[dict[str, Any]],
    kafka: str,
    topics: dict[str, str],
    pipeline_env: dict[str, str],
    start_service: Any,
) -> None:
    started = time.monotonic()
    with FeedServer() as feeds, WebhookReceiver(secret=SECRET) as hooks, SmtpSink() as smtp:
        published = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
        items = [
            FeedItem(s["title"], f"{feeds.base_url}/news/{s['name']}", s["text"], published)
            for s in seeds
        ]
        # The same article under a second address: the crawler's near-duplicate path.
        items.append(FeedItem(items[0].title, f"{feeds.base_url}/copy/1", items[0].text))
        feed_url = feeds.set("/feed.xml", render_rss("Seeds", feeds.base_url, items))
        # A feed whose article page is gone: the crawler's page-fetch path (and its errors).
        gone = [FeedItem("Gone", f"{feeds.base_url}/gone/1", "A page that is no more.")]
        pages_url = feeds.set("/pages.xml", render_rss("Pages", feeds.base_url, gone))
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - id: seeds\n    url: {feed_url}\n    interval_seconds: 2\n"
            "    fetch_pages: false\n"
            f"  - id: broken\n    url: {feeds.base_url}/missing.xml\n    interval_seconds: 2\n"
            f"  - id: pages\n    url: {pages_url}\n    interval_seconds: 2\n"
        )
        subscriptions = tmp_path / "subscriptions.yaml"
        subscriptions.write_text(
            "subscriptions:\n"
            f"  - id: hook\n    webhook: {{url: '{hooks.url}', secrets: ['{SECRET}']}}\n"
            "  - id: mail\n    email: analyst@example.org\n    event_types: [signing]\n"
        )
        lag_env = {
            "PACTWATCH_CLASSIFIER_LAG_INTERVAL_SECONDS": "1",
            "PACTWATCH_NOTIFIER_LAG_INTERVAL_SECONDS": "1",
            "PACTWATCH_CRAWLER_LAG_INTERVAL_SECONDS": "1",
        }
        classifier = start_service("classifier", {**pipeline_env, **lag_env})
        notifier = start_service(
            "notifier",
            {
                **pipeline_env,
                **lag_env,
                "PACTWATCH_NOTIFIER_SUBSCRIPTIONS_FILE": str(subscriptions),
                "PACTWATCH_NOTIFIER_SMTP_PORT": str(smtp.port),
            },
        )
        crawler = start_service(
            "crawler",
            {
                **pipeline_env,
                **lag_env,
                "PACTWATCH_CRAWLER_SOURCES_FILE": str(sources),
                "PACTWATCH_CRAWLER_OBEY_ROBOTS": "false",
            },
        )
        services: list[ServiceProcess] = [crawler, classifier, notifier]
        api = start_api(tmp_path, smtp.port)
        targets = {f"pactwatch-{s.name}": [f"127.0.0.1:{s.http_port}"] for s in services}
        if api is not None:
            targets["pactwatch-notifier-api"] = [f"127.0.0.1:{api.http_port}"]
        prometheus = Prometheus(tmp_path / "prometheus", targets)
        try:
            wait_until(prometheus.ready, 30, "prometheus ready")
            # Bad input on both topics, so the dead-letter paths report too.
            asyncio.run(produce(kafka, topics["articles"], [b"not json"]))
            asyncio.run(produce(kafka, topics["events"], [b"not json either"]))
            if api is not None:  # an operator call without a token: a counted refusal
                httpx.get(api.base_url + "/api/v1/subscriptions", timeout=5)

            wait_until(lambda: len(hooks.payloads()) >= 1, 90, "a webhook alert delivered")
            wait_until(
                lambda: notifier.metric("pactwatch_notifier_dead_letters_total") >= 1,
                30,
                "the notifier dead-letters the bad event",
            )

            def all_up() -> bool:
                result = prometheus.api("query", query="up")["data"]["result"]
                return len(result) == len(targets) and all(r["value"][1] == "1" for r in result)

            wait_until(all_up, 30, "every target scraped")

            def exported() -> set[str]:
                return set(prometheus.api("label/__name__/values")["data"])

            # A few more scrapes after the last alert, so rates have two samples to work on.
            time.sleep(3)
            names = exported()
            problems = []
            empty = []
            for where, expr in panel_expressions() + rule_expressions():
                body = prometheus.api("query", query=expr)
                if body.get("status") != "success":
                    problems.append(f"{where}: {body.get('error')} in {expr}")
                    continue
                missing = metric_names(expr) - names - SYNTHETIC
                if missing:
                    problems.append(f"{where}: no service exports {sorted(missing)}")
                if not body["data"]["result"]:
                    empty.append(where)
            assert not problems, "\n".join(problems)

            # The panels show real data, not just valid queries.
            def value(query: str) -> float:
                result = prometheus.api("query", query=query)["data"]["result"]
                assert result, f"no data for {query}"
                return sum(float(r["value"][1]) for r in result)

            assert value("sum(pactwatch_classifier_articles_total)") >= len(seeds)
            assert value('sum(pactwatch_notifier_deliveries_total{outcome="delivered"})') >= 1
            # (over all observations: a 1 s scrape may have caught them in one step)
            p99 = value(
                "histogram_quantile(0.99, sum by (le) "
                "(pactwatch_notifier_delivery_latency_seconds_bucket))"
            )
            assert 0 < p99 < 120
            assert value("count(pactwatch_classifier_consumer_lag)") == 6
            assert value('sum(up{job=~"pactwatch-.+"})') == len(targets)

            # The rules loaded into the real engine and evaluate without error.
            groups = prometheus.api("rules")["data"]["groups"]
            rules = [rule for group in groups for rule in group["rules"]]
            assert len(rules) == len(rule_expressions())
            assert all(rule["health"] == "ok" for rule in rules), [
                (r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"
            ]
            print(
                f"\n{len(panel_expressions())} panel and {len(rule_expressions())} rule "
                f"expressions evaluated against {len(names)} exported names; "
                f"{len(empty)} had no data yet (quiet alerts, unused paths); "
                f"{time.monotonic() - started:.1f}s",
                file=sys.stderr,
            )
        finally:
            prometheus.stop()
            if api is not None:
                assert api.stop() == 0, "notifier-api did not exit cleanly on SIGTERM"


def start_api(tmp_path: Path, smtp_port: int) -> ServiceProcess | None:
    """The subscriptions API process, if this checkout has it."""
    script = Path(sys.executable).parent / "pactwatch-notifier-api"
    if not script.exists():
        return None
    port = free_port()
    return ServiceProcess(
        "notifier-api",
        [str(script)],
        {
            "PACTWATCH_NOTIFIER_API_PORT": str(port),
            "PACTWATCH_NOTIFIER_API_DATA_DIR": str(tmp_path / "notifier"),
            "PACTWATCH_NOTIFIER_API_SMTP_PORT": str(smtp_port),
            "PACTWATCH_NOTIFIER_API_TOKENS": '["operator-token-for-the-test-0123"]',
            "PACTWATCH_NOTIFIER_API_SECRET": "confirmation-secret-for-the-test-0123",
        },
        port,
        tmp_path / "logs" / "notifier-api.log",
    ).start()
