"""The notifier's delivery speed over the real broker, next to a bare HTTP client's.

One run, one broker, one local aiohttp webhook receiver (in its own thread):
1. baseline: a bare httpx loop POSTs alert-sized bodies to the receiver with the notifier's
   concurrency: what one Python process can push through this receiver;
2. throughput: N events are put on the events topic, then the real `pactwatch-notifier` process
   (one subscription, signed webhooks) is started: deliveries/s from first to last arrival;
3. latency: events produced at a steady rate to the running notifier: p50/p99 from the
   event's fetch time (set when produced) to the receiver accepting the alert.
Targets (issue 5): 1,000 deliveries/s per process, p99 under 250 ms.

The subscriptions database (and with it the delivery ledger, on the hot path) is the default
SQLite file, or with `--store postgresql` a real PostgreSQL started for the run
(`pactwatch_devtools.PostgresServer`, Debian's binaries, 127.0.0.1).

    .venv/bin/python bench/bench_notifier.py [--events 10000] [--rate 500] [--seconds 10]
        [--store sqlite|postgresql]      # or make bench-notifier STORE=postgresql
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from aiohttp import web
from aiokafka import AIOKafkaProducer

from pactwatch_devtools import (
    PostgresServer,
    ServiceProcess,
    create_topics,
    free_port,
    produce,
    wait_until,
)
from pactwatch_devtools.kafka import KafkaBroker
from pactwatch_schemas import ArticleRef, Event, encode

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
CONCURRENCY = 50  # the notifier's default per-subscription limit
BARE_CPU: list[float] = []  # CPU seconds per POST of the bare aiohttp loop (this process)


def _receiver_main(port: int) -> None:
    """The receiver process: records the first arrival time of each webhook-id."""
    arrivals: dict[str, float] = {}
    counts = {"requests": 0}

    async def hook(request: web.Request) -> web.Response:
        await request.read()
        counts["requests"] += 1
        arrivals.setdefault(request.headers.get("webhook-id", ""), time.time())
        return web.Response(status=204)

    async def stats(_: web.Request) -> web.Response:
        return web.json_response({"requests": counts["requests"], "arrivals": arrivals})

    async def reset(_: web.Request) -> web.Response:
        arrivals.clear()
        counts["requests"] = 0
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    app.router.add_get("/stats", stats)
    app.router.add_post("/reset", reset)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


class Receiver:
    """aiohttp webhook receiver in its own process, so it does not share a GIL with the
    client under test."""

    def __init__(self) -> None:
        self.port = free_port()
        self._proc = multiprocessing.Process(target=_receiver_main, args=(self.port,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> Receiver:
        self._proc.start()
        wait_until(lambda: self.stats(), 10, "the receiver", interval=0.05)
        return self

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.join(5)

    def stats(self) -> dict[str, Any]:
        data: dict[str, Any] = httpx.get(f"http://127.0.0.1:{self.port}/stats", timeout=30).json()
        return data

    def count(self) -> int:
        return len(self.stats()["arrivals"])

    def reset(self) -> None:
        httpx.post(f"http://127.0.0.1:{self.port}/reset", timeout=10)


def make_event(n: int, fetched_at: datetime) -> Event:
    event_id = uuid.uuid4().hex
    return Event(
        schema_version=1,
        event_id=event_id,
        type="signing",
        cameo="057",
        confidence=0.9,
        parties=["Wuxi Municipal Government", f"Company {n} (Wuxi) Co., Ltd."],
        evidence="The municipal government signed a strategic cooperation agreement " * 8,
        evidence_spans=[(0, 60)],
        locations=["Wuxi"],
        sectors=["biomedicine"],
        fingerprint=event_id,
        article=ArticleRef(
            id=event_id,
            url=f"https://news.example.org/{n}",
            title=f"Wuxi signs a strategic cooperation agreement with company {n}",
            source_id="bench",
            fetched_at=fetched_at,
        ),
        detected_at=fetched_at,
    )


async def baseline_aiohttp(url: str, n: int, body: bytes) -> float:
    """A bare aiohttp POST loop with CONCURRENCY workers (the notifier's client library)."""
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        queue = iter(range(n))

        async def worker() -> None:
            for i in queue:
                headers = {"webhook-id": f"base_{i}", "content-type": "application/json"}
                async with session.post(url, data=body, headers=headers) as r:
                    r.raise_for_status()
                    await r.read()

        start, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        BARE_CPU.append((time.process_time() - cpu) / n)
        return n / (time.perf_counter() - start)


async def baseline_httpx(url: str, n: int, body: bytes) -> float:
    """The same loop with httpx (what the first release used), for reference."""
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, timeout=15) as client:
        queue = iter(range(n))

        async def worker() -> None:
            for i in queue:
                headers = {"webhook-id": f"base_{i}", "content-type": "application/json"}
                (await client.post(url, content=body, headers=headers)).raise_for_status()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return n / (time.perf_counter() - start)


async def produce_at_rate(
    bootstrap: str, topic: str, rate: float, seconds: float
) -> dict[str, float]:
    """Produce `rate` events/s for `seconds`; returns webhook-id -> fetched_at (epoch)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=1)
    await producer.start()
    sent: dict[str, float] = {}
    try:
        start = time.perf_counter()
        n = 0
        while (elapsed := time.perf_counter() - start) < seconds:
            due = int(elapsed * rate)
            while n < due:
                now = datetime.now(UTC)
                event = make_event(n, now)
                await producer.send("bench.events", encode(event))
                sent[f"msg_bench_{event.event_id}"] = now.timestamp()
                n += 1
            await asyncio.sleep(0.002)
        await producer.flush()
    finally:
        await producer.stop()
    return sent


def ledger_report(notifier: ServiceProcess) -> None:
    """What the delivery ledger cost: batches (one transaction each), their size and time."""
    prefix = "pactwatch_notifier_ledger_batch"
    batches = notifier.metric(f"{prefix}_seconds_count")
    seconds = notifier.metric(f"{prefix}_seconds_sum")
    requests = notifier.metric(f"{prefix}_requests_sum")
    if batches:
        print(
            f"ledger    {batches:.0f} batches, {requests / batches:.1f} requests each,"
            f" {seconds / batches * 1000:.2f} ms each ({seconds / requests * 1e6:.0f} µs a request)"
        )


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=500.0, help="events/s in the latency phase")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the latency phase")
    parser.add_argument(
        "--store", choices=["sqlite", "postgresql"], default="sqlite", help="the ledger's database"
    )
    args = parser.parse_args()
    print(f"store     {args.store} (subscriptions database and delivery ledger)")

    receiver = Receiver().start()
    sample = make_event(0, datetime.now(UTC))
    body = b'{"schema_version":1,"type":"pactwatch.alert","event":' + encode(sample) + b"}"
    base_rate = asyncio.run(baseline_aiohttp(receiver.url, args.events, body))
    print(f"baseline  bare aiohttp POST loop ({CONCURRENCY} concurrent):   {base_rate:8.0f} /s")
    httpx_rate = asyncio.run(baseline_httpx(receiver.url, min(args.events, 3000), body))
    print(f"          bare httpx POST loop, for reference:       {httpx_rate:8.0f} /s")
    receiver.reset()

    with (
        tempfile.TemporaryDirectory() as tmp,
        KafkaBroker() as broker,
        PostgresServer() if args.store == "postgresql" else contextlib.nullcontext() as pg,
    ):
        database = (
            {} if pg is None else {"PACTWATCH_NOTIFIER_DATABASE_URL": pg.create_database("bench")}
        )
        asyncio.run(
            create_topics(
                broker.bootstrap, {"bench.events": 6, "bench.retry": 6, "bench.deadletter": 3}
            )
        )
        now = datetime.now(UTC)
        events = [make_event(n, now) for n in range(args.events)]
        asyncio.run(produce(broker.bootstrap, "bench.events", [encode(e) for e in events]))
        subs = Path(tmp) / "subs.yaml"
        subs.write_text(
            f"subscriptions:\n  - id: bench\n    webhook: {{url: '{receiver.url}', "
            f"secrets: ['{SECRET}']}}\n"
        )
        notifier = ServiceProcess.pactwatch(
            "notifier",
            {
                "PACTWATCH_KAFKA_BOOTSTRAP": broker.bootstrap,
                "PACTWATCH_EVENTS_TOPIC": "bench.events",
                "PACTWATCH_DEAD_LETTER_TOPIC": "bench.deadletter",
                "PACTWATCH_NOTIFIER_RETRY_TOPIC": "bench.retry",
                "PACTWATCH_NOTIFIER_SUBSCRIPTIONS_FILE": str(subs),
                "PACTWATCH_NOTIFIER_GROUP_ID": "bench",
                "PACTWATCH_NOTIFIER_LOG_LEVEL": "WARNING",
                "PACTWATCH_NOTIFIER_WEBHOOK_ALLOWLIST": '["127.0.0.1/32"]',
                **database,
            },
            data_dir=Path(tmp) / "data",
            log_path=Path(tmp) / "notifier.log",
        )
        notifier.start()
        try:
            wait_until(lambda: receiver.count() > 0, 120, "the first delivery", interval=0.05)
            cpu_at, count_at = notifier.metric("process_cpu_seconds_total"), receiver.count()
            wait_until(
                lambda: receiver.count() >= args.events,
                600,
                f"{args.events} deliveries",
                interval=0.5,
            )
            stats = receiver.stats()
            times = sorted(stats["arrivals"].values())
            rate = (len(times) - 1) / (times[-1] - times[0])
            print(
                f"notifier  {args.events} queued events -> signed webhooks:   {rate:8.0f} /s"
                f"   ({rate / base_rate:.0%} of the bare loop; target 1,000/s)"
            )
            assert stats["requests"] == args.events, "a delivery was made twice"
            cpu = (notifier.metric("process_cpu_seconds_total") - cpu_at) / (args.events - count_at)
            print(
                f"cpu       notifier {cpu * 1e6:.0f} µs a delivery, bare loop"
                f" {BARE_CPU[0] * 1e6:.0f} µs a POST ({BARE_CPU[0] / cpu:.0%})"
            )
            ledger_report(notifier)

            receiver.reset()
            sent = asyncio.run(
                produce_at_rate(broker.bootstrap, "bench.events", args.rate, args.seconds)
            )
            wait_until(lambda: receiver.count() >= len(sent), 60, "latency phase", interval=0.5)
            arrivals = receiver.stats()["arrivals"]
            latencies = [(arrivals[k] - v) * 1000 for k, v in sent.items()]
            print(
                f"latency   at {args.rate:.0f} events/s for {args.seconds:.0f} s "
                f"({len(sent)} alerts): p50 {percentile(latencies, 0.5):.1f} ms, "
                f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms"
                "   (target p99 < 250 ms)"
            )
        finally:
            code = notifier.stop()
            receiver.stop()
            if code != 0:
                print(notifier.tail())


if __name__ == "__main__":
    main()
