"""The whole pipeline's speed: feeds -> crawler -> Kafka -> classifier -> Kafka -> notifier ->
webhook, each service its own process, one broker, against the bare-Kafka ceiling.

One run prints:
1. throughput: a corpus of generated articles (2-6 KB, ~10% events, English and Chinese) served
   in full-text feeds; articles/s from the first publish until every article is classified and
   every alert received, with one replica of each service and again with two classifiers;
2. the ceiling: a bare aiokafka producer and consumer moving the same article messages through
   the same broker, and the pipeline's throughput as a fraction of it;
3. each service's peak RSS and CPU seconds per 1,000 articles (from /proc);
4. latency: articles appear in their feeds at a steady offered load; p50/p95/p99 from an
   article's appearance to the webhook's receipt of its alert;
5. page extraction: feeds with summaries only, so the crawler fetches every article page and
   extracts its main text: pages per second per crawler core.
Results are appended to bench/RESULTS.md with the date and the machine.

    .venv/bin/python bench/bench_pipeline.py [--articles 20000] [--rate 200] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from pactwatch_devtools import (
    FeedItem,
    GeneratedArticle,
    ServiceProcess,
    create_topics,
    free_port,
    generate_articles,
    render_rss,
    wait_until,
)
from pactwatch_devtools.kafka import KafkaBroker
from pactwatch_schemas import Article, encode

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "RESULTS.md"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
PER_FEED = 500  # entries per feed in the throughput corpus


# --- local servers, each in its own process so they don't share a GIL with the bench ---


def _web_main(port: int, root: str) -> None:
    """Serves feed and page files from `root` (with ETag/Last-Modified, so 304s happen) and
    receives webhooks, recording the first arrival of each article URL."""
    arrivals: dict[str, float] = {}
    counts = {"requests": 0}

    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        counts["requests"] += 1
        url = json.loads(body)["event"]["article"]["url"]
        arrivals.setdefault(url, time.time())
        return web.Response(status=204)

    async def stats(_: web.Request) -> web.Response:
        return web.json_response({"requests": counts["requests"], "arrivals": arrivals})

    async def reset(_: web.Request) -> web.Response:
        arrivals.clear()
        counts["requests"] = 0
        return web.Response(status=204)

    async def files(request: web.Request) -> web.StreamResponse:
        path = Path(root) / request.match_info["name"]
        if not path.is_file():
            raise web.HTTPNotFound()
        kind = "application/rss+xml" if path.suffix == ".xml" else "text/html; charset=utf-8"
        return web.FileResponse(path, headers={"Content-Type": kind})

    app = web.Application()
    app.router.add_post("/hook", hook)
    app.router.add_get("/stats", stats)
    app.router.add_post("/reset", reset)
    app.router.add_get("/files/{name:.+}", files)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


class Web:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self._proc = multiprocessing.Process(
            target=_web_main, args=(self.port, str(root)), daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Web:
        self._proc.start()
        wait_until(lambda: self.stats() is not None, 10, "the bench web server", interval=0.05)
        return self

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.join(5)

    def stats(self) -> dict[str, Any]:
        data: dict[str, Any] = httpx.get(f"{self.base}/stats", timeout=30).json()
        return data

    def reset(self) -> None:
        httpx.post(f"{self.base}/reset", timeout=10)

    def write(self, name: str, body: bytes) -> str:
        tmp = self.root / f".{name}.tmp"
        tmp.write_bytes(body)
        tmp.replace(self.root / name)  # atomic: the server never serves half a feed
        return f"{self.base}/files/{name}"


# --- process accounting ---


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


@dataclass
class Run:
    """One set of topics and services; `procs` by role."""

    broker: KafkaBroker
    work: Path
    web: Web
    name: str
    procs: dict[str, ServiceProcess] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {
            "PACTWATCH_KAFKA_BOOTSTRAP": self.broker.bootstrap,
            "PACTWATCH_ARTICLES_TOPIC": f"{self.name}.articles",
            "PACTWATCH_EVENTS_TOPIC": f"{self.name}.events",
            "PACTWATCH_DEAD_LETTER_TOPIC": f"{self.name}.deadletter",
            "PACTWATCH_NOTIFIER_RETRY_TOPIC": f"{self.name}.retry",
            "PACTWATCH_CRAWLER_SOURCES_TOPIC": f"{self.name}.crawler-sources",
            "PACTWATCH_CRAWLER_SEEN_TOPIC": f"{self.name}.crawler-seen",
            "PACTWATCH_CRAWLER_GROUP_ID": f"{self.name}-crawler",
            "PACTWATCH_CLASSIFIER_APP_ID": f"{self.name}-classifier",
            "PACTWATCH_NOTIFIER_GROUP_ID": f"{self.name}-notifier",
            "PACTWATCH_LOG_LEVEL": "WARNING",
            "PACTWATCH_CRAWLER_LOG_LEVEL": "WARNING",
            "PACTWATCH_CLASSIFIER_LOG_LEVEL": "WARNING",
            "PACTWATCH_NOTIFIER_LOG_LEVEL": "WARNING",
        }

    def create_topics(self) -> None:
        asyncio.run(
            create_topics(
                self.broker.bootstrap,
                {
                    f"{self.name}.articles": 6,
                    f"{self.name}.events": 6,
                    f"{self.name}.deadletter": 3,
                    f"{self.name}.retry": 6,
                },
            )
        )

    def start(self, service: str, role: str, extra: dict[str, str] | None = None) -> None:
        self.procs[role] = ServiceProcess.pactwatch(
            service,
            {**self.env, **(extra or {})},
            data_dir=self.work / self.name / role,
            log_path=self.work / self.name / f"{role}.log",
        ).start()

    def start_classifiers(self, replicas: int) -> None:
        for i in range(replicas):
            self.start("classifier", f"classifier-{i + 1}")

    def start_notifier(self) -> None:
        subs = self.work / self.name / "subscriptions.yaml"
        subs.parent.mkdir(parents=True, exist_ok=True)
        subs.write_text(
            "subscriptions:\n"
            f"  - id: all\n    webhook: {{url: '{self.web.base}/hook', secrets: ['{SECRET}']}}\n"
        )
        self.start(
            "notifier",
            "notifier",
            {
                "PACTWATCH_NOTIFIER_SUBSCRIPTIONS_FILE": str(subs),
                "PACTWATCH_NOTIFIER_MAX_CONCURRENT_PER_SUBSCRIPTION": "100",
            },
        )

    def start_crawler(
        self, feeds: list[str], interval: float, fetch_pages: bool, max_pages: int = 50
    ) -> None:
        sources = self.work / self.name / "sources.yaml"
        sources.parent.mkdir(parents=True, exist_ok=True)
        lines = ["sources:"]
        for i, url in enumerate(feeds):
            lines += [
                f"  - id: feed-{i}",
                f"    url: {url}",
                f"    interval_seconds: {interval}",
                f"    min_interval_seconds: {interval}",
                f"    max_interval_seconds: {interval}",
                f"    fetch_pages: {'true' if fetch_pages else 'false'}",
            ]
        sources.write_text("\n".join(lines) + "\n")
        self.start(
            "crawler",
            "crawler",
            {
                "PACTWATCH_CRAWLER_SOURCES_FILE": str(sources),
                # One local host stands in for many sites: politeness is per host.
                "PACTWATCH_CRAWLER_PER_HOST_CONCURRENCY": "16",
                "PACTWATCH_CRAWLER_PER_HOST_DELAY_SECONDS": "0",
                "PACTWATCH_CRAWLER_OBEY_ROBOTS": "false",
                "PACTWATCH_CRAWLER_MAX_PAGES_PER_POLL": str(max_pages),
            },
        )

    def metric(self, prefix: str, name: str) -> float:
        return sum(p.metric(name) for role, p in self.procs.items() if role.startswith(prefix))

    def cpu(self) -> dict[str, float]:
        return {role: cpu_seconds(p.proc.pid) for role, p in self.procs.items() if p.proc}

    def rss(self) -> dict[str, int]:
        return {role: peak_rss(p.proc.pid) for role, p in self.procs.items() if p.proc}

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.stop()


def feed_items(web: Web, articles: list[GeneratedArticle], full_text: bool) -> list[FeedItem]:
    base = datetime.now(UTC) - timedelta(hours=2)
    items = []
    for i, a in enumerate(articles):
        link = f"{web.base}/files/page-{a.key}.html"
        text = a.text if full_text else a.text.split("\n", 1)[0][:200]
        items.append(FeedItem(a.title, link, text, base + timedelta(seconds=i)))
    return items


# --- phases ---


def throughput(
    broker: KafkaBroker, work: Path, web: Web, articles: list[GeneratedArticle], replicas: int
) -> dict[str, Any]:
    n = len(articles)
    expected_alerts = sum(1 for a in articles if a.event)
    web.reset()
    run = Run(broker, work, web, f"tp{replicas}-{uuid.uuid4().hex[:6]}")
    run.create_topics()
    items = feed_items(web, articles, full_text=True)
    feeds = [
        web.write(f"{run.name}-{i}.xml", render_rss(f"feed {i}", web.base, items[s : s + PER_FEED]))
        for i, s in enumerate(range(0, n, PER_FEED))
    ]
    try:
        run.start_classifiers(replicas)
        run.start_notifier()
        cpu0 = run.cpu()
        run.start_crawler(feeds, interval=5, fetch_pages=False)
        cpu0["crawler"] = 0.0
        first = 0.0
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            published = run.metric("crawler", "pactwatch_crawler_articles_published_total")
            if published and not first:
                first = time.perf_counter()
            classified = run.metric("classifier", "pactwatch_classifier_articles_total")
            if classified >= n and len(web.stats()["arrivals"]) >= expected_alerts:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"pipeline did not finish: {run.procs['crawler'].tail()}")
        seconds = time.perf_counter() - first
        cpu1 = run.cpu()
        return {
            "replicas": replicas,
            "rate": n / seconds,
            "alerts": expected_alerts,
            "cpu_per_1000": {r: (cpu1[r] - cpu0.get(r, 0.0)) / n * 1000 for r in cpu1},
            "rss": run.rss(),
        }
    finally:
        run.stop()


async def ceiling(bootstrap: str, messages: list[bytes]) -> float:
    """A bare producer and consumer moving the same messages through the same broker."""
    topic = f"ceiling-{uuid.uuid4().hex[:6]}"
    await create_topics(bootstrap, {topic: 6})
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, linger_ms=5, acks="all", max_request_size=2_000_000
    )
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"{topic}-group",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await producer.start()
    await consumer.start()
    try:
        while not consumer.assignment():
            await asyncio.sleep(0.05)

        async def send_all() -> None:
            futures = [await producer.send(topic, m) for m in messages]
            await asyncio.gather(*futures)

        start = time.perf_counter()
        sending = asyncio.create_task(send_all())
        got = 0
        while got < len(messages):
            batches = await consumer.getmany(timeout_ms=500, max_records=1000)
            got += sum(len(r) for r in batches.values())
            if batches:
                await consumer.commit()
        await sending
        return len(messages) / (time.perf_counter() - start)
    finally:
        await consumer.stop()
        await producer.stop()


def latency(broker: KafkaBroker, work: Path, web: Web, rate: float, seconds: float) -> list[float]:
    """Articles appear in 4 feeds at `rate`/s; seconds from appearance to alert receipt."""
    web.reset()
    run = Run(broker, work, web, f"lat-{uuid.uuid4().hex[:6]}")
    run.create_topics()
    articles = generate_articles(int(rate * seconds) + 400, seed=99)
    # Each poll re-parses the whole feed, so the window is kept short (as real busy feeds do):
    # 40 items hold 0.8 s of a feed's history at 50 items/s, several poll intervals.
    feeds_n, window = 4, 40
    shown: list[list[FeedItem]] = [[] for _ in range(feeds_n)]
    appeared: dict[str, float] = {}
    items = feed_items(web, articles, full_text=True)
    urls = [web.write(f"{run.name}-{i}.xml", render_rss("lat", web.base, [])) for i in range(4)]
    try:
        run.start_classifiers(1)
        run.start_notifier()
        run.start_crawler(urls, interval=0.25, fetch_pages=False)
        crawler = run.procs["crawler"]
        # Offer nothing until the crawler polls every feed (it first joins its group and
        # reads the seen log): items that slid out of a feed before that would be lost.
        wait_until(
            lambda: crawler.metric("pactwatch_crawler_fetches_total") >= 3 * feeds_n,
            60,
            "the crawler's first polls",
        )
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
        wanted = set(appeared)
        wait_until(lambda: wanted <= set(web.stats()["arrivals"]), 60, "the latency run's alerts")
        arrivals = web.stats()["arrivals"]
        return sorted(arrivals[u] - appeared[u] for u in wanted)
    finally:
        run.stop()


def extraction(broker: KafkaBroker, work: Path, web: Web, pages: int) -> tuple[float, float]:
    """Summary-only feeds: the crawler fetches and extracts every page. Returns pages per
    crawler CPU second and wall-clock pages/s."""
    run = Run(broker, work, web, f"ex-{uuid.uuid4().hex[:6]}")
    run.create_topics()
    articles = generate_articles(pages, seed=7)
    for a in articles:
        paragraphs = "".join(f"<p>{p}</p>" for p in a.text.split("\n"))
        nav = "".join(
            f'<li><a href="/files/other-{i}.html">Other news {i}</a></li>' for i in range(30)
        )
        web.write(
            f"page-{a.key}.html",
            (
                f"<html><head><title>{a.title}</title></head><body>"
                f"<nav><ul>{nav}</ul></nav><div class='cookie'>We use cookies.</div>"
                f"<article><h1>{a.title}</h1>{paragraphs}</article>"
                f"<aside><h2>Latest news</h2><ul>{nav}</ul></aside>"
                "<footer>Copyright City Government. All rights reserved.</footer></body></html>"
            ).encode(),
        )
    items = feed_items(web, articles, full_text=False)
    feeds = [
        web.write(f"{run.name}-{i}.xml", render_rss("ex", web.base, items[s : s + 100]))
        for i, s in enumerate(range(0, pages, 100))
    ]
    try:
        run.start_crawler(feeds, interval=1, fetch_pages=True, max_pages=1000)
        proc = run.procs["crawler"]
        assert proc.proc is not None
        cpu0 = cpu_seconds(proc.proc.pid)  # after start-up (imports), before the first poll
        start = time.perf_counter()
        wait_until(
            lambda: proc.metric("pactwatch_crawler_articles_published_total") >= pages,
            600,
            f"{pages} extracted pages",
            interval=0.1,
        )
        wall = time.perf_counter() - start
        return pages / (cpu_seconds(proc.proc.pid) - cpu0), pages / wall
    finally:
        run.stop()


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=200.0, help="offered articles/s (latency)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the latency run")
    parser.add_argument("--pages", type=int, default=1000, help="pages in the extraction run")
    parser.add_argument("--no-record", action="store_true", help="don't append to RESULTS.md")
    args = parser.parse_args()

    articles = generate_articles(args.articles, seed=1)
    kb = sum(len(a.text.encode()) for a in articles) / len(articles) / 1024
    with tempfile.TemporaryDirectory() as tmp, KafkaBroker() as broker:
        work = Path(tmp)
        web = Web(work / "www")
        web.root.mkdir()
        web.start()
        try:
            one = throughput(broker, work, web, articles, replicas=1)
            print(
                f"pipeline, 1 replica each:  {one['rate']:7.0f} articles/s "
                f"({args.articles} articles of {kb:.1f} KB, {one['alerts']} alerts)",
                flush=True,
            )
            two = throughput(broker, work, web, articles, replicas=2)
            print(f"pipeline, 2 classifiers:   {two['rate']:7.0f} articles/s", flush=True)
            now = datetime.now(UTC)
            messages = [
                encode(
                    Article(
                        schema_version=1,
                        id=uuid.uuid4().hex,
                        url=f"https://example.org/{a.key}",
                        title=a.title,
                        text=a.text,
                        source_id="bench",
                        fetched_at=now,
                    )
                )
                for a in articles
            ]
            top = asyncio.run(ceiling(broker.bootstrap, messages))
            print(f"bare aiokafka ceiling:     {top:7.0f} articles/s", flush=True)
            print(f"pipeline / ceiling:        {one['rate'] / top:7.2f} (1 replica each)")
            print("per service (1 replica run): CPU s per 1,000 articles, peak RSS")
            for role, cpu in one["cpu_per_1000"].items():
                print(f"  {role:13s} {cpu:6.2f} CPU s   {one['rss'][role] / 2**20:6.0f} MB")
            lat = latency(broker, work, web, args.rate, args.seconds)
            p50, p95, p99 = pct(lat, 0.50), pct(lat, 0.95), pct(lat, 0.99)
            print(
                f"latency at {args.rate:.0f} articles/s offered ({len(lat)} alerts): "
                f"p50 {p50:.3f} s  p95 {p95:.3f} s  p99 {p99:.3f} s",
                flush=True,
            )
            per_core, wall = extraction(broker, work, web, args.pages)
            print(
                f"page fetch + extraction:   {per_core:7.0f} pages per crawler CPU s "
                f"({wall:.0f} pages/s wall clock)"
            )
        finally:
            web.stop()

    if not args.no_record:
        record(args, kb, one, two, top, (p50, p95, p99), per_core)


def record(
    args: argparse.Namespace,
    kb: float,
    one: dict[str, Any],
    two: dict[str, Any],
    top: float,
    lat: tuple[float, float, float],
    per_core: float,
) -> None:
    header = (
        "| date | machine | articles | 1 replica/s | 2 classifiers/s | ceiling/s | ratio "
        "| p50/p95/p99 s @ offered/s | CPU s per 1k (crawler/classifier/notifier) "
        "| peak RSS MB (crawler/classifier/notifier) | pages/s/core |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Pipeline benchmark results\n\nWritten by `make bench` "
            "(bench/bench_pipeline.py); newest last, older rows kept.\n\n" + header
        )
    cpu, rss = one["cpu_per_1000"], one["rss"]
    machine = (
        f"{platform.node()} {os.cpu_count()} cores {platform.processor() or platform.machine()}"
    )
    row = (
        f"| {datetime.now(UTC):%Y-%m-%d %H:%M} | {machine} | {args.articles} x {kb:.1f} KB "
        f"| {one['rate']:.0f} | {two['rate']:.0f} | {top:.0f} | {one['rate'] / top:.2f} "
        f"| {lat[0]:.2f}/{lat[1]:.2f}/{lat[2]:.2f} @ {args.rate:.0f} "
        f"| {cpu['crawler']:.2f}/{cpu['classifier-1']:.2f}/{cpu['notifier']:.2f} "
        f"| {rss['crawler'] / 2**20:.0f}/{rss['classifier-1'] / 2**20:.0f}/"
        f"{rss['notifier'] / 2**20:.0f} | {per_core:.0f} |\n"
    )
    with RESULTS.open("a") as out:
        out.write(row)
    print(f"recorded in {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
