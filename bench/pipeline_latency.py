"""The pipeline bench's latency run (bench/bench_pipeline.py runs it after the throughput runs):
articles appear in their feeds at a steady offered load, a fraction of the throughput just
measured, and each alert's delay from the article's appearance to the webhook's receipt is
taken. Alerts still missing at a deadline scaled to the load are reported, not raised.
"""

from __future__ import annotations

import contextlib
import statistics
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pipeline_harness import Run, Web, feed_items

from pactwatch_devtools import FeedItem, generate_articles, render_rss, wait_until
from pactwatch_devtools.kafka import KafkaBroker

# The latency run offers this fraction of the 1-replica throughput just measured, at most
# MAX_RATE: a steady load the machine carries, not a saturated one.
LOAD_FRACTION = 0.25
MAX_RATE = 200.0
FIRST_POLLS = 120  # seconds the crawler may take to join its group and poll every feed
DRAIN_FLOOR = 30.0  # seconds waited for the latency run's alerts, at the least


@dataclass
class Latency:
    """What the latency run offered and what arrived."""

    rate: float  # articles/s offered
    offered: int  # articles that appeared in the feeds
    expected: int  # alerts those articles should raise
    published: float  # articles the crawler published
    deadline: float  # seconds waited for the alerts once the offer ended
    seconds: list[float] = field(default_factory=list)  # appearance -> receipt, sorted
    note: str = ""  # why nothing was offered, if so

    @property
    def complete(self) -> bool:
        return not self.note and len(self.seconds) == self.expected

    def percentiles(self) -> tuple[float, float, float] | None:
        if not self.seconds:
            return None
        return pct(self.seconds, 0.50), pct(self.seconds, 0.95), pct(self.seconds, 0.99)


def offered_rate(throughput: float, asked: float | None) -> float:
    """The latency run's load: as asked, or a load this machine carries with room to spare."""
    return asked if asked else min(MAX_RATE, LOAD_FRACTION * throughput)


def drain_deadline(offered: int, throughput: float) -> float:
    """How long to wait for the alerts once the offer ends: twice what the measured throughput
    needs for everything offered, and never under half a minute."""
    return DRAIN_FLOOR + 2 * offered / throughput


def latency(
    broker: KafkaBroker, work: Path, web: Web, rate: float, seconds: float, throughput: float
) -> Latency:
    """Articles appear in 4 feeds at `rate`/s; seconds from appearance to alert receipt."""
    web.reset()
    run = Run(broker, work, web, f"lat-{uuid.uuid4().hex[:6]}")
    run.create_topics()
    articles = generate_articles(int(rate * seconds) + 400, seed=99)
    # Each poll re-parses the whole feed, so the window is kept short (as real busy feeds do):
    # 40 items hold 0.8 s of a feed's history at 50 items/s, several poll intervals. An item
    # that slides out before the crawler's next poll is never seen: its alert never comes.
    feeds_n, window = 4, 40
    shown: list[list[FeedItem]] = [[] for _ in range(feeds_n)]
    appeared: dict[str, float] = {}
    items = feed_items(web, articles, full_text=True)
    urls = [web.write(f"{run.name}-{i}.xml", render_rss("lat", web.base, [])) for i in range(4)]
    result = Latency(rate, 0, 0, 0.0, 0.0)
    try:
        run.start_classifiers(1)
        run.start_notifier()
        run.start_crawler(urls, interval=0.25, fetch_pages=False)
        crawler = run.procs["crawler"]
        # Offer nothing until the crawler polls every feed (it first joins its group and
        # reads the seen log): items that slid out of a feed before that would be lost.
        try:
            wait_until(
                lambda: crawler.metric("pactwatch_crawler_fetches_total") >= 3 * feeds_n,
                FIRST_POLLS,
                "the crawler's first polls",
            )
        except TimeoutError:
            result.note = f"the crawler had not polled its feeds within {FIRST_POLLS} s"
            return result
        start = time.perf_counter()
        n = recorded = 0
        tick = 0.05
        while (elapsed := time.perf_counter() - start) < seconds:
            due = min(int(elapsed * rate), len(items))
            touched = set()
            while n < due:
                feed = n % feeds_n
                shown[feed].insert(0, items[n])
                del shown[feed][window:]
                touched.add(feed)
                n += 1
            now = time.time()
            for feed in touched:
                web.write(f"{run.name}-{feed}.xml", render_rss("lat", web.base, shown[feed]))
            for i in range(recorded, n):
                if articles[i].event:
                    appeared[items[i].link] = now
            recorded = n
            time.sleep(tick)
        result.offered, result.expected = n, len(appeared)
        result.deadline = drain_deadline(n, throughput)
        arrivals = wait_for_alerts(web, set(appeared), result.deadline)
        result.seconds = sorted(arrivals[u] - t for u, t in appeared.items() if u in arrivals)
        with contextlib.suppress(httpx.HTTPError):
            result.published = crawler.metric("pactwatch_crawler_articles_published_total")
        return result
    finally:
        run.stop()


def wait_for_alerts(web: Web, wanted: set[str], deadline: float) -> dict[str, float]:
    """The webhook's arrivals once all `wanted` came, or at the deadline (whatever came)."""
    end = time.monotonic() + deadline
    arrivals: dict[str, float] = {}
    while True:
        with contextlib.suppress(httpx.HTTPError):  # a busy server: ask again
            arrivals = web.stats()["arrivals"]
        if wanted <= arrivals.keys() or time.monotonic() >= end:
            return arrivals
        time.sleep(0.5)


def describe(lat: Latency) -> str:
    """The latency run's result line: percentiles, and how much arrived if not all."""
    if lat.note:
        return f"latency: INCOMPLETE, nothing offered: {lat.note}"
    head = f"latency at {lat.rate:.0f} articles/s offered ({lat.expected} alerts)"
    found = lat.percentiles()
    figures = (
        f"p50 {found[0]:.3f} s  p95 {found[1]:.3f} s  p99 {found[2]:.3f} s" if found else "none"
    )
    if lat.complete:
        return f"{head}: {figures}"
    return (
        f"{head}: INCOMPLETE, {len(lat.seconds)} of {lat.expected} alerts arrived within "
        f"{lat.deadline:.0f} s of the offer's end (the crawler published {lat.published:.0f} "
        f"of {lat.offered} articles offered); of those that arrived: {figures}"
    )


def pct(values: list[float], q: float) -> float:
    """The q-quantile of a non-empty list, within its range (a few alerts of an incomplete run
    must not extrapolate past the slowest)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 1000) - 1]
