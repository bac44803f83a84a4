"""The crawler: owns the sources of its partitions and polls each on its own schedule.

One poll of a source, top to bottom (`Crawler.poll`):

    fetch listing (conditional GET) -> parse listing -> drop seen entries
    -> build articles (article page + main-text extraction, feed summary as fallback)
    -> mark near-duplicates -> publish (acked) -> remember as seen

Each owned source runs in its own task, so a slow or hostile source delays nobody else.
After every poll the source's schedule state goes to the compacted sources topic, so the
replica that owns the source next (after a rebalance or a restart) continues from there.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from pactwatch_runtime import BrokerWatch, bounded, finish_or_cancel
from pactwatch_schemas import Article, encode, limits

from . import metrics
from .core.config import Settings
from .extract import extract_article
from .fetch import Fetched, Fetcher, FetchError, Validators
from .listing import Entry, ListingError, parse_listing
from .neardup import NearDuplicateIndex, hamming, simhash
from .outcome import PollOutcome
from .schedule import Bounds, bounds_for, entry_spacing, is_failing, reschedule, resume
from .seen import SeenLog, SeenRecord
from .shard import Assignments, load_states, partition_for
from .sources import Source
from .state import SourceState

log = structlog.get_logger("pactwatch.crawler")
T = TypeVar("T")


@dataclass(slots=True)
class _Watch:
    """An owned source's running task and the event that asks it to stop."""

    task: asyncio.Task[None]
    stop: asyncio.Event


class Crawler:
    def __init__(
        self,
        settings: Settings,
        sources: Sequence[Source],
        producer: AIOKafkaProducer,
        fetcher: Fetcher,
        seen: SeenLog,
        near_duplicates: NearDuplicateIndex,
        partitions: int,
    ) -> None:
        self.settings = settings
        self.sources = {s.id: s for s in sources}
        self.producer = producer
        self.fetcher = fetcher
        self.seen = seen
        self.near_duplicates = near_duplicates
        self.partitions = partitions
        self._broker: BrokerWatch | None = None
        self._by_partition: dict[int, list[Source]] = {}
        for source in sources:
            self._by_partition.setdefault(partition_for(source.id, partitions), []).append(source)
        self._watches: dict[str, _Watch] = {}
        self._failing: set[str] = set()
        self._inflight: set[str] = set()  # article ids being published by a poll here
        self._assigned: set[int] = set()
        self._consumer: AIOKafkaConsumer | None = None
        self._stop = asyncio.Event()
        # CPU-bound steps (parsing, extraction, fingerprints) run on ONE worker thread: the
        # event loop then competes for the GIL with a single thread and stays responsive
        # (/metrics, heartbeats, publishing); a pool of them would starve it.
        self._cpu = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crawler-cpu")
        metrics.SOURCES.set(len(sources))
        # Series start at 0, so dashboards and alert rules see them before the first event.
        for source in sources:
            for counter in (metrics.PUBLISHED, metrics.ALREADY_SEEN, metrics.NEAR_DUPLICATES):
                counter.labels(source.id)
        for outcome in ("extracted", "no_text"):
            metrics.PAGES.labels(outcome)

    # --- lifecycle ---------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    @property
    def broker_ok(self) -> bool:
        """Whether the broker answered the last check (for `/readyz`)."""
        return self._broker is not None and self._broker.ok

    async def _off_loop(self, work: Callable[[], T]) -> T:
        """Run CPU-bound `work` on the crawler's worker thread."""
        return await asyncio.get_running_loop().run_in_executor(self._cpu, work)

    async def run(self) -> None:
        """Join the group, poll the sources of the partitions it assigns until `stop()`;
        then finish in-flight polls (saving their state) before leaving the group."""
        s = self.settings
        session_ms = int(s.session_timeout_seconds * 1000)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=s.kafka_bootstrap,
            group_id=s.group_id,
            client_id="pactwatch-crawler",
            enable_auto_commit=False,  # nothing to commit: state lives in the records
            auto_offset_reset="latest",
            session_timeout_ms=session_ms,
            heartbeat_interval_ms=max(1000, session_ms // 4),
        )
        self._consumer = consumer
        consumer.subscribe([s.sources_topic], listener=Assignments(self._assign, self._revoke))
        await consumer.start()
        self._broker = BrokerWatch(self.producer.client)
        helpers = [
            asyncio.create_task(self.seen.run(self._stop), name="seen-tail"),
            asyncio.create_task(self._broker.run(self._stop), name="broker-check"),
            asyncio.create_task(self._prune_near_duplicates(), name="near-dup-prune"),
        ]
        try:
            while not self._stop.is_set():
                # Drives heartbeats and rebalances; the partitions are paused, so no records.
                try:
                    await consumer.getmany(timeout_ms=500)
                except KafkaError as exc:
                    log.warning("group_poll_failed", error=repr(exc))
                    await asyncio.sleep(1)
        finally:
            grace = s.shutdown_grace_seconds
            await self._stop_watches(set(self._watches), grace=grace)
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            # Leaves the group, so the others take over at once; bounded, since a broker
            # that is away would otherwise hold the shutdown.
            await bounded(consumer.stop(), grace, "group_leave")
            self._cpu.shutdown(wait=False, cancel_futures=True)

    async def _assign(self, partitions: set[int]) -> None:
        """Load the state of the sources in `partitions` and start polling them."""
        metrics.REBALANCES.inc()
        if self._consumer is not None:
            self._consumer.pause(
                *(TopicPartition(self.settings.sources_topic, p) for p in partitions)
            )
        states = await self._load_states(partitions)
        self._assigned = set(partitions)
        now = time.time()
        for partition in sorted(partitions):
            for source in self._by_partition.get(partition, []):
                if source.id in self._watches:
                    continue
                state = self._resume(source, states.get(source.id), now)
                stop = asyncio.Event()
                task = asyncio.create_task(
                    self._watch(source, state, stop), name=f"source:{source.id}"
                )
                self._watches[source.id] = _Watch(task, stop)
        metrics.PARTITIONS.set(len(self._assigned))
        metrics.OWNED.set(len(self._watches))
        log.info(
            "partitions_assigned",
            partitions=sorted(partitions),
            sources=len(self._watches),
            states_loaded=len(states),
        )

    async def _load_states(self, partitions: set[int]) -> dict[str, SourceState]:
        """The stored states of `partitions`; after repeated broker errors, none (the sources
        then start afresh: polled early once, but still by this replica alone)."""
        for attempt in range(1, 6):
            try:
                return await load_states(
                    self.settings.kafka_bootstrap, self.settings.sources_topic, partitions
                )
            except (KafkaError, OSError) as exc:
                log.warning("state_load_failed", error=repr(exc), attempt=attempt)
                await asyncio.sleep(attempt)
        log.error("state_load_gave_up", partitions=sorted(partitions))
        return {}

    async def _revoke(self, partitions: set[int]) -> None:
        """Stop the sources of `partitions`; return only when none of them is mid-poll."""
        ids = {s.id for p in partitions for s in self._by_partition.get(p, [])}
        await self._stop_watches(ids & set(self._watches))
        self._assigned -= partitions
        metrics.PARTITIONS.set(len(self._assigned))
        log.info("partitions_revoked", partitions=sorted(partitions), sources=len(ids))

    async def _stop_watches(self, ids: set[str], grace: float | None = None) -> None:
        """Stop the polls of `ids`; with a `grace`, cancel those still running after it
        (a cancelled poll fetches nothing more, so the sources are still never shared)."""
        watches = [self._watches.pop(i) for i in ids if i in self._watches]
        for watch in watches:
            watch.stop.set()
        late = await finish_or_cancel((w.task for w in watches), grace)
        if late:
            log.warning("polls_cancelled_at_shutdown", polls=len(late))
        for source_id in ids:
            self._failing.discard(source_id)
            for gauge in (metrics.LAST_SUCCESS, metrics.INTERVAL, metrics.CONSECUTIVE_FAILURES):
                with contextlib.suppress(KeyError):
                    gauge.remove(source_id)
        metrics.FAILING.set(len(self._failing))
        metrics.OWNED.set(len(self._watches))

    def _bounds(self, source: Source) -> Bounds:
        s = self.settings
        return bounds_for(source, Bounds(s.min_interval_seconds, s.max_interval_seconds))

    def _resume(self, source: Source, stored: SourceState | None, now: float) -> SourceState:
        return resume(
            source,
            stored,
            bounds=self._bounds(source),
            default_interval=self.settings.default_interval_seconds,
            now=now,
        )

    # --- one source ----------------------------------------------------------------------

    async def _watch(self, source: Source, state: SourceState, stop: asyncio.Event) -> None:
        """Poll `source` whenever it is due, until `stop`; save the state after each poll."""
        self._show_state(source, state)
        while not stop.is_set():
            delay = state.next_due - time.time()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=delay)
                if stop.is_set():
                    return
            started = time.perf_counter()
            try:
                outcome = await self.poll(source, state, stop)
            except Exception as exc:  # a bug or input nobody foresaw: count it, keep going
                log.exception("poll_crashed", source=source.id)
                outcome = PollOutcome("internal_error", ok=False, detail=repr(exc)[:500])
            metrics.STANDARD.processing.observe(time.perf_counter() - started)
            state = reschedule(
                state,
                outcome,
                bounds=self._bounds(source),
                failing_after=self.settings.failing_after,
                now=time.time(),
            )
            self._record(source, state, outcome)
            try:
                await self._save_state(state)
            except KafkaError as exc:
                log.warning("state_not_saved", source=source.id, error=repr(exc))

    def _record(self, source: Source, state: SourceState, outcome: PollOutcome) -> None:
        """Metrics and logs of one poll."""
        metrics.FETCHES.labels(source.id, outcome.outcome).inc()
        self._show_state(source, state)
        if outcome.ok:
            if source.id in self._failing:
                log.info("source_recovered", source=source.id)
            self._failing.discard(source.id)
            event = log.info if outcome.published or outcome.outcome != "304" else log.debug
            event(
                "polled",
                source=source.id,
                outcome=outcome.outcome,
                new=outcome.new_entries,
                published=outcome.published,
                next_in=round(state.next_due - time.time(), 1),
            )
        else:
            failing = is_failing(state.failures, self.settings.failing_after)
            if failing and source.id not in self._failing:
                log.error(
                    "source_failing",
                    source=source.id,
                    failures=state.failures,
                    retry_in=round(state.next_due - time.time(), 1),
                    last_error=state.last_error,
                )
            if failing:
                self._failing.add(source.id)
            log.warning(
                "poll_failed",
                source=source.id,
                kind=outcome.outcome,
                detail=outcome.detail[:500],
                failures=state.failures,
                retry_in=round(state.next_due - time.time(), 1),
            )
        metrics.FAILING.set(len(self._failing))

    def _show_state(self, source: Source, state: SourceState) -> None:
        metrics.INTERVAL.labels(source.id).set(state.interval)
        metrics.CONSECUTIVE_FAILURES.labels(source.id).set(state.failures)
        if state.last_success is not None:
            metrics.LAST_SUCCESS.labels(source.id).set(state.last_success)

    async def _save_state(self, state: SourceState) -> None:
        """Write the state to the source's partition and wait for the broker: a replica
        taking the source over reads it (revocation waits for this write)."""
        future = await self.producer.send(
            self.settings.sources_topic,
            state.encode(),
            key=state.source_id.encode(),
            partition=partition_for(state.source_id, self.partitions),
        )
        await future

    # --- the poll pipeline ----------------------------------------------------------------

    async def poll(self, source: Source, state: SourceState, stop: asyncio.Event) -> PollOutcome:
        """Poll `source` once. `stop` cuts the article-page phase short (a rebalance)."""
        try:
            fetched = await self._fetch_listing(source, state)
        except FetchError as exc:
            return PollOutcome(exc.kind, ok=False, retry_after=exc.retry_after, detail=exc.detail)
        if fetched.status == 304:
            return PollOutcome(
                "304", ok=True, validators=fetched.validators, max_age=fetched.fresh_for
            )
        try:
            entries, ttl = await self._parse_listing(source, fetched)
        except ListingError as exc:
            return PollOutcome("not_a_listing", ok=False, detail=str(exc))
        new = self._drop_seen(source, entries)
        try:
            articles, complete = await self._build_articles(source, new, stop)
            articles, fingerprints = await self._mark_near_duplicates(source, articles)
            published = await self._publish(source, articles, fingerprints)
        finally:
            self._inflight.difference_update(e.article_id for e in new)
        if published < len(articles):
            # Keep the old validators: the next poll must see these entries again.
            return PollOutcome("publish_error", ok=False, detail="the broker refused articles")
        return PollOutcome(
            "200",
            ok=True,
            # Entries left for later (page cap, rebalance) need a full listing next time.
            validators=fetched.validators if complete else None,
            new_entries=len(new),
            published=published,
            spacing=entry_spacing(e.published_at for e in entries),
            max_age=fetched.fresh_for,
            ttl=ttl,
        )

    async def _fetch_listing(self, source: Source, state: SourceState) -> Fetched:
        """Conditional GET of the source's listing with the validators of the last poll."""
        started = time.perf_counter()
        try:
            fetched = await self.fetcher.fetch(
                str(source.url),
                validators=Validators(state.etag, state.last_modified),
                accept="html" if source.kind == "html" else "feed",
            )
        finally:
            metrics.FETCH_SECONDS.labels("listing").observe(time.perf_counter() - started)
        metrics.BYTES.labels("listing").inc(len(fetched.body))
        return fetched

    async def _parse_listing(
        self, source: Source, fetched: Fetched
    ) -> tuple[list[Entry], float | None]:
        """Entries of the listing (a sitemap index's child sitemaps included) and its TTL."""
        # CPU-bound parsing runs in a thread, so /metrics, heartbeats and the other sources'
        # polls keep their turn on the event loop while a big listing is parsed.
        limit = self.settings.max_entries_per_listing
        listing = await self._off_loop(lambda: parse_listing(fetched, source, max_entries=limit))
        for reason, count in listing.skipped.items():
            metrics.ENTRIES_SKIPPED.labels(reason).inc(count)
        if listing.bozo:
            log.info("listing_malformed_but_parsed", source=source.id, detail=listing.bozo[:200])
        entries = list(listing.entries)
        for child_url in listing.sitemaps[: self.settings.max_child_sitemaps]:
            try:
                child = await self.fetcher.fetch(child_url, accept="feed")
                child_listing = await self._off_loop(
                    partial(parse_listing, child, source, max_entries=limit)
                )
                entries.extend(child_listing.entries)
            except (FetchError, ListingError) as exc:
                metrics.ENTRIES_SKIPPED.labels("child_sitemap_failed").inc()
                log.info(
                    "child_sitemap_failed", source=source.id, url=child_url, error=str(exc)[:200]
                )
        return entries, listing.ttl_seconds

    def _drop_seen(self, source: Source, entries: list[Entry]) -> list[Entry]:
        """The entries whose article was never published (nor is being published here now),
        first occurrence only. Claims them, so a concurrent poll here skips them."""
        by_id: dict[str, Entry] = {}
        for entry in entries:
            by_id.setdefault(entry.article_id, entry)
        unseen = self.seen.store.unseen(by_id) - self._inflight
        metrics.ALREADY_SEEN.labels(source.id).inc(len(by_id) - len(unseen))
        new = [e for i, e in by_id.items() if i in unseen]
        self._inflight.update(e.article_id for e in new)
        return new

    async def _build_articles(
        self, source: Source, entries: list[Entry], stop: asyncio.Event
    ) -> tuple[list[Article], bool]:
        """An article per entry, and whether every entry was handled. Pages are fetched for
        at most `max_pages_per_poll` entries; the rest stay unseen for the next poll, as do
        all left when `stop` is set (a rebalance should not wait for a hundred pages)."""
        articles: list[Article] = []
        pages = 0
        fetched_at = datetime.now(UTC)
        for entry in entries:
            needs_page = source.fetch_pages and not entry.full_text
            if needs_page:
                if stop.is_set() or pages >= self.settings.max_pages_per_poll:
                    metrics.ENTRIES_SKIPPED.labels("deferred").inc()
                    return articles, False
                pages += 1
            article = await self._build_article(source, entry, needs_page, fetched_at)
            if article is not None:
                articles.append(article)
        return articles, True

    async def _build_article(
        self, source: Source, entry: Entry, fetch_page: bool, fetched_at: datetime
    ) -> Article | None:
        title, text = entry.title, entry.summary
        published_at, language = entry.published_at, entry.language
        if fetch_page:
            page = await self._fetch_page(entry.url)
            if page is not None:
                title = title or page.title or ""
                text = page.text or text
                published_at = published_at or page.published_at
                language = page.language or language
        if not text and not title:
            metrics.ENTRIES_SKIPPED.labels("no_text").inc()
            return None
        if len(entry.url) > limits.MAX_URL_CHARS:
            metrics.ENTRIES_SKIPPED.labels("url_too_long").inc()
            return None
        try:
            return Article(
                schema_version=1,
                id=entry.article_id,
                url=entry.url,
                title=(title or "")[: limits.MAX_TITLE_CHARS],
                text=(text or "")[: limits.MAX_ARTICLE_TEXT_CHARS],
                source_id=source.id,
                source_tags=source.tags,
                language=(language or source.language or None),
                published_at=published_at,
                fetched_at=fetched_at,
            )
        except ValidationError as exc:
            metrics.ENTRIES_SKIPPED.labels("invalid").inc()
            log.info("entry_invalid", source=source.id, url=entry.url[:300], error=str(exc)[:300])
            return None

    async def _fetch_page(self, url: str) -> _Page | None:
        """The article page's main text, or None (counted) when it can't be had."""
        started = time.perf_counter()
        try:
            fetched = await self.fetcher.fetch(url, accept="html")
        except FetchError as exc:
            metrics.PAGES.labels(exc.kind).inc()
            log.info("page_failed", url=url[:300], kind=exc.kind, detail=exc.detail[:200])
            return None
        finally:
            metrics.FETCH_SECONDS.labels("page").observe(time.perf_counter() - started)
        metrics.BYTES.labels("page").inc(len(fetched.body))
        extracted = await self._off_loop(
            lambda: extract_article(fetched.body, fetched.url, fetched.charset)
        )
        if extracted is None or not extracted.text:
            metrics.PAGES.labels("no_text").inc()
            return None
        metrics.PAGES.labels("extracted").inc()
        return _Page(extracted.title, extracted.text, extracted.published_at, extracted.language)

    async def _mark_near_duplicates(
        self, source: Source, articles: list[Article]
    ) -> tuple[list[Article], dict[str, int]]:
        """Set `duplicate_of` on articles whose text matches an earlier article's (in the
        shared window, or earlier in this batch); also return the originals' fingerprints."""
        distance = self.settings.near_duplicate_max_distance
        min_chars = self.settings.near_duplicate_min_chars
        hashes = await self._off_loop(
            lambda: [simhash(a.text) if len(a.text) >= min_chars else None for a in articles]
        )
        batch: list[tuple[str, int]] = []
        out: list[Article] = []
        fingerprints: dict[str, int] = {}
        for article, fingerprint in zip(articles, hashes, strict=True):
            if fingerprint is None:
                out.append(article)
                continue
            first = self.near_duplicates.find(fingerprint)
            if first is None:
                first = next((i for i, f in batch if hamming(f, fingerprint) <= distance), None)
            if first is not None and first != article.id:
                metrics.NEAR_DUPLICATES.labels(source.id).inc()
                log.info("near_duplicate", source=source.id, article=article.id, duplicate_of=first)
                out.append(article.model_copy(update={"duplicate_of": first}))
                continue
            batch.append((article.id, fingerprint))
            fingerprints[article.id] = fingerprint
            out.append(article)
        return out, fingerprints

    async def _publish(
        self, source: Source, articles: list[Article], fingerprints: dict[str, int]
    ) -> int:
        """Publish, wait for the broker's acks, then record the acked ones as seen (topic,
        local cache, near-duplicate index). Returns how many were acked."""
        if not articles:
            return 0
        # Enqueue one by one (each send returns once its batch has room), then wait for all
        # acks: hundreds of concurrent sends would each be woken on every batch drain.
        loop = asyncio.get_running_loop()
        acks: list[asyncio.Future[object]] = []
        for article in articles:
            try:
                acks.append(await self._send_article(article))
            except KafkaError as exc:  # refused at once: an already-failed ack
                refused: asyncio.Future[object] = loop.create_future()
                refused.set_exception(exc)
                acks.append(refused)
        results = await asyncio.gather(*acks, return_exceptions=True)
        acked = [
            a for a, r in zip(articles, results, strict=True) if not isinstance(r, BaseException)
        ]
        now = time.time()
        records = [
            SeenRecord(
                article_id=a.id,
                source_id=source.id,
                first_seen=now,
                simhash=None if a.duplicate_of else fingerprints.get(a.id),
                duplicate_of=a.duplicate_of,
            )
            for a in acked
        ]
        for record in records:
            if record.simhash is not None:
                self.near_duplicates.add(record.article_id, record.simhash, now)
        try:
            await self.seen.publish(self.producer, records)
        except KafkaError as exc:
            # Published and remembered here; other replicas may publish these again.
            log.warning("seen_records_not_written", source=source.id, error=repr(exc))
        metrics.PUBLISHED.labels(source.id).inc(len(acked))
        metrics.SEEN.set(len(self.seen.store))
        metrics.NEAR_DUP_INDEX.set(len(self.near_duplicates))
        failed = len(articles) - len(acked)
        if failed:
            metrics.PUBLISH_ERRORS.inc(failed)
            log.warning("publish_failed", source=source.id, failed=failed, published=len(acked))
        return len(acked)

    async def _send_article(self, article: Article) -> asyncio.Future[object]:
        """Enqueue one article; the returned future resolves on the broker's ack."""
        future: asyncio.Future[object] = await self.producer.send(
            self.settings.articles_topic, encode(article), key=article.id.encode()
        )
        return future

    # --- housekeeping --------------------------------------------------------------------

    async def _prune_near_duplicates(self) -> None:
        """Drop fingerprints older than the window, hourly."""
        window = self.settings.near_duplicate_window_days * 86400
        while not self._stop.is_set():
            self.near_duplicates.prune(time.time() - window)
            metrics.NEAR_DUP_INDEX.set(len(self.near_duplicates))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=3600)


@dataclass(frozen=True, slots=True)
class _Page:
    title: str | None
    text: str
    published_at: datetime | None
    language: str | None
