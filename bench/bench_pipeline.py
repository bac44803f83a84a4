"""The whole pipeline's speed: feeds -> crawler -> Kafka -> classifier -> Kafka -> notifier ->
webhook, each service its own process, one broker, against the bare-Kafka ceiling.

One run prints:
1. throughput: a corpus of generated articles (2-6 KB, ~10% events, English and Chinese) served
   in full-text feeds; articles/s from the first publish until every article is classified and
   every alert received, with one replica of each service and again with two classifiers;
2. the ceiling: a bare aiokafka producer and consumer moving the same article messages through
   the same broker, and the pipeline's throughput as a fraction of it;
3. each service's peak RSS and CPU seconds per 1,000 articles (from /proc);
4. latency (bench/pipeline_latency.py): articles appear in their feeds at a steady offered
   load, 25% of the 1-replica throughput just measured and at most 200/s (or --rate);
   p50/p95/p99 from an article's appearance to the webhook's receipt of its alert. Alerts
   still missing at a deadline scaled to the load make the run INCOMPLETE, reported with the
   latency of those that came, not an error;
5. page extraction: feeds with summaries only, so the crawler fetches every article page and
   extracts its main text: pages per second per crawler core.
Results are appended to bench/RESULTS.md with the date and the machine.

    .venv/bin/python bench/bench_pipeline.py [--articles 20000] [--rate R] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pipeline_harness import Run, Web, cpu_seconds, feed_items
from pipeline_latency import LOAD_FRACTION, MAX_RATE, Latency, describe, latency, offered_rate

from pactwatch_devtools import (
    GeneratedArticle,
    create_topics,
    generate_articles,
    render_rss,
    wait_until,
)
from pactwatch_devtools.kafka import KafkaBroker
from pactwatch_schemas import Article, encode

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "RESULTS.md"
PER_FEED = 500  # entries per feed in the throughput corpus


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


async def ceiling(bootstrap: str, messages: list[bytes]) -> tuple[float, float]:
    """A bare producer and consumer moving the same messages through the same broker, in this
    process. Returns messages/s and this process's CPU seconds per 1,000 messages."""
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

        start, cpu0 = time.perf_counter(), time.process_time()
        sending = asyncio.create_task(send_all())
        got = 0
        while got < len(messages):
            batches = await consumer.getmany(timeout_ms=500, max_records=1000)
            got += sum(len(r) for r in batches.values())
            if batches:
                await consumer.commit()
        await sending
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu0
        return len(messages) / seconds, cpu / len(messages) * 1000
    finally:
        await consumer.stop()
        await producer.stop()


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help=f"offered articles/s in the latency run (default {LOAD_FRACTION:.0%} of the "
        f"1-replica throughput, at most {MAX_RATE:.0f})",
    )
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
            top, bare_cpu = asyncio.run(ceiling(broker.bootstrap, article_messages(articles)))
            print(f"bare aiokafka ceiling:     {top:7.0f} articles/s", flush=True)
            print(
                f"pipeline / ceiling:        {one['rate'] / top:7.2f} (1 replica each), "
                f"{two['rate'] / top:.2f} (2 classifiers)"
            )
            print(
                "per service (1 replica run): CPU s per 1,000 articles (x the bare loop's "
                f"{bare_cpu:.2f}, its producer and consumer together), peak RSS"
            )
            for role, cpu in one["cpu_per_1000"].items():
                print(
                    f"  {role:13s} {cpu:6.2f} CPU s ({cpu / bare_cpu:5.1f}x)"
                    f"   {one['rss'][role] / 2**20:6.0f} MB"
                )
            rate = offered_rate(one["rate"], args.rate)
            how = "as asked" if args.rate else f"{LOAD_FRACTION:.0%} of it, at most {MAX_RATE:.0f}"
            print(
                f"latency run: offering {rate:.0f} articles/s for {args.seconds:.0f} s = "
                f"{rate / one['rate']:.2f} of the 1-replica throughput ({how}), "
                f"{rate / top:.2f} of the ceiling",
                flush=True,
            )
            try:
                lat = latency(broker, work, web, rate, args.seconds, one["rate"])
            except Exception as exc:  # the runs before it still count: report, record, go on
                lat = Latency(rate, 0, 0, 0.0, 0.0, note=f"the latency run failed: {exc!r}")
            print(describe(lat), flush=True)
            per_core, wall = extraction(broker, work, web, args.pages)
            print(
                f"page fetch + extraction:   {per_core:7.0f} pages per crawler CPU s "
                f"({wall:.0f} pages/s wall clock)"
            )
        finally:
            web.stop()

    if not args.no_record:
        record(args, kb, one, two, top, lat, per_core)


def article_messages(articles: list[GeneratedArticle]) -> list[bytes]:
    """The corpus as the crawler would publish it, for the bare ceiling."""
    now = datetime.now(UTC)
    return [
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


def record(
    args: argparse.Namespace,
    kb: float,
    one: dict[str, Any],
    two: dict[str, Any],
    top: float,
    lat: Latency,
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
    found = lat.percentiles()
    latency_cell = (
        f"{found[0]:.2f}/{found[1]:.2f}/{found[2]:.2f}" if found else "none"
    ) + f" @ {lat.rate:.0f}"
    if lat.note:
        latency_cell += " (incomplete: nothing offered)"
    elif not lat.complete:
        latency_cell += f" (incomplete: {len(lat.seconds)}/{lat.expected} alerts)"
    row = (
        f"| {datetime.now(UTC):%Y-%m-%d %H:%M} | {machine} | {args.articles} x {kb:.1f} KB "
        f"| {one['rate']:.0f} | {two['rate']:.0f} | {top:.0f} | {one['rate'] / top:.2f} "
        f"| {latency_cell} "
        f"| {cpu['crawler']:.2f}/{cpu['classifier-1']:.2f}/{cpu['notifier']:.2f} "
        f"| {rss['crawler'] / 2**20:.0f}/{rss['classifier-1'] / 2**20:.0f}/"
        f"{rss['notifier'] / 2**20:.0f} | {per_core:.0f} |\n"
    )
    with RESULTS.open("a") as out:
        out.write(row)
    print(f"recorded in {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
