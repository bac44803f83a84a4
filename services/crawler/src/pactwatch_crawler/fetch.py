"""HTTP fetching the way a polite crawler facing hostile servers must do it.

`Fetcher.fetch(url)` = robots.txt check -> per-host slot (politeness) -> conditional GET
-> redirects followed by hand (each hop checked and throttled like the first) -> body
streamed under a size cap and a wall-clock deadline -> content-type check. Every failure
is a `FetchError` whose `kind` is a short metrics label.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from pactwatch_runtime import parse_retry_after

from .hosts import Politeness
from .robots import ROBOTS_MAX_BYTES, RobotsCache

Accept = Literal["feed", "html", "any"]

_ACCEPT_HEADERS: dict[str, str] = {
    "feed": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.1",
    "html": "text/html, application/xhtml+xml;q=0.9, */*;q=0.1",
    "any": "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1",
}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class Validators:
    """Conditional-GET state kept per source between polls."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    url: str  # final URL after redirects
    status: int  # 200 (any 2xx), or 304 with an empty body
    body: bytes
    content_type: str  # media type, lower-case, no parameters ("" if none)
    charset: str | None  # charset declared in Content-Type
    validators: Validators  # from this response (for 304: the ones sent, updated if re-sent)
    fresh_for: float | None  # Cache-Control max-age / Expires, seconds; None if unknown
    elapsed: float  # seconds on the network (all hops), not counting politeness waits


class FetchError(Exception):
    """A fetch that produced no usable body. `kind` is the metrics label.

    `retry_after` (seconds) comes from a Retry-After header; `permanent` is True for
    client errors that retrying will not fix (404, 410, other 4xx except 408/429).
    """

    def __init__(
        self,
        kind: str,
        detail: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
    ) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after
        self.permanent = permanent


def content_type_accepted(media_type: str, accept: Accept) -> bool:
    """Only documents a crawler of news can read: HTML, XML and feeds (plain text for feeds,
    gzip for compressed sitemaps). An absent Content-Type is tolerated; the parser decides."""
    if not media_type:
        return True
    html = media_type in ("text/html", "application/xhtml+xml")
    xml = media_type.endswith(("/xml", "+xml")) or media_type in (
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
    )
    feedish = xml or media_type in ("text/plain", "application/x-gzip", "application/gzip")
    if accept == "html":
        return html
    if accept == "feed":
        return feedish or html  # many feeds are served as text/html; the parser decides
    return html or feedish


def freshness(headers: httpx.Headers, now: float | None = None) -> float | None:
    """How long the response says it stays fresh: Cache-Control max-age, else Expires."""
    cache_control = headers.get("cache-control", "")
    if re.search(r"no-cache|no-store", cache_control, re.IGNORECASE):
        return 0.0
    match = _MAX_AGE.search(cache_control)
    if match:
        return float(match.group(1))
    expires = headers.get("expires")
    if not expires:
        return None
    try:
        when = email.utils.parsedate_to_datetime(expires)
    except (TypeError, ValueError, IndexError):
        return 0.0  # RFC 9111: an invalid Expires means "already expired"
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    base = now if now is not None else time.time()
    date_header = headers.get("date")
    if date_header:
        with contextlib.suppress(TypeError, ValueError, IndexError):
            base = email.utils.parsedate_to_datetime(date_header).timestamp()
    return max(0.0, when.timestamp() - base)


def _media_type(header: str) -> tuple[str, str | None]:
    media = header.split(";", 1)[0].strip().lower()
    match = _CHARSET.search(header)
    return media, (match.group(1).lower() if match else None)


class _Deadline:
    """Wall-clock budget for the network part of one fetch (all hops together)."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds

    def remaining(self) -> float:
        return max(self.left, 0.001)


class Fetcher:
    """One per process: shares the connection pool, robots cache and politeness state.

    Counters for metrics are in `stats` (requests, robots_fetches, robots_refusals,
    bytes); `on_robots_refusal(url)` is called for each URL refused by robots.txt.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        timeout: float = 15.0,
        max_bytes: int = 10 * 1024 * 1024,
        max_redirects: int = 5,
        per_host_concurrency: int = 1,
        per_host_delay: float = 1.0,
        global_concurrency: int = 64,
        robots_ttl: float = 3600.0,
        obey_robots: bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
        deadline: float | None = None,
        robots_error_ttl: float | None = None,
        on_robots_refusal: Callable[[str], None] | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        # Total seconds of network time per fetch: cuts off servers that trickle bytes.
        self.deadline = deadline if deadline is not None else 4 * timeout
        self.obey_robots = obey_robots
        self.on_robots_refusal = on_robots_refusal
        self.stats: Counter[str] = Counter()
        self.politeness = Politeness(
            per_host_concurrency=per_host_concurrency,
            per_host_delay=per_host_delay,
            global_concurrency=global_concurrency,
        )
        self.robots = RobotsCache(
            self._load_robots, user_agent=user_agent, ttl=robots_ttl, error_ttl=robots_error_ttl
        )
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            transport=transport,
            limits=httpx.Limits(
                max_connections=global_concurrency + 8, max_keepalive_connections=64
            ),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def fetch(
        self, url: str, *, validators: Validators | None = None, accept: Accept = "any"
    ) -> Fetched:
        """GET `url` politely. Raises `FetchError`; returns status 200 or 304."""
        sent = validators or Validators()
        headers = {"Accept": _ACCEPT_HEADERS[accept]}
        if sent.etag:
            headers["If-None-Match"] = sent.etag
        if sent.last_modified:
            headers["If-Modified-Since"] = sent.last_modified
        budget = _Deadline(self.deadline)
        seen: set[str] = set()
        current = url
        for _hop in range(self.max_redirects + 1):
            _check_url(current)
            if current in seen:
                raise FetchError("redirects", f"{url}: redirect loop via {current}")
            seen.add(current)
            crawl_delay = await self._robots_allow(current)
            async with self.politeness.slot(current, crawl_delay=crawl_delay):
                response, body = await self._exchange(current, headers, budget, accept)
            if response.status_code in _REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(
                        f"http_{response.status_code}", f"{current}: redirect without Location"
                    )
                current = urljoin(current, location.strip())
                continue
            return self._result(current, response, body, sent, self.deadline - budget.left)
        raise FetchError("redirects", f"{url}: more than {self.max_redirects} redirects")

    async def _robots_allow(self, url: str) -> float | None:
        if not self.obey_robots:
            return None
        verdict = await self.robots.check(url)
        if not verdict.allowed:
            self.stats["robots_refusals"] += 1
            if self.on_robots_refusal is not None:
                self.on_robots_refusal(url)
            raise FetchError(
                "robots_disallowed", f"{url}: refused by robots.txt ({verdict.reason})"
            )
        return verdict.crawl_delay

    async def _exchange(
        self, url: str, headers: dict[str, str], budget: _Deadline, accept: Accept | None
    ) -> tuple[httpx.Response, bytes]:
        """One request: status and headers, and the body unless it is a redirect or error.

        `accept=None` reads any content type and truncates at the robots cap instead of
        failing (a robots.txt fetch)."""
        self.stats["requests"] += 1
        began = time.monotonic()
        try:
            async with asyncio.timeout(budget.remaining()):
                async with self._client.stream("GET", url, headers=headers) as response:
                    if response.status_code in _REDIRECTS or response.status_code >= 300:
                        return response, b""
                    if accept is not None:
                        media, _ = _media_type(response.headers.get("content-type", ""))
                        if not content_type_accepted(media, accept):
                            raise FetchError("bad_content_type", f"{url} served {media!r}")
                    cap = ROBOTS_MAX_BYTES if accept is None else self.max_bytes
                    body = await self._read_capped(response, url, cap, truncate=accept is None)
                    return response, body
        except TimeoutError:
            raise FetchError("timeout", f"{url}: no complete answer within the deadline") from None
        except httpx.TimeoutException as exc:
            raise FetchError("timeout", f"{url}: {type(exc).__name__}") from None
        except httpx.InvalidURL as exc:
            raise FetchError("invalid_url", f"{url}: {exc}", permanent=True) from None
        except (httpx.HTTPError, OSError) as exc:
            raise FetchError("connection", f"{url}: {type(exc).__name__}: {exc}") from None
        finally:
            budget.left -= time.monotonic() - began

    async def _read_capped(
        self, response: httpx.Response, url: str, cap: int, *, truncate: bool
    ) -> bytes:
        declared = response.headers.get("content-length", "")
        if not truncate and declared.isdigit() and int(declared) > cap:
            raise FetchError("too_large", f"{url} declares {declared} bytes (cap {cap})")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():  # decoded: a gzip bomb hits the cap too
            size += len(chunk)
            if size > cap:
                if truncate:
                    chunks.append(chunk[: cap - (size - len(chunk))])
                    break
                raise FetchError("too_large", f"{url} body exceeds {cap} bytes")
            chunks.append(chunk)
        self.stats["bytes"] += min(size, cap)
        return b"".join(chunks)

    def _result(
        self,
        url: str,
        response: httpx.Response,
        body: bytes,
        sent: Validators,
        elapsed: float,
    ) -> Fetched:
        status = response.status_code
        media, charset = _media_type(response.headers.get("content-type", ""))
        fresh_for = freshness(response.headers)
        if status == 304:
            validators = Validators(
                etag=response.headers.get("etag") or sent.etag,
                last_modified=response.headers.get("last-modified") or sent.last_modified,
            )
            return Fetched(url, 304, b"", media, charset, validators, fresh_for, elapsed)
        if status >= 300:
            raise FetchError(
                f"http_{status}",
                f"{url} answered {status}",
                retry_after=parse_retry_after(response.headers.get("retry-after")),
                permanent=400 <= status < 500 and status not in (408, 429),
            )
        if not body.strip():
            raise FetchError("empty", f"{url} answered {status} with an empty body")
        validators = Validators(
            etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified")
        )
        return Fetched(url, status, body, media, charset, validators, fresh_for, elapsed)

    async def _load_robots(self, robots_url: str) -> tuple[int, bytes]:
        """GET a robots.txt under the same limits and politeness as pages."""
        self.stats["robots_fetches"] += 1
        budget = _Deadline(self.deadline)
        current = robots_url
        for _hop in range(self.max_redirects + 1):
            async with self.politeness.slot(current):
                response, body = await self._exchange(current, {}, budget, None)
            location = response.headers.get("location")
            if response.status_code in _REDIRECTS and location:
                current = urljoin(current, location.strip())
                _check_url(current)
                continue
            return response.status_code, body
        raise FetchError("redirects", f"{robots_url}: too many redirects")


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("invalid_url", f"{url!r} is not an absolute http(s) URL", permanent=True)


__all__ = [
    "Accept",
    "FetchError",
    "Fetched",
    "Fetcher",
    "Validators",
    "content_type_accepted",
    "freshness",
]
