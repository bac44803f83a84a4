"""`pactwatch-crawler`: start the crawler with settings from the environment.

Start-up order matters: the crawler topics exist -> the seen topic is read to its end (no
article is judged "new" before that) -> the replica joins the group and polls the sources
of the partitions it is given.
"""

from __future__ import annotations

import asyncio
import signal
import time

import structlog
from aiokafka.errors import KafkaError

from pactwatch_runtime import CountingProducer, bounded, run_service, start_ops_server

from .core.config import Settings
from .fetch import Fetcher
from .group import Crawler
from .metrics import NEAR_DUP_INDEX, ROBOTS_REFUSALS, SEEN, STANDARD
from .neardup import NearDuplicateIndex
from .seen import SeenLog, SeenRecord, SeenStore
from .shard import ensure_topics
from .sources import SourcesFileError, load_sources

log = structlog.get_logger("pactwatch.crawler")


async def _ensure_topics(settings: Settings, stopping: asyncio.Event) -> dict[str, int] | None:
    """The crawler topics' partition counts, waiting up to a minute for the broker."""
    wanted = {
        settings.sources_topic: settings.sources_topic_partitions,
        settings.seen_topic: settings.seen_topic_partitions,
    }
    for attempt in range(60):
        try:
            return await ensure_topics(settings.kafka_bootstrap, wanted)
        except (KafkaError, OSError, RuntimeError) as exc:
            log.warning("topics_not_ready", error=repr(exc), attempt=attempt + 1)
            if stopping.is_set():
                return None
            await asyncio.sleep(1)
    raise RuntimeError("crawler topics could not be created or described within a minute")


async def run(settings: Settings) -> None:
    sources = load_sources(settings.sources_file)
    stopping = asyncio.Event()
    crawler: Crawler | None = None

    def on_signal() -> None:
        stopping.set()
        if crawler is not None:
            crawler.stop()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal)

    caught_up = False
    ops = await start_ops_server(
        settings.http_host,
        settings.http_port,
        lambda: {
            "kafka": crawler is not None and crawler.broker_ok,
            "seen_caught_up": caught_up,
        },
    )
    log.info("starting", sources=len(sources), http_port=settings.http_port)
    try:
        counts = await _ensure_topics(settings, stopping)
        if counts is None:
            return
        near_duplicates = NearDuplicateIndex(max_distance=settings.near_duplicate_max_distance)
        store = SeenStore(settings.data_dir / "seen.sqlite3")
        window_start = time.time() - settings.near_duplicate_window_days * 86400

        def learn(records: list[SeenRecord]) -> None:
            for r in records:
                if (
                    r.simhash is not None
                    and r.duplicate_of is None
                    and r.first_seen >= window_start
                ):
                    near_duplicates.add(r.article_id, r.simhash, r.first_seen)

        learn(store.fingerprints(since=window_start))
        seen = SeenLog(settings.kafka_bootstrap, settings.seen_topic, store, learn)
        producer = CountingProducer(  # counts messages acked per topic
            STANDARD,
            bootstrap_servers=settings.kafka_bootstrap,
            client_id="pactwatch-crawler",
            enable_idempotence=True,  # retries inside the client cannot duplicate a message
            linger_ms=5,
            max_request_size=2 * 1024 * 1024,
            max_batch_size=1024 * 1024,  # articles are KBs: the 16 KB default batches ~4
        )
        fetcher = Fetcher(
            user_agent=settings.user_agent,
            timeout=settings.fetch_timeout_seconds,
            max_bytes=settings.max_response_bytes,
            max_redirects=settings.max_redirects,
            per_host_concurrency=settings.per_host_concurrency,
            per_host_delay=settings.per_host_delay_seconds,
            global_concurrency=settings.global_concurrency,
            robots_ttl=settings.robots_ttl_seconds,
            obey_robots=settings.obey_robots,
            on_robots_refusal=lambda _url: ROBOTS_REFUSALS.inc(),
        )
        await producer.start()
        try:
            await seen.start(counts[settings.seen_topic])
            catch_up = asyncio.create_task(seen.catch_up())
            waiting = asyncio.create_task(stopping.wait())
            await asyncio.wait({catch_up, waiting}, return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            if stopping.is_set():
                catch_up.cancel()
                return
            await catch_up
            caught_up = True
            SEEN.set(len(store))
            NEAR_DUP_INDEX.set(len(near_duplicates))
            crawler = Crawler(
                settings,
                sources,
                producer,
                fetcher,
                seen,
                near_duplicates,
                counts[settings.sources_topic],
            )
            if stopping.is_set():
                return
            log.info("started", sources=len(sources), seen=len(store))
            await crawler.run()
        finally:
            grace = settings.shutdown_grace_seconds
            await bounded(seen.stop(), grace, "seen_stop")
            await bounded(producer.stop(), grace, "producer_stop")  # flushes what is in flight
            await bounded(fetcher.aclose(), grace, "fetcher_close")
            store.close()
    finally:
        await ops.cleanup()
        log.info("stopped")


def main() -> None:
    run_service(
        "pactwatch-crawler",
        Settings,
        run,
        fatal={SourcesFileError: ("bad_sources_file", 2)},
    )


if __name__ == "__main__":
    main()
