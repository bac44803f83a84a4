"""Crawler test fixtures: a local news site that answers conditional GETs and logs each hit."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

import pytest

from pactwatch_devtools import FeedServer


@dataclass(frozen=True)
class Hit:
    path: str
    at: float  # time.monotonic() when the request arrived
    if_none_match: str | None
    user_agent: str | None


class Site(FeedServer):
    """FeedServer plus an ETag per document (304 on a matching If-None-Match) and a log of
    every request, so tests can tell when each feed was polled and how."""

    def __init__(self) -> None:
        self.log: list[Hit] = []
        self._log_lock = threading.Lock()
        super().__init__()

    def _route(self, request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        sent = request.headers.get("If-None-Match")
        with self._log_lock:
            self.log.append(
                Hit(request.path, time.monotonic(), sent, request.headers.get("User-Agent"))
            )
        status, headers, body = super()._route(request)
        if status != 200:
            return status, headers, body
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if sent == etag:
            return 304, {"ETag": etag}, b""
        return 200, {**headers, "ETag": etag}, body

    def hits_of(self, path: str) -> list[Hit]:
        with self._log_lock:
            return [h for h in self.log if h.path == path]


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as server:
        yield server


@pytest.fixture
def other_site() -> Iterator[Site]:
    """A second site (another port, so another host for politeness and URLs)."""
    with Site() as server:
        yield server
