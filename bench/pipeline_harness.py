"""The pipeline bench's harness (bench/bench_pipeline.py runs the phases): a local web server
for feeds, pages and webhooks in its own process, per-process CPU and RSS from /proc, and one
run's topics and service processes.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web

from pactwatch_devtools import (
    FeedItem,
    GeneratedArticle,
    ServiceProcess,
    create_topics,
    free_port,
    wait_until,
)
from pactwatch_devtools.kafka import KafkaBroker

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

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
        return float(
            sum(p.metric(name) for role, p in self.procs.items() if role.startswith(prefix))
        )

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
