"""Pactwatch's Grafana panels, built with Grafana's typed builders (grafana-foundation-sdk).

Three kinds of panel (time series, stat, table), the PromQL shapes they repeat, and every
panel that more than one dashboard shows, each defined once here. Queries use
`$__rate_interval` for rates and the provisioned datasource (uid `pactwatch-prometheus`).
Several replicas report the same per-partition lag, so lag panels take
`max by (topic, partition)`.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.builders import prometheus, stat, table, timeseries
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models import dashboard as model
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

DATASOURCE = model.DataSourceRef(type_val="prometheus", uid="pactwatch-prometheus")
RATE = "$__rate_interval"
HEIGHT = 8
HALF, FULL = 12, 24

Panel = timeseries.Panel | stat.Panel | table.Panel
Targets = dict[str, str]
"""A legend (a Grafana template such as `{{source}}`) -> the PromQL it labels."""


# --- PromQL shapes ---------------------------------------------------------------------------


def rate_sum(metric: str, *by: str, selector: str = "") -> str:
    """The per-second rate of a counter, summed (by labels, if given)."""
    matchers = f"{{{selector}}}" if selector else ""
    group = f" by ({', '.join(by)}) " if by else ""
    return f"sum{group}(rate({metric}{matchers}[{RATE}]))"


def quantiles(metric: str, by: str = "") -> Targets:
    """p50, p95 and p99 of a histogram (per `by` label, if given)."""
    group = f"le{', ' + by if by else ''}"
    prefix = f"{{{{{by}}}}} " if by else ""
    return {
        f"{prefix}p{int(q * 100)}": (
            f"histogram_quantile({q}, sum by ({group}) (rate({metric}_bucket[{RATE}])))"
        )
        for q in (0.5, 0.95, 0.99)
    }


def lag(service: str) -> str:
    """A consumer group's backlog per topic."""
    return f"sum by (topic) (max by (topic, partition) (pactwatch_{service}_consumer_lag))"


# --- the three kinds of panel ----------------------------------------------------------------


def _queries(panel: Panel, targets: Targets, *, instant: bool = False) -> Panel:
    for i, (legend, expr) in enumerate(targets.items()):
        query = (
            prometheus.Dataquery()
            .ref_id(chr(ord("A") + i))
            .datasource(DATASOURCE)
            .expr(expr)
            .legend_format(legend)
        )
        if instant:
            query = query.instant().format(PromQueryFormat.TABLE)
        panel = panel.with_target(query)
    return panel


def _common(panel: Panel, title: str, unit: str, description: str, width: int) -> Panel:
    panel = panel.title(title).datasource(DATASOURCE).unit(unit).span(width).height(HEIGHT)
    return panel.description(description) if description else panel


def graph(title: str, targets: Targets, *, unit: str = "short", description: str = "") -> Panel:
    """A half-width time series with its legend listed below."""
    legend = (
        common_builders.VizLegendOptions()
        .show_legend(True)
        .display_mode(common.LegendDisplayMode.LIST)
        .placement(common.LegendPlacement.BOTTOM)
    )
    tooltip = (
        common_builders.VizTooltipOptions()
        .mode(common.TooltipDisplayMode.SINGLE)
        .sort(common.SortOrder.NONE)
    )
    panel = timeseries.Panel().legend(legend).tooltip(tooltip)
    return _queries(_common(panel, title, unit, description, HALF), targets)


def rates(title: str, metric: str, *by: str, selector: str = "", description: str = "") -> Panel:
    """Events per second of a counter, one series per value of the `by` labels."""
    legend = " ".join(f"{{{{{label}}}}}" for label in by)
    targets = {legend: rate_sum(metric, *by, selector=selector)}
    return graph(title, targets, unit="reqps", description=description)


def latency(title: str, metric: str, by: str = "", *, description: str = "") -> Panel:
    """p50/p95/p99 in seconds."""
    return graph(title, quantiles(metric, by), unit="s", description=description)


def single(title: str, targets: Targets, *, unit: str = "short") -> Panel:
    """A half-width stat: the current value of each target."""
    return _queries(_common(stat.Panel(), title, unit, "", HALF), targets)


def listing(title: str, targets: Targets, *, unit: str = "short") -> Panel:
    """A full-width table of instant values."""
    return _queries(_common(table.Panel(), title, unit, "", FULL), targets, instant=True)


# --- panels more than one dashboard shows ----------------------------------------------------


def articles_by_label(title: str = "Articles by label") -> Panel:
    return rates(title, "pactwatch_classifier_articles_total", "label")


def events_by_type() -> Panel:
    return rates("Events by type", "pactwatch_classifier_events_total", "type")


def deliveries(title: str = "Deliveries by channel and outcome") -> Panel:
    return rates(title, "pactwatch_notifier_deliveries_total", "channel", "outcome")


def end_to_end_latency(
    title: str = "End-to-end latency by channel", by: str = "channel", description: str = ""
) -> Panel:
    return latency(
        title, "pactwatch_notifier_delivery_latency_seconds", by, description=description
    )


def dead_letters_by_reason(service: str) -> Panel:
    return rates("Dead letters by reason", f"pactwatch_{service}_dead_letters_total", "reason")


FAILING_SOURCES = "sum(pactwatch_crawler_sources_failing)"


def failing_sources() -> Panel:
    return single("Failing sources", {"failing": FAILING_SOURCES})


def up(job: str) -> str:
    """How many replicas of a job Prometheus scrapes successfully."""
    return f'sum(up{{job="{job}"}})'


def replicas_up(job: str) -> Panel:
    return single("Replicas up", {"up": up(job)})


def cpu(job: str) -> str:
    """CPU seconds per second of each replica of a job."""
    return f'rate(process_cpu_seconds_total{{job="{job}"}}[{RATE}])'
