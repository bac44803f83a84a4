"""Pactwatch's four Grafana dashboards: the pipeline overview and one per service.

Each dashboard is a list of rows, each row a list of panels (from panels.py) laid out two per
row, full width for tables, in the order given; every service dashboard ends with the
standard panels (Kafka traffic and processing, replicas).
"""

from __future__ import annotations

from itertools import count

from grafana_foundation_sdk.builders import dashboard
from grafana_foundation_sdk.models import dashboard as model
from panels import (
    FAILING_SOURCES,
    Panel,
    articles_by_label,
    cpu,
    dead_letters_by_reason,
    deliveries,
    end_to_end_latency,
    events_by_type,
    failing_sources,
    graph,
    lag,
    latency,
    listing,
    rate_sum,
    rates,
    replicas_up,
    single,
    up,
)

Row = tuple[str, list[Panel]]


def board(uid: str, title: str, description: str, rows: list[Row]) -> model.Dashboard:
    """A read-only dashboard of the rows given, linked to every other Pactwatch dashboard."""
    built = (
        dashboard.Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(["pactwatch"])
        .timezone("utc")
        .readonly()
        .version(1)
        .refresh("30s")
        .time("now-6h", "now")
        .link(
            dashboard.DashboardLink("Pactwatch")
            .type(model.DashboardLinkType.DASHBOARDS)
            .tags(["pactwatch"])
            .as_dropdown(True)
        )
    )
    ids = count(1)
    for row_title, panels in rows:
        built = built.with_row(dashboard.Row(row_title).id(next(ids)))
        for panel in panels:
            built = built.with_panel(panel.id(next(ids)))
    return built.build()


def standard(service: str, *, consumes: bool = True) -> list[Row]:
    """The panels every service has: traffic per topic, duration, errors, lag, build, resources.
    The crawler consumes no work from a group (its group only shares out sources), so it
    shows no consumer panels; its processing duration is one whole poll of a source."""
    m = f"pactwatch_{service}"
    job = f"pactwatch-{service}"
    consumed = [rates("Messages consumed per topic", f"{m}_messages_consumed_total", "topic")]
    lag_per_partition = [
        graph(
            "Consumer lag per partition",
            {"{{topic}}/{{partition}}": f"max by (topic, partition) ({m}_consumer_lag)"},
        )
    ]
    traffic = [
        *(consumed if consumes else []),
        rates("Messages produced per topic", f"{m}_messages_produced_total", "topic"),
        latency("Processing duration", f"{m}_processing_duration_seconds"),
        rates("Errors by kind", f"{m}_errors_total", "kind"),
        *(lag_per_partition if consumes else []),
    ]
    replicas = [
        single("Versions running", {"{{version}}": f"count by (version) ({m}_build_info)"}),
        replicas_up(job),
        graph("CPU per replica", {"{{instance}}": cpu(job)}, unit="percentunit"),
        graph(
            "Memory per replica",
            {"{{instance}}": f'process_resident_memory_bytes{{job="{job}"}}'},
            unit="bytes",
        ),
    ]
    return [("Kafka traffic and processing", traffic), ("Replicas", replicas)]


def overview() -> model.Dashboard:
    flow = [
        rates(
            "Articles fetched per source", "pactwatch_crawler_articles_published_total", "source"
        ),
        articles_by_label("Articles classified, by label"),
        events_by_type(),
        deliveries("Alerts by channel and outcome"),
    ]
    backlog = [
        end_to_end_latency(
            "End-to-end latency (article fetched to alert accepted)",
            by="",
            description="From the crawler's fetched_at to the receiver accepting the alert.",
        ),
        graph(
            "Consumer lag by group and topic",
            {"classifier {{topic}}": lag("classifier"), "notifier {{topic}}": lag("notifier")},
            description="Messages each consumer group has yet to read (end offset - committed).",
        ),
        graph(
            "Dead letters (last hour)",
            {
                f"{service} {{{{reason}}}}": (
                    f"sum by (reason) (increase(pactwatch_{service}_dead_letters_total[1h]))"
                )
                for service in ("classifier", "notifier")
            },
            description=(
                "Messages sent to pactwatch.deadletter; replay with pactwatch-notifier-replay."
            ),
        ),
        single("Replicas up", {"{{job}}": 'sum by (job) (up{job=~"pactwatch-.+"})'}),
    ]
    sources = [
        failing_sources(),
        rates(
            "Fetch errors by kind",
            "pactwatch_crawler_fetches_total",
            "outcome",
            selector='outcome!~"200|304"',
        ),
        listing(
            "Time since each source's last successful poll",
            {
                "{{source}}": (
                    "time() - max by (source) "
                    "(pactwatch_crawler_source_last_success_timestamp_seconds)"
                )
            },
            unit="s",
        ),
    ]
    return board(
        "pactwatch-overview",
        "Pactwatch: pipeline overview",
        "Sources to alerts: what came in, what was found, what was sent, how late, what is stuck.",
        [("Flow", flow), ("Latency and backlog", backlog), ("Sources", sources)],
    )


def crawler() -> model.Dashboard:
    c = "pactwatch_crawler"
    sources = [
        rates("Fetches by outcome", f"{c}_fetches_total", "outcome"),
        latency("Fetch duration by document kind", f"{c}_fetch_duration_seconds", "what"),
        graph(
            "Articles published and skipped",
            {
                "published": rate_sum(f"{c}_articles_published_total"),
                "already seen": rate_sum(f"{c}_articles_already_seen_total"),
                "near duplicates": rate_sum(f"{c}_near_duplicates_total"),
            },
            unit="reqps",
        ),
        rates("Article pages by outcome", f"{c}_pages_total", "outcome"),
        graph(
            "Robots.txt refusals and publish errors",
            {
                "robots refusals": rate_sum(f"{c}_robots_refusals_total"),
                "publish errors": rate_sum(f"{c}_publish_errors_total"),
            },
            unit="reqps",
        ),
        graph(
            "Sources configured, owned per replica, failing",
            {
                "configured": f"max({c}_sources)",
                "owned {{instance}}": f"{c}_sources_owned",
                "failing": FAILING_SOURCES,
            },
        ),
        graph(
            "Poll interval per source",
            {"{{source}}": f"max by (source) ({c}_source_interval_seconds)"},
            unit="s",
        ),
        graph(
            "Consecutive failures per source",
            {"{{source}}": f"max by (source) ({c}_source_consecutive_failures) > 0"},
        ),
    ]
    return board(
        "pactwatch-crawler",
        "Pactwatch: crawler",
        "Polling, fetching, publishing, sharding.",
        [("Sources", sources), *standard("crawler", consumes=False)],
    )


def classifier() -> model.Dashboard:
    classification = [
        articles_by_label(),
        events_by_type(),
        latency("Classify time per article", "pactwatch_classifier_classify_duration_seconds"),
        latency(
            "Batch time (classify + broker acks)", "pactwatch_classifier_batch_duration_seconds"
        ),
        dead_letters_by_reason("classifier"),
    ]
    return board(
        "pactwatch-classifier",
        "Pactwatch: classifier",
        "Articles in, events out.",
        [("Classification", classification), *standard("classifier")],
    )


def notifier() -> model.Dashboard:
    delivery = [
        deliveries(),
        rates(
            "Delivery attempts by channel and result",
            "pactwatch_notifier_delivery_attempts_total",
            "channel",
            "result",
        ),
        end_to_end_latency(),
        graph(
            "Retry queue and work in flight",
            {
                "retry queue": "sum(pactwatch_notifier_retry_queue_depth)",
                "events in flight": "sum(pactwatch_notifier_events_in_flight)",
            },
        ),
        dead_letters_by_reason("notifier"),
        graph(
            "Duplicates skipped",
            {"skipped": rate_sum("pactwatch_notifier_duplicates_skipped_total")},
            unit="reqps",
        ),
    ]
    api = "pactwatch_notifier_api"
    subscriptions_api = [
        rates("Requests by route and status", f"{api}_requests_total", "method", "route", "status"),
        graph("Subscriptions by state", {"{{state}}": f"max by (state) ({api}_subscriptions)"}),
        rates("Refused operator calls", f"{api}_auth_failures_total", "reason"),
        graph(
            "API replicas up and CPU",
            {
                "up": up("pactwatch-notifier-api"),
                "cpu {{instance}}": cpu("pactwatch-notifier-api"),
            },
        ),
    ]
    return board(
        "pactwatch-notifier",
        "Pactwatch: notifier",
        "Events in, alerts delivered.",
        [
            ("Delivery", delivery),
            *standard("notifier"),
            ("Subscriptions API (pactwatch-notifier-api)", subscriptions_api),
        ],
    )


BOARDS = {"overview": overview, "crawler": crawler, "classifier": classifier, "notifier": notifier}
