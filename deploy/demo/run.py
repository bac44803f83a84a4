"""`make run`: the whole Pactwatch pipeline on this machine, with a demo feed.

Starts a real Kafka broker, a local news feed serving the articles in `articles/`,
the three services as separate processes, a webhook receiver that prints each
alert here, and an SMTP catch-all that saves each email under `.demo/mail/`.
Ctrl-C (or SIGTERM) stops everything, broker included.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import signal
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from pactwatch_devtools import (
    FeedItem,
    FeedServer,
    ServiceProcess,
    SmtpSink,
    WebhookReceiver,
    render_rss,
)
from pactwatch_devtools.kafka import KafkaBroker

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
STATE = REPO / ".demo"
SECRET = "whsec_ZGVtby1zZWNyZXQtZm9yLXBhY3R3YXRjaC0xMjM0"


def say(text: str) -> None:
    print(text, flush=True)


def demo_items(base_url: str) -> list[FeedItem]:
    """The demo articles, newest first, each a page on the local feed server."""
    now = datetime.now(UTC)
    items = []
    for index, path in enumerate(sorted((HERE / "articles").glob("*.txt"))):
        title, _, text = path.read_text("utf-8").strip().partition("\n")
        items.append(
            FeedItem(title, f"{base_url}/news/{path.stem}", text, now - timedelta(hours=index))
        )
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--until-alerts", type=int, default=0, help="exit after N webhook alerts")
    parser.add_argument("--timeout", type=float, default=0, help="give up after S seconds")
    args = parser.parse_args()

    shutil.rmtree(STATE, ignore_errors=True)
    (STATE / "mail").mkdir(parents=True)
    stop = threading.Event()
    alerts: list[Any] = []

    def on_alert(received: Any) -> None:
        event = received.json()["event"]
        alerts.append(event)
        parties = " × ".join(event["parties"]) or "?"
        say(f"\n🔔 ALERT [{event['type']}] {parties}\n   {event['article']['title']}")
        say(f"   {event['article']['url']}  (confidence {event['confidence']:.2f})")
        if len(alerts) >= args.until_alerts > 0:
            stop.set()

    def on_mail(message: EmailMessage) -> None:
        name = STATE / "mail" / f"{len(list((STATE / 'mail').iterdir())) + 1:03d}.eml"
        name.write_bytes(message.as_bytes())
        say(f"✉️  email to {message['To']}: {message['Subject']}  -> {name.relative_to(REPO)}")

    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    say("Starting Kafka (KRaft, one node)…")
    broker = KafkaBroker(data_dir=STATE / "kafka")
    services: list[ServiceProcess] = []
    feeds = FeedServer()
    hooks = WebhookReceiver(secret=SECRET)
    hooks.on_receive = on_alert
    smtp = SmtpSink(on_message=on_mail)
    try:
        broker.start()
        feeds.start()
        hooks.start()
        smtp.start()
        feed_url = feeds.set(
            "/feed.xml", render_rss("Demo news", feeds.base_url, demo_items(feeds.base_url))
        )
        (STATE / "sources.yaml").write_text(
            f"sources:\n  - id: demo-news\n    url: {feed_url}\n    interval_seconds: 10\n"
            "    min_interval_seconds: 5\n    max_interval_seconds: 30\n"
            # The demo feed carries each article's full text; there are no article pages.
            "    fetch_pages: false\n    tags: {region: jiangsu}\n"
        )
        (STATE / "subscriptions.yaml").write_text(
            "subscriptions:\n"
            f"  - id: demo-webhook\n    webhook: {{url: '{hooks.url}', secrets: ['{SECRET}']}}\n"
            "  - id: demo-email\n    email: you@example.org\n    event_types: [signing]\n"
        )
        common = {"PACTWATCH_KAFKA_BOOTSTRAP": broker.bootstrap}
        plan = {
            "classifier": {},
            "notifier": {
                "PACTWATCH_NOTIFIER_SUBSCRIPTIONS_FILE": str(STATE / "subscriptions.yaml"),
                "PACTWATCH_NOTIFIER_SMTP_PORT": str(smtp.port),
                # The demo's webhook receiver is on 127.0.0.1: let the address guard through.
                "PACTWATCH_NOTIFIER_WEBHOOK_ALLOWLIST": '["127.0.0.1/32"]',
            },
            "crawler": {"PACTWATCH_CRAWLER_SOURCES_FILE": str(STATE / "sources.yaml")},
        }
        for name, env in plan.items():
            service = ServiceProcess.pactwatch(
                name,
                {**common, **env},
                data_dir=STATE / name,
                log_path=STATE / "logs" / f"{name}.log",
            )
            say(f"Starting {name}…")
            services.append(service.start())
        say("\nPactwatch is running. Alerts print below within a minute.")
        say(f"  feed        {feed_url}")
        for service in services:
            say(f"  {service.name:<11} {service.base_url}/metrics  {service.base_url}/readyz")
        say(f"  Kafka       {broker.bootstrap}")
        say(f"  logs        {(STATE / 'logs').relative_to(REPO)}/   emails  .demo/mail/")
        say("Press Ctrl-C to stop everything.")
        deadline = time.monotonic() + args.timeout if args.timeout else None
        while not stop.is_set():
            if deadline is not None and time.monotonic() > deadline:
                say(f"\nOnly {len(alerts)} alerts within {args.timeout}s")
                return 1
            for service in services:
                if service.proc is not None and service.proc.poll() is not None:
                    say(f"\n{service.name} exited:\n{service.tail()}")
                    return 1
            stop.wait(0.5)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        say("\nStopping…")
        for service in reversed(services):
            try:
                service.stop()
            except TimeoutError as exc:
                say(str(exc))
        for server in (feeds, hooks, smtp):
            with contextlib.suppress(Exception):  # a server that never started
                server.stop()
        broker.stop()
        say("Stopped.")


if __name__ == "__main__":
    sys.exit(main())
