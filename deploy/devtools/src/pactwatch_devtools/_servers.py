"""Real servers on 127.0.0.1 standing in for the outside world: news sites, webhook
receivers and a mail server. Each runs in a background thread, so sync and async
tests (and the demo) can use them alike."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

Route = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


class _HttpServer:
    """A threaded HTTP server whose handler is a plain function of the request."""

    def __init__(self, handle: Route, host: str = "127.0.0.1", port: int = 0) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                status, headers, body = outer._handle(self)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _serve

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

        self._handle = handle
        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> _HttpServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FeedServer(_HttpServer):
    """Serves documents by path (feeds, pages); `set()` changes one while running."""

    def __init__(self, port: int = 0) -> None:
        self.documents: dict[str, tuple[str, bytes]] = {}
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        super().__init__(self._route, port=port)

    def set(self, path: str, body: bytes, content_type: str = "application/rss+xml") -> str:
        with self._lock:
            self.documents[path] = (content_type, body)
        return self.base_url + path

    def _route(self, request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.hits[request.path] = self.hits.get(request.path, 0) + 1
            doc = self.documents.get(request.path)
        if doc is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        return 200, {"Content-Type": doc[0]}, doc[1]


@dataclass
class ReceivedWebhook:
    headers: dict[str, str]
    body: bytes
    verified: bool | None  # None when the receiver has no secret
    received_at: float = field(default_factory=time.time)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class AnsweredRequest:
    """Any request the receiver answered, scripted failures included."""

    webhook_id: str | None
    status: int
    at: float = field(default_factory=time.time)


class WebhookReceiver(_HttpServer):
    """Records every POST; verifies Standard Webhooks signatures with the reference library.

    `responses` scripts the answers (status, headers) for the first requests, e.g. a
    flaky endpoint; after the script it answers 200. `received` keeps the accepted ones,
    `answered` every request with its status and time. `delay_seconds` makes each request
    take that long before it is answered (a slow endpoint).
    """

    def __init__(self, secret: str | None = None, port: int = 0) -> None:
        self.secret = secret
        self.received: list[ReceivedWebhook] = []
        self.answered: list[AnsweredRequest] = []
        self.responses: list[tuple[int, dict[str, str]]] = []
        self.delay_seconds = 0.0
        self._lock = threading.Lock()
        self._verifier = Webhook(secret) if secret else None
        self.on_receive: Callable[[ReceivedWebhook], None] | None = None
        super().__init__(self._route, port=port)

    @property
    def url(self) -> str:
        return self.base_url + "/hook"

    def _route(self, request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        length = int(request.headers.get("Content-Length", "0"))
        body = request.rfile.read(length)
        headers = {k.lower(): v for k, v in request.headers.items()}
        verified: bool | None = None
        if self._verifier is not None:
            try:
                self._verifier.verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        with self._lock:
            if self.responses:
                status, extra = self.responses.pop(0)
                self.answered.append(AnsweredRequest(headers.get("webhook-id"), status))
                return status, extra, b""
            item = ReceivedWebhook(headers=headers, body=body, verified=verified)
            self.received.append(item)
            self.answered.append(AnsweredRequest(headers.get("webhook-id"), 200))
        if self.on_receive is not None:
            self.on_receive(item)
        return 200, {"Content-Type": "application/json"}, b'{"ok": true}'

    def payloads(self) -> list[Any]:
        with self._lock:
            return [r.json() for r in self.received]


class _Collector:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        if self.sink.delay_seconds:
            await asyncio.sleep(self.sink.delay_seconds)  # a slow relay
        reply = self.sink.replies.pop(0) if self.sink.replies else None
        if reply is not None:
            return reply
        self.sink.store(envelope.rcpt_tos, content)
        return "250 OK"


class SmtpSink:
    """An aiosmtpd server keeping every message (and when it came, in `received_at`);
    `replies` scripts failures (e.g. '421 ...'); `delay_seconds` makes each message take
    that long to accept (a slow relay)."""

    def __init__(
        self, port: int = 0, on_message: Callable[[EmailMessage], None] | None = None
    ) -> None:
        from ._processes import free_port

        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self.received_at: list[float] = []
        self.replies: list[str] = []
        self.delay_seconds = 0.0
        self.on_message = on_message
        self._lock = threading.Lock()
        self._controller = Controller(_Collector(self), hostname="127.0.0.1", port=self.port)

    def store(self, recipients: list[str], content: bytes) -> None:
        # The modern policy decodes encoded-word headers: Subject reads as the sender wrote it.
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(message)
            self.received_at.append(time.time())
        if self.on_message is not None:
            self.on_message(message)

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
