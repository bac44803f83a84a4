"""robots.txt rules: cached per host, 4xx allows all, 5xx/unreachable disallows for a while."""

from __future__ import annotations

import pytest

from pactwatch_crawler.robots import RobotsCache

pytestmark = pytest.mark.unit

UA = "PactwatchBot/0.1 (+https://example.org/bot)"
RULES = b"""User-agent: *
Disallow: /private/
Crawl-delay: 2

User-agent: PactwatchBot
Disallow: /no-pactwatch/
Allow: /
"""


class Loader:
    """Answers robots.txt requests from a script; counts them."""

    def __init__(self, answer: tuple[int, bytes] | Exception) -> None:
        self.answer = answer
        self.calls: list[str] = []

    async def __call__(self, url: str) -> tuple[int, bytes]:
        self.calls.append(url)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_rules_for_our_agent_and_cache_per_host() -> None:
    loader = Loader((200, RULES))
    cache = RobotsCache(loader, user_agent=UA)
    assert not (await cache.check("https://a.org/no-pactwatch/x")).allowed
    assert (await cache.check("https://a.org/private/x")).allowed  # our group allows it
    assert (await cache.check("https://a.org/news/1")).allowed
    await cache.check("https://A.org:443/other")  # same scheme+host+port
    assert loader.calls == ["https://a.org:443/robots.txt"]
    await cache.check("http://a.org/other")  # another scheme is another robots.txt
    await cache.check("https://a.org:8443/other")
    assert len(loader.calls) == 3


async def test_crawl_delay_is_reported() -> None:
    cache = RobotsCache(
        Loader((200, b"User-agent: *\nDisallow: /x\nCrawl-delay: 2\n")), user_agent=UA
    )
    verdict = await cache.check("https://a.org/news")
    assert verdict.allowed and verdict.crawl_delay == 2.0
    assert not (await cache.check("https://a.org/x/1")).allowed


@pytest.mark.parametrize(
    ("status", "allowed"),
    [(404, True), (403, True), (401, True), (410, True), (500, False), (503, False), (429, False)],
)
async def test_status_of_robots_txt(status: int, allowed: bool) -> None:
    cache = RobotsCache(Loader((status, b"User-agent: *\nDisallow: /\n")), user_agent=UA)
    assert (await cache.check("https://a.org/news/1")).allowed is allowed


async def test_unreachable_robots_disallows_then_is_retried_soon() -> None:
    clock = Clock()
    loader = Loader(OSError("connection refused"))
    cache = RobotsCache(loader, user_agent=UA, ttl=3600, error_ttl=60, clock=clock)
    verdict = await cache.check("https://a.org/news/1")
    assert not verdict.allowed and verdict.reason == "robots_unavailable"
    clock.now += 30
    await cache.check("https://a.org/news/1")
    assert len(loader.calls) == 1  # still cached
    loader.answer = (200, b"User-agent: *\nAllow: /\n")
    clock.now += 31
    assert (await cache.check("https://a.org/news/1")).allowed
    assert len(loader.calls) == 2
    clock.now += 3599
    await cache.check("https://a.org/news/1")
    assert len(loader.calls) == 2  # good rules live for the full ttl
    clock.now += 2
    await cache.check("https://a.org/news/1")
    assert len(loader.calls) == 3


async def test_concurrent_checks_share_one_robots_request() -> None:
    import asyncio

    loader = Loader((200, RULES))
    cache = RobotsCache(loader, user_agent=UA)
    await asyncio.gather(*(cache.check(f"https://a.org/n/{i}") for i in range(10)))
    assert len(loader.calls) == 1


async def test_garbage_robots_restricts_nothing() -> None:
    cache = RobotsCache(Loader((200, b"\x00\xff<html>not robots</html>" * 100)), user_agent=UA)
    assert (await cache.check("https://a.org/news/1")).allowed
