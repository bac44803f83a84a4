"""HTTP fetching with the limits a crawler facing hostile servers needs."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

_ACCEPTED_TYPES = ("xml", "rss", "atom", "html", "text/plain", "json")


class FetchError(Exception):
    """A fetch that produced no usable body. `kind` is the metrics label."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    status: int
    body: bytes


async def fetch(client: httpx.AsyncClient, url: str, *, max_bytes: int) -> Fetched:
    """GET `url`, streaming the body and cutting it off at `max_bytes`."""
    try:
        async with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise FetchError(
                    f"http_{response.status_code}", f"{url} answered {response.status_code}"
                )
            content_type = response.headers.get("content-type", "").lower()
            if content_type and not any(t in content_type for t in _ACCEPTED_TYPES):
                raise FetchError("content_type", f"{url} served {content_type!r}")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError("too_large", f"{url} body exceeds {max_bytes} bytes")
                chunks.append(chunk)
            return Fetched(
                url=str(response.url), status=response.status_code, body=b"".join(chunks)
            )
    except httpx.TimeoutException as exc:
        raise FetchError("timeout", f"{url}: {type(exc).__name__}") from None
    except httpx.TooManyRedirects:
        raise FetchError("redirects", f"{url}: too many redirects") from None
    except httpx.HTTPError as exc:
        raise FetchError("connection", f"{url}: {type(exc).__name__}: {exc}") from None
