"""Fetcher logic through httpx's mock transport: conditional GET, status mapping,
content types, redirects, size cap, robots. (Real servers: test_hostile_fetch.py.)"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from pactwatch_crawler.fetch import (
    Fetcher,
    FetchError,
    Validators,
    content_type_accepted,
    freshness,
)

pytestmark = pytest.mark.unit

UA = "PactwatchBot/0.1 (+https://example.org/bot)"
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


def fetcher(handler: Callable[[httpx.Request], httpx.Response], **kwargs: object) -> Fetcher:
    options: dict[str, object] = {"per_host_delay": 0.0, "obey_robots": False}
    options.update(kwargs)
    return Fetcher(user_agent=UA, transport=httpx.MockTransport(handler), **options)  # type: ignore[arg-type]


async def test_conditional_get_sends_validators_and_maps_304() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers.get("if-none-match") == '"e1"':
            return httpx.Response(304, headers={"Cache-Control": "max-age=120"})
        return httpx.Response(
            200,
            content=FEED,
            headers={
                "Content-Type": "application/rss+xml; charset=UTF-8",
                "ETag": '"e1"',
                "Last-Modified": "Fri, 20 Nov 2026 08:00:00 GMT",
            },
        )

    f = fetcher(handler)
    first = await f.fetch("https://a.org/feed", accept="feed")
    assert (first.status, first.body, first.content_type, first.charset) == (
        200,
        FEED,
        "application/rss+xml",
        "utf-8",
    )
    assert first.validators == Validators('"e1"', "Fri, 20 Nov 2026 08:00:00 GMT")
    assert first.fresh_for is None
    second = await f.fetch("https://a.org/feed", validators=first.validators, accept="feed")
    assert (second.status, second.body, second.fresh_for) == (304, b"", 120.0)
    assert second.validators == first.validators
    assert seen[1].headers["if-modified-since"] == "Fri, 20 Nov 2026 08:00:00 GMT"
    assert seen[0].headers["user-agent"] == UA
    assert "if-none-match" not in seen[0].headers
    await f.aclose()


@pytest.mark.parametrize(
    ("status", "headers", "kind", "permanent", "retry_after"),
    [
        (404, {}, "http_404", True, None),
        (410, {}, "http_410", True, None),
        (403, {}, "http_403", True, None),
        (408, {}, "http_408", False, None),
        (429, {"Retry-After": "30"}, "http_429", False, 30.0),
        (500, {}, "http_500", False, None),
        (503, {"Retry-After": "120"}, "http_503", False, 120.0),
    ],
)
async def test_error_statuses(
    status: int, headers: dict[str, str], kind: str, permanent: bool, retry_after: float | None
) -> None:
    f = fetcher(lambda r: httpx.Response(status, headers=headers))
    with pytest.raises(FetchError) as info:
        await f.fetch("https://a.org/x")
    assert (info.value.kind, info.value.permanent, info.value.retry_after) == (
        kind,
        permanent,
        retry_after,
    )


def test_freshness_from_cache_control_and_expires() -> None:
    assert freshness(httpx.Headers({"Cache-Control": "public, max-age=600"})) == 600.0
    assert freshness(httpx.Headers({"Cache-Control": "no-cache"})) == 0.0
    date = "Fri, 20 Nov 2026 08:00:00 GMT"
    expires = "Fri, 20 Nov 2026 08:30:00 GMT"
    assert freshness(httpx.Headers({"Date": date, "Expires": expires})) == 1800.0
    assert freshness(httpx.Headers({"Expires": "0"})) == 0.0
    assert freshness(httpx.Headers({})) is None


@pytest.mark.parametrize(
    ("media", "accept", "ok"),
    [
        ("text/html", "html", True),
        ("application/xhtml+xml", "html", True),
        ("application/rss+xml", "html", False),
        ("application/rss+xml", "feed", True),
        ("application/atom+xml", "feed", True),
        ("text/xml", "feed", True),
        ("application/xml", "feed", True),
        ("text/plain", "feed", True),
        ("text/plain", "html", False),
        ("text/html", "feed", True),  # the parser decides (and refuses HTML as a feed)
        ("image/png", "any", False),
        ("application/pdf", "feed", False),
        ("application/json", "any", False),
        ("", "html", True),
    ],
)
def test_content_types(media: str, accept: str, ok: bool) -> None:
    assert content_type_accepted(media, accept) is ok  # type: ignore[arg-type]


async def test_bad_content_type_and_empty_body() -> None:
    f = fetcher(
        lambda r: httpx.Response(200, content=b"\x89PNG", headers={"Content-Type": "image/png"})
    )
    with pytest.raises(FetchError, match="bad_content_type"):
        await f.fetch("https://a.org/x.png")
    f = fetcher(
        lambda r: httpx.Response(200, content=b"  \n", headers={"Content-Type": "text/html"})
    )
    with pytest.raises(FetchError) as info:
        await f.fetch("https://a.org/x", accept="html")
    assert info.value.kind == "empty"


async def test_redirects_followed_capped_and_loops_detected() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/old":
            return httpx.Response(301, headers={"Location": "/new?x=1"})
        if path == "/new":
            return httpx.Response(200, content=FEED, headers={"Content-Type": "text/xml"})
        if path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            return httpx.Response(302, headers={"Location": f"/chain/{n + 1}"})
        if path in ("/a", "/b"):
            return httpx.Response(302, headers={"Location": "/b" if path == "/a" else "/a"})
        return httpx.Response(302)  # no Location

    f = fetcher(handler, max_redirects=3)
    assert (await f.fetch("https://a.org/old")).url == "https://a.org/new?x=1"
    for path, detail in (("/chain/0", "more than 3"), ("/a", "loop"), ("/nowhere", "Location")):
        with pytest.raises(FetchError, match=detail) as info:
            await f.fetch("https://a.org" + path)
        assert info.value.kind in ("redirects", "http_302")


async def test_size_cap_by_length_and_by_stream() -> None:
    big = b"<rss>" + b"x" * 5000

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/declared":
            return httpx.Response(200, content=big, headers={"Content-Type": "text/xml"})

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: only the stream tells
            for i in range(0, len(big), 500):
                yield big[i : i + 500]

        return httpx.Response(200, content=chunks(), headers={"Content-Type": "text/xml"})

    f = fetcher(handler, max_bytes=1000)
    for path in ("/declared", "/streamed"):
        with pytest.raises(FetchError) as info:
            await f.fetch("https://a.org" + path)
        assert info.value.kind == "too_large"


async def test_invalid_urls() -> None:
    f = fetcher(lambda r: httpx.Response(200, content=FEED))
    for url in ("ftp://a.org/x", "not a url", "http:///nohost"):
        with pytest.raises(FetchError) as info:
            await f.fetch(url)
        assert info.value.kind == "invalid_url" and info.value.permanent


async def test_robots_refusal_is_counted_and_reported() -> None:
    refused: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(200, content=b"User-agent: *\nDisallow: /private/\n")
        return httpx.Response(200, content=FEED, headers={"Content-Type": "text/xml"})

    f = fetcher(handler, obey_robots=True, on_robots_refusal=refused.append)
    with pytest.raises(FetchError) as info:
        await f.fetch("https://a.org/private/feed")
    assert info.value.kind == "robots_disallowed" and not info.value.permanent
    assert (await f.fetch("https://a.org/public/feed")).status == 200
    assert refused == ["https://a.org/private/feed"]
    assert f.stats["robots_refusals"] == 1
    assert f.stats["robots_fetches"] == 1


async def test_connection_failure() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(FetchError, match="connection"):
        await fetcher(handler).fetch("https://a.org/x")


async def test_gzip_bomb_hits_the_cap_on_decoded_bytes() -> None:
    import gzip

    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))  # ~8 KB on the wire, 8 MB unpacked

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
        )

    with pytest.raises(FetchError) as info:
        await fetcher(handler, max_bytes=1024 * 1024).fetch("https://a.org/x")
    assert info.value.kind == "too_large"
