"""The crawler's loop: for each source, fetch -> parse -> keep new -> publish -> remember.

Each source polls on its own schedule in its own task, so a slow or hostile source
delays nobody else. An article is remembered as published only after the broker
acknowledged it: a crash in between republishes (at least once), never loses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from datetime import UTC, datetime

import httpx
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from pactwatch_schemas import Article, encode

from . import metrics
from .core.config import Settings
from .fetch import FetchError, fetch
from .parse import FeedError, parse_feed
from .seen import SeenStore
from .sources import Source

log = structlog.get_logger("pactwatch.crawler")


class Crawler:
    def __init__(
        self, settings: Settings, sources: list[Source], producer: AIOKafkaProducer
    ) -> None:
        self.settings = settings
        self.sources = sources
        self.producer = producer
        self.seen = SeenStore(settings.data_dir / "seen.sqlite3")
        self.broker_ok = False
        self._failing: set[str] = set()
        self._stop = asyncio.Event()
        self._fetch_slots = asyncio.Semaphore(settings.max_concurrent_fetches)
        self._client = httpx.AsyncClient(
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.fetch_timeout_seconds),
            follow_redirects=True,
            max_redirects=5,
        )
        metrics.SOURCES.set(len(sources))

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        """Poll every source until `stop()`; then finish in-flight publishes and close."""
        tasks = [asyncio.create_task(self._watch(s), name=f"source:{s.id}") for s in self.sources]
        tasks.append(asyncio.create_task(self._watch_broker(), name="broker-check"))
        await self._stop.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._client.aclose()
        self.seen.close()

    async def _watch(self, source: Source) -> None:
        interval = source.interval_seconds or self.settings.default_interval_seconds
        # Spread the first polls so a restart does not hit every host at once.
        await self._sleep(random.uniform(0, min(interval, 2.0)))
        while not self._stop.is_set():
            await self.poll(source)
            await self._sleep(interval)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    async def poll(self, source: Source) -> int:
        """Poll one source once; return the number of articles published."""
        started = time.perf_counter()
        async with self._fetch_slots:
            try:
                fetched = await fetch(
                    self._client, str(source.url), max_bytes=self.settings.max_response_bytes
                )
            except FetchError as exc:
                self._failed(source, exc.kind, exc.detail)
                return 0
            finally:
                metrics.FETCH_SECONDS.observe(time.perf_counter() - started)
        metrics.BYTES.inc(len(fetched.body))
        try:
            parsed = parse_feed(fetched.body, source, fetched.url, datetime.now(UTC))
        except FeedError as exc:
            self._failed(source, "not_a_feed", str(exc))
            return 0
        for reason, count in parsed.skipped.items():
            metrics.ENTRIES_SKIPPED.labels(reason).inc(count)
        if parsed.bozo:
            log.info("feed_malformed_but_parsed", source=source.id, detail=parsed.bozo[:200])
        try:
            published = await self.publish_new(source, parsed.articles)
        except KafkaError as exc:
            self._failed(source, "publish", repr(exc))
            return 0
        metrics.FETCHES.labels(source.id, "ok").inc()
        metrics.LAST_SUCCESS.labels(source.id).set(time.time())
        self._failing.discard(source.id)
        metrics.FAILING.set(len(self._failing))
        log.info(
            "polled",
            source=source.id,
            entries=len(parsed.articles),
            published=published,
            seconds=round(time.perf_counter() - started, 3),
        )
        return published

    async def publish_new(self, source: Source, articles: list[Article]) -> int:
        """Publish the articles not seen before; remember those the broker acknowledged."""
        by_id = {a.id: a for a in articles}  # a feed may repeat an entry
        new_ids = self.seen.unseen(by_id)
        metrics.ALREADY_SEEN.inc(len(by_id) - len(new_ids))
        if not new_ids:
            return 0
        pending = [
            (
                i,
                await self.producer.send(
                    self.settings.articles_topic, encode(by_id[i]), key=i.encode()
                ),
            )
            for i in by_id
            if i in new_ids
        ]
        results = await asyncio.gather(*(f for _, f in pending), return_exceptions=True)
        done = [
            i
            for (i, _), r in zip(pending, results, strict=True)
            if not isinstance(r, BaseException)
        ]
        self.seen.mark(source.id, done)
        metrics.PUBLISHED.labels(source.id).inc(len(done))
        failed = len(pending) - len(done)
        if failed:
            metrics.PUBLISH_ERRORS.inc(failed)
            log.warning("publish_failed", source=source.id, failed=failed, published=len(done))
        return len(done)

    def _failed(self, source: Source, kind: str, detail: str) -> None:
        metrics.FETCHES.labels(source.id, kind).inc()
        self._failing.add(source.id)
        metrics.FAILING.set(len(self._failing))
        log.warning("poll_failed", source=source.id, kind=kind, detail=detail[:500])

    async def _watch_broker(self) -> None:
        """Keep `broker_ok` current for `/readyz`: metadata must come back within 5 s."""
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self.producer.client.fetch_all_metadata(), timeout=5)
                self.broker_ok = True
            except (KafkaError, TimeoutError, OSError):
                self.broker_ok = False
            await self._sleep(5)
