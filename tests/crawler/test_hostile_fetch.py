"""The Fetcher and parse_listing against a real hostile server on 127.0.0.1: every route
gives its expected error kind, listing error or counted skip, within a bounded time."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator

import httpx
import pytest

from pactwatch_crawler.extract import extract_article
from pactwatch_crawler.fetch import Fetched, Fetcher, FetchError
from pactwatch_crawler.listing import ListingError, parse_listing
from pactwatch_crawler.sources import Source
from pactwatch_devtools import HostileServer, wait_until
from pactwatch_devtools.hostile import ZH_TEXT, ZH_TITLE

pytestmark = pytest.mark.integration

UA = "PactwatchBot/0.1 (+https://example.org/bot)"


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with HostileServer() as hostile:
        yield hostile


def make_fetcher(**kwargs: float) -> Fetcher:
    options: dict[str, float] = {
        "timeout": 1.0,
        "deadline": 2.0,
        "max_bytes": 1024 * 1024,
        "per_host_delay": 0.0,
    }
    options.update(kwargs)
    return Fetcher(user_agent=UA, **options)  # type: ignore[arg-type]


async def fetch_error(url: str, **kwargs: float) -> tuple[FetchError, float]:
    started = time.monotonic()
    async with make_fetcher(**kwargs) as fetcher:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(url, accept="feed")
    return info.value, time.monotonic() - started


@pytest.mark.parametrize(
    ("path", "kind", "permanent"),
    [
        ("/status/404", "http_404", True),
        ("/status/410", "http_410", True),
        ("/status/500", "http_500", False),
        ("/loop/a", "redirects", False),
        ("/redirect/9", "redirects", False),
        ("/empty", "empty", False),
        ("/image.png", "bad_content_type", False),
    ],
)
async def test_error_routes(server: HostileServer, path: str, kind: str, permanent: bool) -> None:
    error, _ = await fetch_error(server.url(path))
    assert (error.kind, error.permanent) == (kind, permanent)


async def test_503_and_429_carry_retry_after(server: HostileServer) -> None:
    error, _ = await fetch_error(server.url("/status/503"))
    assert (error.kind, error.retry_after) == ("http_503", 120.0)
    error, _ = await fetch_error(server.url("/status/429"))
    assert error.kind == "http_429"
    assert error.retry_after is not None and 290 <= error.retry_after <= 300


async def test_redirects_within_the_cap_are_followed(server: HostileServer) -> None:
    async with make_fetcher() as fetcher:
        fetched = await fetcher.fetch(server.url("/redirect/3"))
    assert fetched.url == server.url("/redirect/0")
    assert server.hits("/redirect/1") >= 1


async def test_trickling_server_is_cut_off_by_the_deadline(server: HostileServer) -> None:
    # Each byte arrives well within the read timeout; only the total deadline stops it.
    error, seconds = await fetch_error(server.url("/trickle"), timeout=1.0, deadline=1.5)
    assert error.kind == "timeout"
    assert seconds < 6


@pytest.mark.parametrize("path", ["/huge", "/huge-chunked"])
async def test_one_gigabyte_response_is_cut_off_at_the_cap(
    server: HostileServer, path: str
) -> None:
    error, seconds = await fetch_error(server.url(path), max_bytes=2 * 1024 * 1024, deadline=20)
    assert error.kind == "too_large"
    assert seconds < 10


def _listing(fetched: Fetched, kind: str = "rss", **kwargs: int) -> object:
    return parse_listing(fetched, Source(id="h", url=fetched.url, kind=kind), **kwargs)  # type: ignore[arg-type]


async def test_feed_routes_through_parse_listing(server: HostileServer) -> None:
    async with make_fetcher(max_bytes=4 * 1024 * 1024) as fetcher:
        html = await fetcher.fetch(server.url("/html-as-feed"), accept="feed")
        with pytest.raises(ListingError, match="not an RSS/Atom feed"):
            _listing(html)

        malformed = parse_listing(
            await fetcher.fetch(server.url("/malformed.xml"), accept="feed"),
            Source(id="h", url=server.url("/malformed.xml")),
        )
        assert malformed.bozo
        assert "http://example.invalid/good" in {e.url for e in malformed.entries}

        many = parse_listing(
            await fetcher.fetch(server.url("/many.xml"), accept="feed"),
            Source(id="h", url=server.url("/many.xml")),
            max_entries=500,
        )
        assert len(many.entries) == 500
        assert many.skipped == {"too_many": 9500}

        dupes = parse_listing(
            await fetcher.fetch(server.url("/dupes.xml"), accept="feed"),
            Source(id="h", url=server.url("/dupes.xml")),
        )
        assert [e.title for e in dupes.entries] == ["One", "Two"]
        assert dupes.skipped == {"duplicate": 2}

        nodates = parse_listing(
            await fetcher.fetch(server.url("/nodates.xml"), accept="feed"),
            Source(id="h", url=server.url("/nodates.xml")),
        )
        assert [e.published_at for e in nodates.entries] == [None, None]

        relative = parse_listing(
            await fetcher.fetch(server.url("/relative.xml"), accept="feed"),
            Source(id="h", url=server.url("/relative.xml")),
        )
        assert [e.url for e in relative.entries] == [
            server.url("/news/2026/rel-1.html"),
            server.url("/other/rel-2.html"),
        ]
        assert relative.skipped == {"no_link": 1}


async def test_wrong_charset_feed_and_page_decode_correctly(server: HostileServer) -> None:
    async with make_fetcher() as fetcher:
        feed = await fetcher.fetch(server.url("/wrong-charset"), accept="feed")
        assert feed.charset == "utf-8"  # what the server claims
        [entry] = parse_listing(feed, Source(id="h", url=feed.url)).entries
        assert entry.title == ZH_TITLE
        page = await fetcher.fetch(server.url("/wrong-charset.html"), accept="html")
    extracted = extract_article(page.body, page.url, page.charset)
    assert extracted is not None
    assert ZH_TEXT in extracted.text


async def test_conditional_get_gets_304_the_second_time(server: HostileServer) -> None:
    async with make_fetcher() as fetcher:
        first = await fetcher.fetch(server.url("/conditional.xml"), accept="feed")
        assert first.status == 200 and first.validators.etag
        assert first.fresh_for == 600.0
        second = await fetcher.fetch(
            server.url("/conditional.xml"), validators=first.validators, accept="feed"
        )
    assert (second.status, second.body) == (304, b"")
    assert second.validators == first.validators


class RecordingTransport(httpx.AsyncHTTPTransport):
    """Notes when each request leaves the client: the moments politeness controls."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, float]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((f"{request.url.host}:{request.url.port}", time.monotonic()))
        return await super().handle_async_request(request)


async def test_politeness_spaces_one_host_and_lets_two_hosts_run_in_parallel() -> None:
    transport = RecordingTransport()
    with HostileServer() as one, HostileServer() as two:
        async with Fetcher(
            user_agent=UA, per_host_delay=0.2, global_concurrency=8, transport=transport
        ) as fetcher:
            await asyncio.gather(
                *(fetcher.fetch(one.url(f"/slow?{i}")) for i in range(5)),
                *(fetcher.fetch(two.url(f"/slow?{i}")) for i in range(5)),
            )
        for server in (one, two):
            sent = [t for host, t in transport.sent if host == f"127.0.0.1:{server.port}"]
            assert len(sent) == 6  # robots.txt and five feeds
            gaps = [b - a for a, b in itertools.pairwise(sent)]
            assert min(gaps) >= 0.19, gaps

            # The server's view: one request at a time (each takes 0.1 s), spread out. It logs a
            # request after answering it, so the last one may land just after the client is done.
            def slow_starts(s: HostileServer = server) -> list[float]:
                return sorted(start for path, start, _ in s.requests if path.startswith("/slow"))

            wait_until(lambda: len(slow_starts()) == 5, 5, "the server to log five requests")
            starts = slow_starts()
            assert server.max_in_flight == 1
            assert starts[-1] - starts[0] >= 0.7  # 4 x 0.2 s, less arrival jitter
        # The two hosts overlapped in time: neither waited for the other to finish.
        one_sent = [t for host, t in transport.sent if host == f"127.0.0.1:{one.port}"]
        two_sent = [t for host, t in transport.sent if host == f"127.0.0.1:{two.port}"]
        assert min(two_sent) < max(one_sent) and min(one_sent) < max(two_sent)


async def test_robots_rules_statuses(server: HostileServer) -> None:
    server.robots = (200, b"User-agent: *\nDisallow: /private/\n")
    try:
        async with make_fetcher() as fetcher:
            with pytest.raises(FetchError) as info:
                await fetcher.fetch(server.url("/private/feed.xml"))
            assert info.value.kind == "robots_disallowed"
            assert (await fetcher.fetch(server.url("/public/feed.xml"))).status == 200
            assert fetcher.stats["robots_refusals"] == 1
        server.robots = (403, b"forbidden")
        async with make_fetcher() as fetcher:
            assert (await fetcher.fetch(server.url("/private/feed.xml"))).status == 200
        server.robots = (500, b"oops")
        async with make_fetcher() as fetcher:
            with pytest.raises(FetchError) as info:
                await fetcher.fetch(server.url("/public/feed.xml"))
            assert info.value.kind == "robots_disallowed"
            assert "robots_unavailable" in info.value.detail
        async with make_fetcher() as fetcher:
            hits = server.hits("/public/feed.xml")
            await asyncio.gather(
                *(fetcher.fetch(server.url("/public/feed.xml")) for _ in range(3)),
                return_exceptions=True,
            )
            assert fetcher.stats["robots_fetches"] == 1  # one robots.txt for three fetches
            assert server.hits("/public/feed.xml") == hits  # none went through
    finally:
        server.robots = None


async def test_robots_crawl_delay_spaces_requests() -> None:
    with HostileServer() as server:
        server.robots = (200, b"User-agent: *\nCrawl-delay: 0.3\nDisallow: /private/\n")
        async with make_fetcher(per_host_delay=0.0) as fetcher:
            fetched = await asyncio.gather(
                *(fetcher.fetch(server.url(f"/slow?{i}")) for i in range(3))
            )
        assert all(f.elapsed < 1.0 for f in fetched)  # network time, not time in the queue

        def slow_starts() -> list[float]:  # logged after answering: the last may lag the client
            return sorted(s for p, s, _ in server.requests if p.startswith("/slow"))

        wait_until(lambda: len(slow_starts()) == 3, 5, "the server to log three requests")
        starts = slow_starts()
        assert starts[-1] - starts[0] >= 0.5  # 2 x 0.3 s, less arrival jitter


async def test_connection_refused_is_a_connection_error() -> None:
    with HostileServer() as gone:
        url = gone.url("/feed.xml")
    error, _ = await fetch_error(url)
    assert error.kind in ("connection", "robots_disallowed")
    async with make_fetcher(obey_robots=False) as fetcher:  # type: ignore[arg-type]
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(url)
    assert info.value.kind == "connection"
