"""Per-client-IP rate limits on the public endpoints (the `limits` library: a moving window
per IP and route, in memory or in a shared store such as Redis)."""

from __future__ import annotations

import math
import time

from fastapi import HTTPException, Request, status
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from . import metrics


class RateLimiter:
    """`check(request)` raises 429 with Retry-After once a client used up any of the limits."""

    def __init__(self, spec: str, storage_uri: str = "memory://") -> None:
        self.items: list[RateLimitItem] = parse_many(spec)
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def retry_after(self, client: str, route: str) -> int | None:
        """Take one hit for (client, route); None when allowed, else seconds to wait."""
        for item in self.items:
            if not self._limiter.hit(item, client, route):
                reset = self._limiter.get_window_stats(item, client, route).reset_time
                return max(1, math.ceil(reset - time.time()))
        return None

    def check(self, request: Request) -> None:
        route = request.scope.get("route")
        name = getattr(route, "path", request.url.path)
        client = request.client.host if request.client else "unknown"
        wait = self.retry_after(client, f"{request.method} {name}")
        if wait is not None:
            metrics.RATE_LIMITED.labels(name).inc()
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                detail=f"too many requests from your address; try again in {wait} s",
                headers={"Retry-After": str(wait)},
            )


def rate_limited(request: Request) -> None:
    """FastAPI dependency for the public routes."""
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.check(request)
