"""Grafana dashboards as code: the checked-in JSON is what deploy/grafana/generate.py makes
(with Grafana's typed builders, from panels.py and boards.py beside it), the panels tile the
grid, the provisioning files point at it, and the overview shows what operators asked for.
(Their PromQL is evaluated against a real Prometheus in test_prometheus_live.py.)"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
GRAFANA = REPO / "deploy" / "grafana"


def generator() -> ModuleType:
    if str(GRAFANA) not in sys.path:  # generate.py imports its siblings, as when run as a script
        sys.path.insert(0, str(GRAFANA))
    spec = importlib.util.spec_from_file_location("grafana_generate", GRAFANA / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dashboards() -> dict[str, dict[str, Any]]:
    return {
        p.name: json.loads(p.read_text()) for p in sorted((GRAFANA / "dashboards").glob("*.json"))
    }


def test_checked_in_json_is_what_the_generator_makes() -> None:
    rendered = generator().render()
    on_disk = {p.name: p.read_text() for p in (GRAFANA / "dashboards").glob("*.json")}
    assert on_disk == rendered, "run `make dashboards` and commit the JSON"


def test_an_overview_and_one_dashboard_per_service() -> None:
    assert set(dashboards()) == {
        "pactwatch-overview.json",
        "pactwatch-crawler.json",
        "pactwatch-classifier.json",
        "pactwatch-notifier.json",
    }
    uids = [d["uid"] for d in dashboards().values()]
    assert len(uids) == len(set(uids))


def test_every_panel_queries_the_provisioned_datasource() -> None:
    datasources = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    (source,) = datasources["datasources"]
    assert source["type"] == "prometheus" and source["url"] == "http://prometheus:9090"
    for name, board in dashboards().items():
        panels = [p for p in board["panels"] if p["type"] != "row"]
        assert panels, name
        ids = [p["id"] for p in board["panels"]]
        assert len(ids) == len(set(ids)), name
        for panel in panels:
            assert panel["targets"], (name, panel["title"])
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == source["uid"], (name, panel["title"])
                assert target["expr"].strip(), (name, panel["title"])


def test_panels_tile_the_grid_under_their_rows() -> None:
    """What Grafana would show askew: a panel past the 24 columns, two panels on one cell, a
    panel above its row, or a time series whose legend is hidden."""
    for name, board in dashboards().items():
        taken: dict[tuple[int, int], str] = {}
        row_y = -1
        for panel in board["panels"]:
            pos = panel["gridPos"]
            assert pos["x"] >= 0 and pos["x"] + pos["w"] <= 24, (name, panel["title"])
            if panel["type"] == "row":
                assert pos["y"] > row_y and pos["w"] == 24 and not panel["collapsed"], name
                row_y = pos["y"]
            else:
                assert pos["y"] > row_y, (name, panel["title"], "above its row")
            for x in range(pos["x"], pos["x"] + pos["w"]):
                for y in range(pos["y"], pos["y"] + pos["h"]):
                    assert (x, y) not in taken, (name, panel["title"], taken.get((x, y)))
                    taken[x, y] = panel["title"]
            if panel["type"] == "timeseries":
                assert panel["options"]["legend"]["showLegend"], (name, panel["title"])


def test_dashboard_provider_reads_the_folder_compose_mounts() -> None:
    providers = yaml.safe_load((GRAFANA / "provisioning/dashboards/pactwatch.yml").read_text())
    (provider,) = providers["providers"]
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" in mounts


def test_overview_shows_the_pipeline() -> None:
    board = dashboards()["pactwatch-overview.json"]
    exprs = " ".join(t["expr"] for p in board["panels"] for t in p.get("targets", []))
    for wanted in (
        "pactwatch_crawler_articles_published_total",  # articles fetched per source
        "pactwatch_classifier_articles_total",  # classified
        "pactwatch_classifier_events_total",  # events by type
        "pactwatch_notifier_deliveries_total",  # alerts by channel and outcome
        "histogram_quantile(0.99, sum by (le) (rate(pactwatch_notifier_delivery_latency",
        "pactwatch_classifier_consumer_lag",
        "pactwatch_notifier_consumer_lag",
        "pactwatch_classifier_dead_letters_total",
        "pactwatch_notifier_dead_letters_total",
        "pactwatch_crawler_sources_failing",
    ):
        assert wanted in exprs, wanted
