"""Write Pactwatch's Grafana dashboards (deploy/grafana/dashboards/*.json) from this file.

The JSON is checked in; edit this file, then `make dashboards`. tests/deploy checks that the
JSON matches this file, and the live test evaluates every panel's PromQL against a real
Prometheus scraping the services. Dashboards use `$__rate_interval` for rates and the
provisioned datasource (uid `pactwatch-prometheus`). Several replicas report the same
per-partition lag, so lag panels take `max by (topic, partition)`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "dashboards"
DATASOURCE = {"type": "prometheus", "uid": "pactwatch-prometheus"}
RATE = "$__rate_interval"


class Board:
    """Panels laid out two per row (full width for tables), in the order they are added."""

    def __init__(self, uid: str, title: str, description: str) -> None:
        self.uid, self.title, self.description = uid, title, description
        self.panels: list[dict[str, Any]] = []
        self._x = self._y = 0

    def row(self, title: str) -> None:
        self._newline()
        self.panels.append(
            {
                "id": len(self.panels) + 1,
                "type": "row",
                "title": title,
                "collapsed": False,
                "gridPos": {"x": 0, "y": self._y, "w": 24, "h": 1},
                "panels": [],
            }
        )
        self._y += 1

    def _newline(self) -> None:
        if self._x:
            self._x, self._y = 0, self._y + 8

    def panel(
        self,
        title: str,
        targets: dict[str, str],
        *,
        unit: str = "short",
        kind: str = "timeseries",
        description: str = "",
        wide: bool = False,
    ) -> None:
        """`targets` maps a legend (Grafana template, e.g. `{{source}}`) to a PromQL query."""
        width = 24 if wide else 12
        if self._x + width > 24:
            self._newline()
        self.panels.append(
            {
                "id": len(self.panels) + 1,
                "type": kind,
                "title": title,
                "description": description,
                "datasource": DATASOURCE,
                "gridPos": {"x": self._x, "y": self._y, "w": width, "h": 8},
                "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
                "options": {"legend": {"displayMode": "list", "placement": "bottom"}}
                if kind == "timeseries"
                else {},
                "targets": [
                    {
                        "refId": chr(ord("A") + i),
                        "datasource": DATASOURCE,
                        "expr": expr,
                        "legendFormat": legend,
                        **({"format": "table", "instant": True} if kind == "table" else {}),
                    }
                    for i, (legend, expr) in enumerate(targets.items())
                ],
            }
        )
        self._x += width
        if self._x >= 24:
            self._newline()

    def json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "title": self.title,
            "description": self.description,
            "tags": ["pactwatch"],
            "timezone": "utc",
            "schemaVersion": 39,
            "version": 1,
            "editable": False,
            "refresh": "30s",
            "time": {"from": "now-6h", "to": "now"},
            "templating": {"list": []},
            "annotations": {"list": []},
            "links": [
                {
                    "type": "dashboards",
                    "tags": ["pactwatch"],
                    "title": "Pactwatch",
                    "asDropdown": True,
                }
            ],
            "panels": self.panels,
        }


def lag(service: str) -> str:
    return f"sum by (topic) (max by (topic, partition) (pactwatch_{service}_consumer_lag))"


def quantiles(metric: str, by: str = "") -> dict[str, str]:
    group = f"le{', ' + by if by else ''}"
    prefix = f"{{{{{by}}}}} " if by else ""
    return {
        f"{prefix}p{int(q * 100)}": (
            f"histogram_quantile({q}, sum by ({group}) (rate({metric}_bucket[{RATE}])))"
        )
        for q in (0.5, 0.95, 0.99)
    }


def overview() -> Board:
    b = Board(
        "pactwatch-overview",
        "Pactwatch: pipeline overview",
        "Sources to alerts: what came in, what was found, what was sent, how late, what is stuck.",
    )
    b.row("Flow")
    b.panel(
        "Articles fetched per source",
        {
            "{{source}}": (
                f"sum by (source) (rate(pactwatch_crawler_articles_published_total[{RATE}]))"
            )
        },
        unit="reqps",
    )
    b.panel(
        "Articles classified, by label",
        {"{{label}}": f"sum by (label) (rate(pactwatch_classifier_articles_total[{RATE}]))"},
        unit="reqps",
    )
    b.panel(
        "Events by type",
        {"{{type}}": f"sum by (type) (rate(pactwatch_classifier_events_total[{RATE}]))"},
        unit="reqps",
    )
    b.panel(
        "Alerts by channel and outcome",
        {
            "{{channel}} {{outcome}}": (
                f"sum by (channel, outcome) (rate(pactwatch_notifier_deliveries_total[{RATE}]))"
            )
        },
        unit="reqps",
    )
    b.row("Latency and backlog")
    b.panel(
        "End-to-end latency (article fetched to alert accepted)",
        quantiles("pactwatch_notifier_delivery_latency_seconds"),
        unit="s",
        description="From the crawler's fetched_at to the receiver accepting the alert.",
    )
    b.panel(
        "Consumer lag by group and topic",
        {
            "classifier {{topic}}": lag("classifier"),
            "notifier {{topic}}": lag("notifier"),
        },
        description="Messages each consumer group has yet to read (end offset - committed).",
    )
    b.panel(
        "Dead letters (last hour)",
        {
            "classifier {{reason}}": (
                "sum by (reason) (increase(pactwatch_classifier_dead_letters_total[1h]))"
            ),
            "notifier {{reason}}": (
                "sum by (reason) (increase(pactwatch_notifier_dead_letters_total[1h]))"
            ),
        },
        description="Messages sent to pactwatch.deadletter; replay with pactwatch-notifier-replay.",
    )
    b.panel(
        "Replicas up",
        {"{{job}}": 'sum by (job) (up{job=~"pactwatch-.+"})'},
        kind="stat",
    )
    b.row("Sources")
    b.panel("Failing sources", {"failing": "sum(pactwatch_crawler_sources_failing)"}, kind="stat")
    b.panel(
        "Fetch errors by kind",
        {
            "{{outcome}}": (
                "sum by (outcome) "
                f'(rate(pactwatch_crawler_fetches_total{{outcome!~"200|304"}}[{RATE}]))'
            )
        },
        unit="reqps",
    )
    b.panel(
        "Time since each source's last successful poll",
        {
            "{{source}}": (
                "time() - max by (source) (pactwatch_crawler_source_last_success_timestamp_seconds)"
            )
        },
        unit="s",
        kind="table",
        wide=True,
    )
    return b


def standard(b: Board, service: str, *, consumes: bool = True, processing: bool = True) -> None:
    """The panels every service has: traffic per topic, duration, errors, lag, build, resources.
    The crawler consumes no work from a group (its group only shares out sources), so it
    shows no consumer panels; its processing duration is one whole poll of a source."""
    m = f"pactwatch_{service}"
    job = f'job="pactwatch-{service}"'
    b.row("Kafka traffic and processing")
    if consumes:
        b.panel(
            "Messages consumed per topic",
            {"{{topic}}": f"sum by (topic) (rate({m}_messages_consumed_total[{RATE}]))"},
            unit="reqps",
        )
    b.panel(
        "Messages produced per topic",
        {"{{topic}}": f"sum by (topic) (rate({m}_messages_produced_total[{RATE}]))"},
        unit="reqps",
    )
    if processing:
        b.panel("Processing duration", quantiles(f"{m}_processing_duration_seconds"), unit="s")
    b.panel(
        "Errors by kind",
        {"{{kind}}": f"sum by (kind) (rate({m}_errors_total[{RATE}]))"},
        unit="reqps",
    )
    if consumes:
        b.panel(
            "Consumer lag per partition",
            {"{{topic}}/{{partition}}": (f"max by (topic, partition) ({m}_consumer_lag)")},
        )
    b.row("Replicas")
    b.panel(
        "Versions running", {"{{version}}": f"count by (version) ({m}_build_info)"}, kind="stat"
    )
    b.panel("Replicas up", {"up": f"sum(up{{{job}}})"}, kind="stat")
    b.panel(
        "CPU per replica",
        {"{{instance}}": f"rate(process_cpu_seconds_total{{{job}}}[{RATE}])"},
        unit="percentunit",
    )
    b.panel(
        "Memory per replica",
        {"{{instance}}": f"process_resident_memory_bytes{{{job}}}"},
        unit="bytes",
    )


def crawler() -> Board:
    b = Board("pactwatch-crawler", "Pactwatch: crawler", "Polling, fetching, publishing, sharding.")
    b.row("Sources")
    b.panel(
        "Fetches by outcome",
        {"{{outcome}}": f"sum by (outcome) (rate(pactwatch_crawler_fetches_total[{RATE}]))"},
        unit="reqps",
    )
    b.panel(
        "Fetch duration by document kind",
        quantiles("pactwatch_crawler_fetch_duration_seconds", "what"),
        unit="s",
    )
    b.panel(
        "Articles published and skipped",
        {
            "published": f"sum(rate(pactwatch_crawler_articles_published_total[{RATE}]))",
            "already seen": f"sum(rate(pactwatch_crawler_articles_already_seen_total[{RATE}]))",
            "near duplicates": f"sum(rate(pactwatch_crawler_near_duplicates_total[{RATE}]))",
        },
        unit="reqps",
    )
    b.panel(
        "Article pages by outcome",
        {"{{outcome}}": f"sum by (outcome) (rate(pactwatch_crawler_pages_total[{RATE}]))"},
        unit="reqps",
    )
    b.panel(
        "Robots.txt refusals and publish errors",
        {
            "robots refusals": f"sum(rate(pactwatch_crawler_robots_refusals_total[{RATE}]))",
            "publish errors": f"sum(rate(pactwatch_crawler_publish_errors_total[{RATE}]))",
        },
        unit="reqps",
    )
    b.panel(
        "Sources configured, owned per replica, failing",
        {
            "configured": "max(pactwatch_crawler_sources)",
            "owned {{instance}}": "pactwatch_crawler_sources_owned",
            "failing": "sum(pactwatch_crawler_sources_failing)",
        },
    )
    b.panel(
        "Poll interval per source",
        {"{{source}}": "max by (source) (pactwatch_crawler_source_interval_seconds)"},
        unit="s",
    )
    b.panel(
        "Consecutive failures per source",
        {"{{source}}": "max by (source) (pactwatch_crawler_source_consecutive_failures) > 0"},
    )
    standard(b, "crawler", consumes=False)
    return b


def classifier() -> Board:
    b = Board("pactwatch-classifier", "Pactwatch: classifier", "Articles in, events out.")
    b.row("Classification")
    b.panel(
        "Articles by label",
        {"{{label}}": f"sum by (label) (rate(pactwatch_classifier_articles_total[{RATE}]))"},
        unit="reqps",
    )
    b.panel(
        "Events by type",
        {"{{type}}": f"sum by (type) (rate(pactwatch_classifier_events_total[{RATE}]))"},
        unit="reqps",
    )
    b.panel(
        "Classify time per article",
        quantiles("pactwatch_classifier_classify_duration_seconds"),
        unit="s",
    )
    b.panel(
        "Batch time (classify + broker acks)",
        quantiles("pactwatch_classifier_batch_duration_seconds"),
        unit="s",
    )
    b.panel(
        "Dead letters by reason",
        {
            "{{reason}}": (
                f"sum by (reason) (rate(pactwatch_classifier_dead_letters_total[{RATE}]))"
            )
        },
        unit="reqps",
    )
    standard(b, "classifier")
    return b


def notifier() -> Board:
    b = Board("pactwatch-notifier", "Pactwatch: notifier", "Events in, alerts delivered.")
    b.row("Delivery")
    b.panel(
        "Deliveries by channel and outcome",
        {
            "{{channel}} {{outcome}}": (
                f"sum by (channel, outcome) (rate(pactwatch_notifier_deliveries_total[{RATE}]))"
            )
        },
        unit="reqps",
    )
    b.panel(
        "Delivery attempts by channel and result",
        {
            "{{channel}} {{result}}": (
                "sum by (channel, result) "
                f"(rate(pactwatch_notifier_delivery_attempts_total[{RATE}]))"
            )
        },
        unit="reqps",
    )
    b.panel(
        "End-to-end latency by channel",
        quantiles("pactwatch_notifier_delivery_latency_seconds", "channel"),
        unit="s",
    )
    b.panel(
        "Retry queue and work in flight",
        {
            "retry queue": "sum(pactwatch_notifier_retry_queue_depth)",
            "events in flight": "sum(pactwatch_notifier_events_in_flight)",
        },
    )
    b.panel(
        "Dead letters by reason",
        {"{{reason}}": f"sum by (reason) (rate(pactwatch_notifier_dead_letters_total[{RATE}]))"},
        unit="reqps",
    )
    b.panel(
        "Duplicates skipped",
        {"skipped": f"sum(rate(pactwatch_notifier_duplicates_skipped_total[{RATE}]))"},
        unit="reqps",
    )
    standard(b, "notifier")
    b.row("Subscriptions API (pactwatch-notifier-api)")
    b.panel(
        "Requests by route and status",
        {
            "{{method}} {{route}} {{status}}": (
                "sum by (method, route, status) "
                f"(rate(pactwatch_notifier_api_requests_total[{RATE}]))"
            )
        },
        unit="reqps",
    )
    b.panel(
        "Subscriptions by state",
        {"{{state}}": "max by (state) (pactwatch_notifier_api_subscriptions)"},
    )
    b.panel(
        "Refused operator calls",
        {
            "{{reason}}": (
                f"sum by (reason) (rate(pactwatch_notifier_api_auth_failures_total[{RATE}]))"
            )
        },
        unit="reqps",
    )
    b.panel(
        "API replicas up and CPU",
        {
            "up": 'sum(up{job="pactwatch-notifier-api"})',
            "cpu {{instance}}": (
                f'rate(process_cpu_seconds_total{{job="pactwatch-notifier-api"}}[{RATE}])'
            ),
        },
    )
    return b


BOARDS = {"overview": overview, "crawler": crawler, "classifier": classifier, "notifier": notifier}


def render() -> dict[str, str]:
    """File name -> JSON text of every dashboard."""
    return {
        f"pactwatch-{name}.json": json.dumps(make().json(), indent=2, ensure_ascii=False) + "\n"
        for name, make in BOARDS.items()
    }


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, text in render().items():
        (OUT / name).write_text(text, "utf-8")
        print(f"wrote {OUT / name}", file=sys.stderr)


if __name__ == "__main__":
    main()
