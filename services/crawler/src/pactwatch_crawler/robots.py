"""robots.txt: fetched once per host (scheme + host + port), cached, parsed by protego.

Rules follow StormCrawler and Google: a 4xx robots.txt (403 included) means no rules,
so everything is allowed; a 5xx or an unreachable server means "disallow for now" and is
asked again after a short while, not after the full TTL.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from protego import Protego

from .hosts import host_key

# Google reads the first 500 KiB of a robots.txt; the rest is ignored.
ROBOTS_MAX_BYTES = 512 * 1024

# (status, body) of GET /robots.txt; raises on network failure.
RobotsLoader = Callable[[str], Awaitable[tuple[int, bytes]]]


@dataclass(frozen=True)
class RobotsVerdict:
    allowed: bool
    crawl_delay: float | None
    reason: str  # "rules", "no_robots" (4xx), "robots_unavailable" (5xx/unreachable)


@dataclass
class _Entry:
    rules: Protego | None  # None: see `allow_all`
    allow_all: bool
    reason: str
    expires: float


class RobotsCache:
    """Answers "may this user agent fetch this URL?", loading each host's robots.txt once
    per `ttl` seconds (and once per `error_ttl` while it fails)."""

    def __init__(
        self,
        load: RobotsLoader,
        *,
        user_agent: str,
        ttl: float = 3600.0,
        error_ttl: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self.user_agent = user_agent
        self.ttl = ttl
        self.error_ttl = min(ttl, 300.0) if error_ttl is None else error_ttl
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._loading: dict[str, asyncio.Lock] = {}
        self.fetches = 0

    async def check(self, url: str) -> RobotsVerdict:
        key = host_key(url)
        entry = self._entries.get(key)
        if entry is None or entry.expires <= self._clock():
            lock = self._loading.setdefault(key, asyncio.Lock())
            async with lock:  # concurrent fetches to one host share one robots.txt request
                entry = self._entries.get(key)
                if entry is None or entry.expires <= self._clock():
                    entry = await self._refresh(key)
                    self._entries[key] = entry
            self._loading.pop(key, None)
        if entry.rules is None:
            return RobotsVerdict(entry.allow_all, None, entry.reason)
        allowed = bool(entry.rules.can_fetch(url, self.user_agent))
        delay = entry.rules.crawl_delay(self.user_agent)
        return RobotsVerdict(allowed, float(delay) if delay else None, entry.reason)

    async def _refresh(self, key: str) -> _Entry:
        self.fetches += 1
        now = self._clock()
        try:
            status, body = await self._load(key + "/robots.txt")
        except Exception:  # unreachable, timeout, too many redirects: try again soon
            return _Entry(None, False, "robots_unavailable", now + self.error_ttl)
        if status >= 500 or status == 429:
            return _Entry(None, False, "robots_unavailable", now + self.error_ttl)
        if status >= 400:
            return _Entry(None, True, "no_robots", now + self.ttl)
        if not 200 <= status < 300:
            return _Entry(None, True, "no_robots", now + self.ttl)
        text = body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
        try:
            rules = Protego.parse(text)
        except Exception:  # a robots.txt protego cannot read restricts nothing
            return _Entry(None, True, "no_robots", now + self.ttl)
        return _Entry(rules, True, "rules", now + self.ttl)
