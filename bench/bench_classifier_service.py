"""The classifier service's throughput over the real broker, next to the practical ceiling.

One run, one broker, the same messages:
1. ceiling: a bare aiokafka loop consumes the articles and produces one small message per
   article (decode + produce, no classification) — what one Python process can move;
2. service: the real `pactwatch-classifier` process (faust) consumes the same articles,
   classifies them and produces their events.
Prints articles/s for both, the ratio, and the service's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from pactwatch_devtools import ServiceProcess, create_topics, produce
from pactwatch_devtools.kafka import KafkaBroker
from pactwatch_schemas import Article, decode, encode

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "deploy" / "demo" / "articles"
FILLER = (
    "The city's statistics bureau published its quarterly figures on retail sales, "
    "industrial output and fixed-asset investment, which rose modestly compared with the "
    "same period last year. Officials attended a meeting on work safety and flood control, "
    "and called for steady progress on urban renewal projects in the old town district. "
)


def make_articles(n: int, size: int = 4096, event_share: float = 0.1) -> list[Article]:
    """~`size`-byte articles; `event_share` of them carry a demo signing/cooperation story."""
    stories = [p.read_text("utf-8").split("\n", 1) for p in sorted(DEMO.glob("0[1-4]*.txt"))]
    rng = random.Random(7)
    now = datetime.now(UTC)
    out = []
    for i in range(n):
        if rng.random() < event_share:
            title, body = rng.choice(stories)
        else:
            title, body = f"City notes, issue {i}", ""
        text = body
        while len(text.encode()) < size:
            text += "\n" + FILLER
        out.append(
            Article(
                schema_version=1,
                id=uuid.uuid4().hex,
                url=f"https://example.org/{i}",
                title=title,
                text=text[: size + 200],
                source_id="bench",
                fetched_at=now,
            )
        )
    return out


async def bare_loop(bootstrap: str, source: str, sink: str, n: int) -> float:
    """Consume + decode + produce one message per article, commit; returns articles/s."""
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=f"bare-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_poll_records=500,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, acks="all")
    await consumer.start()
    await producer.start()
    done = 0
    started = 0.0
    try:
        while done < n:
            batches = await consumer.getmany(timeout_ms=1000, max_records=500)
            if batches and not started:
                started = time.perf_counter()
            futures = []
            for records in batches.values():
                for record in records:
                    article = decode(Article, record.value)
                    futures.append(await producer.send(sink, article.id.encode(), key=record.key))
            await asyncio.gather(*futures)
            if batches:
                await consumer.commit()
            done += sum(len(r) for r in batches.values())
        return n / (time.perf_counter() - started)
    finally:
        await consumer.stop()
        await producer.stop()


def service_run(bootstrap: str, source: str, sink: str, n: int, work: Path) -> tuple[float, int]:
    """The real classifier process; returns articles/s and its peak RSS in bytes."""
    service = ServiceProcess.pactwatch(
        "classifier",
        {
            "PACTWATCH_KAFKA_BOOTSTRAP": bootstrap,
            "PACTWATCH_ARTICLES_TOPIC": source,
            "PACTWATCH_EVENTS_TOPIC": sink,
            "PACTWATCH_DEAD_LETTER_TOPIC": sink + ".dlq",
            "PACTWATCH_CLASSIFIER_APP_ID": f"bench-{uuid.uuid4().hex[:6]}",
        },
        data_dir=work / "classifier",
        log_path=work / "classifier.log",
    ).start()
    try:
        first = 0.0
        count = 0.0
        first_count = 0.0
        deadline = time.monotonic() + float(os.environ.get("BENCH_DEADLINE", "600"))
        while count < n and time.monotonic() < deadline:
            count = service.metric("pactwatch_classifier_articles_total")
            if count and not first:
                first, first_count = time.perf_counter(), count
            time.sleep(0.05)
        if count < n:
            raise RuntimeError(f"classifier did only {count} of {n}:\n{service.tail()}")
        rate = (n - first_count) / (time.perf_counter() - first)
        assert service.proc is not None
        rss = _peak_rss(service.proc.pid)
        return rate, rss
    finally:
        service.stop()


def _peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args()
    n = args.articles
    keep = os.environ.get("BENCH_WORK_DIR")
    with tempfile.TemporaryDirectory() as tmp, KafkaBroker() as broker:
        tmp = keep or tmp
        work = Path(tmp)
        names = ["bench.articles", "bench.bare-out", "bench.events", "bench.events.dlq"]
        asyncio.run(create_topics(broker.bootstrap, dict.fromkeys(names, 6)))
        articles = make_articles(n)
        avg_kb = sum(len(a.text.encode()) for a in articles) / n / 1024
        asyncio.run(
            produce(
                broker.bootstrap,
                "bench.articles",
                [encode(a) for a in articles],
                keys=[a.id.encode() for a in articles],
            )
        )
        ceiling = asyncio.run(bare_loop(broker.bootstrap, "bench.articles", "bench.bare-out", n))
        rate, rss = service_run(broker.bootstrap, "bench.articles", "bench.events", n, work)
    print(
        f"classifier service over Kafka: {n} articles of {avg_kb:.1f} KB, 6 partitions, one process"
    )
    print(f"  bare aiokafka consume+produce ceiling: {ceiling:8.0f} articles/s")
    print(f"  pactwatch-classifier (faust):          {rate:8.0f} articles/s")
    print(f"  ratio service/ceiling:                 {rate / ceiling:8.2f}")
    print(f"  classifier peak RSS:                   {rss / 2**20:8.0f} MB")


if __name__ == "__main__":
    main()
