"""`Poller.poll`: one poll of one source, the steps in their order."""

from __future__ import annotations

import asyncio
from functools import partial

from aiokafka import AIOKafkaProducer

from ..core.config import Settings
from ..fetch import Fetcher, FetchError
from ..listing import ListingError
from ..neardup import NearDuplicateIndex
from ..outcome import PollOutcome
from ..schedule import entry_spacing
from ..seen import SeenLog
from ..sources import Source
from ..state import SourceState
from ._cpu import CpuThread
from ._drop_seen import drop_seen
from ._fetch_listing import fetch_listing
from ._near_duplicates import mark_near_duplicates
from ._pages import build_articles
from ._parse_listing import parse_entries
from ._publish import publish


class Poller:
    """Polls sources, one poll at a time per source and any number of sources at once.

    Holds what the steps share: the HTTP fetcher, the CPU thread, the seen log and the
    near-duplicate index, the producer, and the article ids being published right now.
    """

    def __init__(
        self,
        settings: Settings,
        fetcher: Fetcher,
        seen: SeenLog,
        near_duplicates: NearDuplicateIndex,
        producer: AIOKafkaProducer,
    ) -> None:
        self._fetcher = fetcher
        self._seen = seen
        self._cpu = CpuThread()
        self._in_flight: set[str] = set()  # article ids being published by a poll here
        # The steps with what they need bound once; `poll` passes only what one poll has.
        s = settings
        self._parse_entries = partial(
            parse_entries,
            fetcher=fetcher,
            cpu=self._cpu,
            max_entries=s.max_entries_per_listing,
            max_child_sitemaps=s.max_child_sitemaps,
        )
        self._build_articles = partial(
            build_articles, fetcher=fetcher, cpu=self._cpu, max_pages=s.max_pages_per_poll
        )
        self._mark_near_duplicates = partial(
            mark_near_duplicates,
            index=near_duplicates,
            cpu=self._cpu,
            max_distance=s.near_duplicate_max_distance,
            min_chars=s.near_duplicate_min_chars,
        )
        self._publish = partial(
            publish, producer=producer, topic=s.articles_topic, seen=seen, index=near_duplicates
        )

    def close(self) -> None:
        self._cpu.close()

    async def poll(self, source: Source, state: SourceState, stop: asyncio.Event) -> PollOutcome:
        """Poll `source` once; what it found out, for the schedule and the metrics.

        `stop` cuts the article-page step short (a rebalance): what is left stays unseen
        for the next poll, wherever that runs.
        """
        try:
            fetched = await fetch_listing(self._fetcher, source, state)
        except FetchError as exc:
            return PollOutcome(exc.kind, ok=False, retry_after=exc.retry_after, detail=exc.detail)
        if fetched.status == 304:
            return PollOutcome(
                "304", ok=True, validators=fetched.validators, max_age=fetched.fresh_for
            )
        try:
            entries, ttl = await self._parse_entries(source, fetched)
        except ListingError as exc:
            return PollOutcome("not_a_listing", ok=False, detail=str(exc))
        with drop_seen(source, entries, self._seen.store, self._in_flight) as new:
            articles, complete = await self._build_articles(source, new, stop)
            articles, fingerprints = await self._mark_near_duplicates(source, articles)
            published = await self._publish(source, articles, fingerprints)
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
