"""A hostile news server on 127.0.0.1: everything a crawler meets in the wild, on purpose.

```python
with HostileServer() as server:
    server.url("/status/503")          # -> "http://127.0.0.1:PORT/status/503"
    server.hits("/status/503")         # how many times it was requested
    server.robots = (200, b"User-agent: *\\nDisallow: /private/\\n")  # or (403, b""), (500, b"")
    server.set("/x.xml", body, "application/rss+xml")  # serve any document
    server.requests                    # (path, start, end) of every finished request
    server.max_in_flight               # most requests it ever served at once
```

Routes (see `ROUTES` for the list):
`/malformed.xml` broken RSS whose first item is readable; `/html-as-feed` an HTML page
with a feed content type; `/empty` a 200 with no body; `/loop/a` <-> `/loop/b` a
redirect loop; `/redirect/N` N redirects then a feed; `/status/CODE` any status (503 and
429 carry Retry-After: 120 seconds and an HTTP date respectively); `/trickle` one byte
every 0.2 s forever; `/huge` a 1 GB feed generated on the fly (Content-Length declared),
`/huge-chunked` the same without a length; `/wrong-charset` a GBK feed and
`/wrong-charset.html` a GBK page, both declared UTF-8; `/many.xml` 10,000 entries;
`/dupes.xml` duplicate GUIDs and links; `/nodates.xml` items without dates;
`/relative.xml` relative links; `/image.png` a non-text content type; `/conditional.xml`
honours If-None-Match / If-Modified-Since with 304; `/slow` answers after 0.1 s (a
politeness probe); `/private/...` anything, for robots tests.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ONE_GB = 1024**3
ETAG = '"v1-conditional"'
LAST_MODIFIED = "Fri, 20 Nov 2026 08:00:00 GMT"

ROUTES = (
    "/malformed.xml",
    "/html-as-feed",
    "/empty",
    "/loop/a",
    "/redirect/3",
    "/status/404",
    "/status/410",
    "/status/500",
    "/status/503",
    "/status/429",
    "/trickle",
    "/huge",
    "/huge-chunked",
    "/wrong-charset",
    "/wrong-charset.html",
    "/many.xml",
    "/dupes.xml",
    "/nodates.xml",
    "/relative.xml",
    "/image.png",
    "/conditional.xml",
    "/slow",
)

RSS = "application/rss+xml; charset=utf-8"


def _rss(items: str, encoding: str = "utf-8", extra: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>Hostile</title><link>http://example.invalid/</link>{extra}{items}</channel></rss>"
    )


def _item(title: str, link: str, guid: str | None = None, date: str | None = None) -> str:
    parts = f"<item><title>{title}</title><link>{link}</link>"
    if guid:
        parts += f"<guid>{guid}</guid>"
    if date:
        parts += f"<pubDate>{date}</pubDate>"
    return parts + "<description>Text of the item.</description></item>"


DATE = "Fri, 20 Nov 2026 08:00:00 GMT"
MALFORMED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
    b"<item><title>Readable &amp; fine</title><link>http://example.invalid/good</link></item>"
    b"<item><title>Broken <b>tag</title><link>http://example.invalid/bad</link>"
)
HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Home</title></head><body><h1>Welcome</h1>"
    b"<p>This is a web page, not a feed.</p></body></html>"
)
ZH_TITLE = "无锡市政府与工信部火炬中心签署战略合作协议"
ZH_TEXT = "双方将围绕科技成果转化、高新技术企业培育、科技园区建设等方面开展全方位合作。"
WRONG_CHARSET_FEED = _rss(
    _item(ZH_TITLE, "http://example.invalid/zh/1", date=DATE), encoding="gbk"
).encode("gbk")
ZH_MORE = (
    "根据协议，火炬中心将支持无锡国家高新区建设具有全球影响力的高科技园区，支持无锡在集成电路、"
    "生物医药、物联网等领域培育创新型中小企业。市长表示，无锡将以此次签约为契机，全力打造一流创新生态。"
)
WRONG_CHARSET_PAGE = (
    f"<html><head><title>{ZH_TITLE}</title></head><body><h1>{ZH_TITLE}</h1>"
    f"<article><p>{ZH_TEXT}</p><p>{ZH_MORE}</p></article></body></html>"
).encode("gbk")
MANY = _rss(
    "".join(
        _item(f"Item {i}", f"http://example.invalid/many/{i}", date=DATE) for i in range(10_000)
    )
).encode()
DUPES = _rss(
    _item("One", "http://example.invalid/d/1", guid="g1", date=DATE)
    + _item("One again", "http://example.invalid/d/1", guid="g1", date=DATE)
    + _item("One with tracking", "http://example.invalid/d/1?utm_source=rss", guid="g1b")
    + _item("Two", "http://example.invalid/d/2", guid="g2", date=DATE)
).encode()
NODATES = _rss(
    _item("No date", "http://example.invalid/n/1")
    + _item("Also none", "http://example.invalid/n/2")
).encode()
RELATIVE = _rss(
    _item("Relative", "/news/2026/rel-1.html", date=DATE)
    + _item("Dot relative", "../other/rel-2.html", date=DATE)
    + "<item><title>No link at all</title><description>x</description></item>"
).encode()
CONDITIONAL = _rss(_item("Stable", "http://example.invalid/c/1", date=DATE)).encode()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up on the trickle and 1 GB routes is the point, not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class HostileServer:
    """Threaded HTTP server on 127.0.0.1 with the routes above; a context manager."""

    def __init__(self, port: int = 0) -> None:
        self.robots: tuple[int, bytes] | None = None  # None: /robots.txt is 404
        self.documents: dict[str, tuple[str, bytes]] = {}
        self.requests: list[tuple[str, float, float]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _QuietServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- the small public API -------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def hits(self, path: str) -> int:
        """Requests received for `path` (query string included if it had one)."""
        with self._lock:
            return self._hits.get(path, 0)

    def set(self, path: str, body: bytes, content_type: str = RSS) -> str:
        with self._lock:
            self.documents[path] = (content_type, body)
        return self.url(path)

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- serving ----------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer._serve(self)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        started = time.monotonic()
        with self._lock:
            self._hits[request.path] = self._hits.get(request.path, 0) + 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self._route(request)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            request.close_connection = True  # the client hung up: expected with hostile routes
        finally:
            with self._lock:
                self.in_flight -= 1
                self.requests.append((request.path, started, time.monotonic()))

    def _route(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path
        send = self._send
        with self._lock:
            document = self.documents.get(path)
        if document is not None:
            send(request, 200, {"Content-Type": document[0]}, document[1])
        elif path == "/robots.txt":
            if self.robots is None:
                send(request, 404, {"Content-Type": "text/plain"}, b"not found")
            else:
                send(request, self.robots[0], {"Content-Type": "text/plain"}, self.robots[1])
        elif path == "/malformed.xml":
            send(request, 200, {"Content-Type": RSS}, MALFORMED)
        elif path == "/html-as-feed":
            send(request, 200, {"Content-Type": "application/rss+xml"}, HTML_PAGE)
        elif path == "/empty":
            send(request, 200, {"Content-Type": RSS}, b"")
        elif path in ("/loop/a", "/loop/b"):
            target = "/loop/b" if path == "/loop/a" else "/loop/a"
            send(request, 302, {"Location": target}, b"")
        elif path.startswith(("/redirect/", "/status/")) and not path.rsplit("/", 1)[1].isdigit():
            send(request, 404, {"Content-Type": "text/plain"}, b"not found")
        elif path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            if left > 0:
                send(request, 301, {"Location": f"/redirect/{left - 1}"}, b"")
            else:
                send(request, 200, {"Content-Type": RSS}, CONDITIONAL)
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            headers = {"Content-Type": "text/plain"}
            if code == 503:
                headers["Retry-After"] = "120"
            elif code == 429:
                headers["Retry-After"] = formatdate(time.time() + 300, usegmt=True)
            send(request, code, headers, f"status {code}".encode())
        elif path == "/trickle":
            self._trickle(request)
        elif path in ("/huge", "/huge-chunked"):
            self._huge(request, chunked=path.endswith("chunked"))
        elif path == "/wrong-charset":
            send(
                request,
                200,
                {"Content-Type": "application/rss+xml; charset=utf-8"},
                WRONG_CHARSET_FEED,
            )
        elif path == "/wrong-charset.html":
            send(request, 200, {"Content-Type": "text/html; charset=utf-8"}, WRONG_CHARSET_PAGE)
        elif path == "/many.xml":
            send(request, 200, {"Content-Type": RSS}, MANY)
        elif path == "/dupes.xml":
            send(request, 200, {"Content-Type": RSS}, DUPES)
        elif path == "/nodates.xml":
            send(request, 200, {"Content-Type": RSS}, NODATES)
        elif path == "/relative.xml":
            send(request, 200, {"Content-Type": RSS}, RELATIVE)
        elif path == "/image.png":
            send(request, 200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
        elif path == "/conditional.xml":
            self._conditional(request)
        elif path == "/slow" or path.startswith("/slow?"):
            time.sleep(0.1)
            send(request, 200, {"Content-Type": RSS}, CONDITIONAL)
        elif path.startswith("/private/") or path.startswith("/public/"):
            send(request, 200, {"Content-Type": RSS}, CONDITIONAL)
        else:
            send(request, 404, {"Content-Type": "text/plain"}, b"not found")

    @staticmethod
    def _send(
        request: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes
    ) -> None:
        request.send_response(status)
        for name, value in headers.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def _conditional(self, request: BaseHTTPRequestHandler) -> None:
        validators = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED, "Cache-Control": "max-age=600"}
        if (
            request.headers.get("If-None-Match") == ETAG
            or request.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            request.send_response(304)
            for name, value in validators.items():
                request.send_header(name, value)
            request.end_headers()
            return
        self._send(request, 200, {"Content-Type": RSS, **validators}, CONDITIONAL)

    def _trickle(self, request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", RSS)
        request.send_header("Connection", "close")  # no length: the body ends when we close
        request.end_headers()
        request.close_connection = True
        request.wfile.write(b'<?xml version="1.0"?>')
        while not self._stopping.is_set():
            request.wfile.write(b" ")
            request.wfile.flush()
            time.sleep(0.2)
        request.close_connection = True

    def _huge(self, request: BaseHTTPRequestHandler, *, chunked: bool) -> None:
        request.send_response(200)
        request.send_header("Content-Type", RSS)
        if chunked:
            request.send_header("Transfer-Encoding", "chunked")
        else:
            request.send_header("Content-Length", str(ONE_GB))
        request.end_headers()
        for block in _generated(ONE_GB):
            if self._stopping.is_set():
                break
            if chunked:
                request.wfile.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
            else:
                request.wfile.write(block)
        if chunked:
            request.wfile.write(b"0\r\n\r\n")
        request.close_connection = True


def _generated(total: int, block: int = 64 * 1024) -> Iterator[bytes]:
    """`total` bytes of an endless feed, made on the fly (never held in memory)."""
    item = _item("Generated", "http://example.invalid/g", date=DATE).encode()
    chunk = (item * (block // len(item) + 1))[:block]
    sent = 0
    while sent < total:
        piece = chunk[: min(block, total - sent)]
        sent += len(piece)
        yield piece
