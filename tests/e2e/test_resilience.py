"""The pipeline under failure: crashed processes, a broker outage, a lost replica, a flood of
garbage and a restart of everything. Each test offers a known set of articles and checks, at a
webhook receiver that counts by webhook-id, that every expected alert arrived exactly once."""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from pactwatch_devtools import (
    FeedItem,
    FeedServer,
    ServiceProcess,
    SmtpSink,
    WebhookReceiver,
    create_topics,
    generate_articles,
    produce,
    read_topic,
    render_rss,
    wait_until,
)
from pactwatch_devtools.kafka import KafkaBroker
from pactwatch_schemas import Article, encode

pytestmark = pytest.mark.integration

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
StartService = Callable[..., ServiceProcess]


@dataclass
class Offer:
    """Articles served in a feed that grows by `step` items every `every` seconds."""

    feeds: FeedServer
    items: list[FeedItem]
    expected: set[str]  # links of the items that must each alert exactly once
    step: int = 10
    every: float = 0.5
    shown: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{self.feeds.base_url}/burst.xml"

    def show(self, count: int) -> None:
        self.shown = min(count, len(self.items))
        # Newest first, as real feeds are; the whole history stays in the feed.
        shown = list(reversed(self.items[: self.shown]))
        self.feeds.set("/burst.xml", render_rss("Burst", self.feeds.base_url, shown))

    def start(self) -> None:
        """Keep growing the feed from what is shown now."""

        def grow() -> None:
            while self.shown < len(self.items) and not self._stop.wait(self.every):
                self.show(self.shown + self.step)

        self._thread = threading.Thread(target=grow, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()


def make_offer(feeds: FeedServer, n: int, *, seed: int, event_share: float = 0.3) -> Offer:
    base = datetime.now(UTC) - timedelta(hours=1)
    items, expected = [], set()
    for i, article in enumerate(generate_articles(n, event_share=event_share, seed=seed)):
        link = f"{feeds.base_url}/news/{article.key}"
        items.append(FeedItem(article.title, link, article.text, base + timedelta(seconds=i)))
        if article.event is not None:
            expected.add(link)
    offer = Offer(feeds, items, expected)
    offer.show(0)
    return offer


def alerts_by_url(hooks: WebhookReceiver) -> dict[str, set[str]]:
    """Article URL -> the webhook-ids it was alerted under (retries reuse one id)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for received in list(hooks.received):
        if received.verified:
            seen[received.json()["event"]["article"]["url"]].add(received.headers["webhook-id"])
    return seen


def assert_exactly_once(hooks: WebhookReceiver, expected: set[str]) -> None:
    got = alerts_by_url(hooks)
    missing = expected - set(got)
    unexpected = set(got) - expected
    doubled = {url: ids for url, ids in got.items() if len(ids) > 1}
    assert not missing, f"{len(missing)} expected alerts never arrived, e.g. {sorted(missing)[:3]}"
    assert not unexpected, f"alerts for articles that report nothing: {sorted(unexpected)[:3]}"
    assert not doubled, f"alerted twice under different webhook-ids: {list(doubled.items())[:3]}"
    assert all(r.verified for r in hooks.received), "an alert failed signature verification"


def wait_for_alerts(hooks: WebhookReceiver, expected: set[str], timeout: float) -> None:
    wait_until(
        lambda: expected <= set(alerts_by_url(hooks)),
        timeout,
        f"all {len(expected)} expected alerts (have {len(set(alerts_by_url(hooks)) & expected)})",
    )


def _write(path: Path, text: str) -> str:
    path.write_text(text, "utf-8")
    return str(path)


@dataclass
class Pipeline:
    """The three services of one test, with the settings to start (and restart) each."""

    start_service: StartService
    env: dict[str, str]
    tmp_path: Path
    hooks: WebhookReceiver
    feed_url: str
    procs: dict[str, ServiceProcess] = field(default_factory=dict)
    # Extra subscriptions (YAML entries) and notifier settings, per test.
    more_subscriptions: str = ""
    notifier_env: dict[str, str] = field(default_factory=dict)

    def service_env(self, name: str) -> dict[str, str]:
        if name == "crawler":
            sources = _write(
                self.tmp_path / "sources.yaml",
                f"sources:\n  - id: burst\n    url: {self.feed_url}\n    kind: rss\n"
                "    interval_seconds: 1\n    min_interval_seconds: 1\n"
                "    max_interval_seconds: 1\n    fetch_pages: false\n",
            )
            return {**self.env, "PACTWATCH_CRAWLER_SOURCES_FILE": sources}
        if name == "notifier":
            subscriptions = _write(
                self.tmp_path / "subscriptions.yaml",
                "subscriptions:\n"
                f"  - id: hook\n    webhook: {{url: '{self.hooks.url}', secrets: ['{SECRET}']}}\n"
                + self.more_subscriptions,
            )
            return {
                **self.env,
                "PACTWATCH_NOTIFIER_SUBSCRIPTIONS_FILE": subscriptions,
                "PACTWATCH_NOTIFIER_RETRY_SCHEDULE_SECONDS": "[0.5, 1, 2, 4, 8]",
                # A killed notifier's claims are taken over by its successor in 10 s.
                "PACTWATCH_NOTIFIER_DELIVERY_LEASE_SECONDS": "10",
                "PACTWATCH_NOTIFIER_WEBHOOK_TIMEOUT_SECONDS": "5",
                "PACTWATCH_NOTIFIER_SMTP_TIMEOUT_SECONDS": "5",
                **self.notifier_env,
            }
        return dict(self.env)

    def start(self, name: str, *, as_name: str | None = None) -> ServiceProcess:
        key = as_name or name
        self.procs[key] = self.start_service(name, self.service_env(name), log_name=key)
        return self.procs[key]

    def start_all(self) -> None:
        for name in ("classifier", "notifier", "crawler"):
            self.start(name)


@contextmanager
def pipeline(
    tmp_path: Path, env: dict[str, str], start_service: StartService, *, n: int, seed: int
) -> Iterator[tuple[Pipeline, Offer]]:
    with FeedServer() as feeds, WebhookReceiver(secret=SECRET) as hooks:
        offer = make_offer(feeds, n, seed=seed)
        try:
            yield Pipeline(start_service, env, tmp_path, hooks, offer.url), offer
        finally:
            offer.stop()


PROGRESS = (
    "_messages_consumed_total",
    "_messages_produced_total",
    "_consumer_lag",
    "_errors_total",
)


def logs_of(procs: dict[str, ServiceProcess]) -> str:
    """Each process's flow counters and last log lines: which step stopped, and why."""
    return "\n".join(f"--- {k}\n{_progress(p)}\n{p.tail(40)}" for k, p in procs.items())


def _progress(proc: ServiceProcess) -> str:
    try:
        text = httpx.get(proc.base_url + "/metrics", timeout=5).text
    except httpx.HTTPError as exc:
        return f"(no /metrics: {exc!r})"
    lines = text.splitlines()
    return "\n".join(
        line for line in lines if not line.startswith("#") and any(p in line for p in PROGRESS)
    )


@pytest.mark.parametrize("victim", ["crawler", "classifier", "notifier"])
def test_kill_9_mid_burst_then_restart(
    victim: str, tmp_path: Path, pipeline_env: dict[str, str], start_service: StartService
) -> None:
    with pipeline(tmp_path, pipeline_env, start_service, n=300, seed=11) as (pipe, offer):
        offer.show(30)
        pipe.start_all()
        wait_until(lambda: len(alerts_by_url(pipe.hooks)) >= 3, 90, "the first alerts")
        offer.start()
        # Mid-burst: the feed is still growing when the victim dies.
        wait_until(lambda: offer.shown >= 120, 30, "the burst to be under way")
        pipe.procs[victim].kill()
        time.sleep(1)
        pipe.start(victim, as_name=f"{victim}-again")
        try:
            wait_for_alerts(pipe.hooks, offer.expected, 120)
        except (AssertionError, TimeoutError) as exc:  # wait_until raises TimeoutError
            raise AssertionError(f"{exc}\n{logs_of(pipe.procs)}") from None
        time.sleep(2)  # late duplicates would show up here
        assert_exactly_once(pipe.hooks, offer.expected)


def test_two_classifiers_one_killed(
    tmp_path: Path, pipeline_env: dict[str, str], start_service: StartService
) -> None:
    with pipeline(tmp_path, pipeline_env, start_service, n=300, seed=12) as (pipe, offer):
        pipe.start("classifier")
        pipe.start("classifier", as_name="classifier-2")
        pipe.start("notifier")
        pipe.start("crawler")

        def owned(name: str) -> float:
            return pipe.procs[name].metric("pactwatch_classifier_assigned_partitions")

        wait_until(lambda: owned("classifier") > 0 and owned("classifier-2") > 0, 60, "a split")
        offer.show(30)
        wait_until(lambda: len(alerts_by_url(pipe.hooks)) >= 3, 90, "the first alerts")
        offer.start()
        wait_until(lambda: offer.shown >= 120, 30, "the burst to be under way")
        pipe.procs["classifier-2"].kill()
        try:
            wait_for_alerts(pipe.hooks, offer.expected, 120)
        except (AssertionError, TimeoutError) as exc:  # wait_until raises TimeoutError
            raise AssertionError(f"{exc}\n{logs_of(pipe.procs)}") from None
        # The survivor took over every partition of the articles topic.
        wait_until(lambda: owned("classifier") == 6, 30, "the survivor to own all 6 partitions")
        time.sleep(2)
        assert_exactly_once(pipe.hooks, offer.expected)


def test_flood_of_invalid_messages(
    tmp_path: Path, pipeline_env: dict[str, str], start_service: StartService, kafka: str
) -> None:
    """5,000 invalid messages interleaved with valid articles: each invalid one is
    dead-lettered with its reason; the valid ones still alert; nothing crashes."""
    topic = pipeline_env["PACTWATCH_ARTICLES_TOPIC"]
    dead = pipeline_env["PACTWATCH_DEAD_LETTER_TOPIC"]
    with pipeline(tmp_path, pipeline_env, start_service, n=0, seed=0) as (pipe, _):
        pipe.start("classifier")
        pipe.start("notifier")
        now = datetime.now(UTC)
        valid = []
        expected = set()
        for article in generate_articles(200, event_share=0.3, seed=13):
            url = f"https://news.example.org/{article.key}"
            message = Article(
                schema_version=1,
                id=hashlib.md5(article.key.encode()).hexdigest(),
                url=url,
                title=article.title,
                text=article.text,
                source_id="flood",
                fetched_at=now,
            )
            valid.append(encode(message))
            if article.event is not None:
                expected.add(url)
        wrong_version = json.loads(valid[0])
        wrong_version["schema_version"] = 2
        garbage = {
            "invalid_json": b"\x00\x01 not json {",
            "unsupported_version": json.dumps(wrong_version).encode(),
            "invalid_schema": json.dumps({"schema_version": 1, "id": "nope"}).encode(),
        }
        big = b'{"schema_version": 1, "text": "' + b"x" * (2 * 1024 * 1024) + b'"}'
        values: list[bytes] = []
        reasons: dict[str, int] = defaultdict(int)
        kinds = list(garbage)
        for i in range(5000):
            if i % 25 == 0 and valid:
                values.append(valid.pop())
            if i % 500 == 0:  # ten 2 MB values
                values.append(big)
                reasons["too_large"] += 1
            else:
                kind = kinds[i % len(kinds)]
                values.append(garbage[kind])
                reasons[kind] += 1
        values.extend(valid)
        asyncio.run(produce(kafka, topic, values))

        wait_for_alerts(pipe.hooks, expected, 120)
        total_invalid = sum(reasons.values())
        letters: list[Any] = []

        def dead_lettered() -> int:
            letters[:] = [r.value for r in asyncio.run(read_topic(kafka, dead, 30))]
            return len(letters)

        wait_until(lambda: dead_lettered() >= total_invalid, 90, f"{total_invalid} dead letters")
        counted: dict[str, int] = defaultdict(int)
        for record in letters:
            letter = json.loads(record)
            assert letter["service"] == "classifier"
            counted[letter["reason"]] += 1
        assert dict(counted) == dict(reasons)
        for name, proc in pipe.procs.items():
            assert proc.proc is not None and proc.proc.poll() is None, f"{name} died"
            assert httpx.get(proc.base_url + "/healthz", timeout=5).status_code == 200
        assert_exactly_once(pipe.hooks, expected)


def test_state_survives_restart_of_every_service(
    tmp_path: Path, pipeline_env: dict[str, str], start_service: StartService
) -> None:
    """Seen URLs, the delivery ledger and pending digests are stored: after all services
    restart at once, nothing is published or alerted again, only new articles alert, and
    the digest holds the events from before and after the restart."""
    with (
        pipeline(tmp_path, pipeline_env, start_service, n=120, seed=14) as (pipe, offer),
        SmtpSink() as smtp,
    ):
        pipe.more_subscriptions = "  - id: digest\n    email: digest@example.org\n    mode: daily\n"
        # The first run's period never ends: its digest items must survive the restart.
        pipe.notifier_env = {
            "PACTWATCH_NOTIFIER_SMTP_PORT": str(smtp.port),
            "PACTWATCH_NOTIFIER_DIGEST_PERIOD_SECONDS_OVERRIDE": "31536000",
        }
        first = offer.items[:80]
        later_expected = {i.link for i in offer.items[80:] if i.link in offer.expected}
        first_expected = offer.expected - later_expected
        offer.show(80)
        pipe.start_all()
        wait_for_alerts(pipe.hooks, first_expected, 90)
        wait_until(
            lambda: (
                pipe.procs["notifier"].metric("pactwatch_notifier_digest_items_total")
                >= len(first_expected)
            ),
            30,
            "the first run's digest items",
        )
        published = pipe.procs["crawler"].metric("pactwatch_crawler_articles_published_total")
        assert published == len(first)
        assert not smtp.messages, "a digest went out before its period ended"
        for proc in pipe.procs.values():
            assert proc.stop() == 0
        # The restarted notifier's period is short: it sends the stored and the new items.
        pipe.notifier_env["PACTWATCH_NOTIFIER_DIGEST_PERIOD_SECONDS_OVERRIDE"] = "20"
        for name in ("classifier", "notifier", "crawler"):
            pipe.start(name, as_name=f"{name}-again")
        offer.show(len(offer.items))
        wait_for_alerts(pipe.hooks, offer.expected, 90)
        # Items matched after a period's end wait for the next one: under load the restarted
        # run's items can span two 20 s periods, so read every digest sent.
        wait_until(
            lambda: offer.expected <= set(digested_urls(smtp)),
            90,
            "every event in a digest",
        )
        wait_until(
            lambda: (
                pipe.procs["crawler-again"].metric("pactwatch_crawler_articles_published_total")
                == len(offer.items) - len(first)
            ),
            30,
            "the restarted crawler to publish only the new articles",
        )
        time.sleep(3)
        assert_exactly_once(pipe.hooks, offer.expected)
        ids = [m["Message-ID"] for m in smtp.messages]
        assert len(ids) == len(set(ids)), f"a digest went out more than once: {ids}"
        repeated = {u: n for u, n in Counter(digested_urls(smtp)).items() if n > 1}
        assert not repeated, f"events in more than one digest: {list(repeated)[:3]}"


def digested_urls(smtp: SmtpSink) -> list[str]:
    """The article URL of every item of every digest received, one entry per item."""
    urls = []
    for message in list(smtp.messages):
        body = message.get_body(("plain",))
        assert body is not None
        lines = body.get_content().splitlines()
        urls += [line.strip() for line in lines if line.startswith("  http")]
    return urls


def test_broker_outage_services_wait_and_resume(
    tmp_path: Path, kafka_broker: KafkaBroker, start_service: StartService
) -> None:
    """The broker goes away for 30 s mid-burst: services report unready, keep running, and
    resume on their own when it is back; every alert arrives exactly once."""
    names = {
        "articles": "outage.articles",
        "events": "outage.events",
        "deadletter": "outage.deadletter",
        "retry": "outage.retry",
    }
    bootstrap = kafka_broker.bootstrap
    asyncio.run(
        create_topics(
            bootstrap,
            {names["articles"]: 6, names["events"]: 6, names["deadletter"]: 3, names["retry"]: 6},
        )
    )
    env = {
        "PACTWATCH_KAFKA_BOOTSTRAP": bootstrap,
        "PACTWATCH_ARTICLES_TOPIC": names["articles"],
        "PACTWATCH_EVENTS_TOPIC": names["events"],
        "PACTWATCH_DEAD_LETTER_TOPIC": names["deadletter"],
        "PACTWATCH_NOTIFIER_RETRY_TOPIC": names["retry"],
        # The webhook receiver is on 127.0.0.1: let the workers' address guard through to it.
        "PACTWATCH_NOTIFIER_WEBHOOK_ALLOWLIST": '["127.0.0.1/32"]',
    }
    with pipeline(tmp_path, env, start_service, n=240, seed=15) as (pipe, offer):
        offer.every = 1.0
        offer.show(30)
        pipe.start_all()
        wait_until(lambda: len(alerts_by_url(pipe.hooks)) >= 3, 90, "the first alerts")
        offer.start()
        wait_until(lambda: offer.shown >= 80, 30, "the burst to be under way")
        pids = {name: p.proc.pid for name, p in pipe.procs.items() if p.proc is not None}
        kafka_broker.stop()
        stopped_at = time.monotonic()

        def unready(proc: ServiceProcess) -> bool:
            try:
                return httpx.get(proc.base_url + "/readyz", timeout=5).status_code != 200
            except httpx.HTTPError:
                return False  # the process must keep answering

        for name, proc in pipe.procs.items():
            wait_until(lambda p=proc: unready(p), 25, f"{name} to report unready")
        time.sleep(max(0.0, 30 - (time.monotonic() - stopped_at)))
        kafka_broker.start()
        try:
            for name, proc in pipe.procs.items():
                wait_until(
                    lambda p=proc: httpx.get(p.base_url + "/readyz", timeout=5).status_code == 200,
                    60,
                    f"{name} to be ready again",
                )
            wait_for_alerts(pipe.hooks, offer.expected, 150)
        except (AssertionError, TimeoutError) as exc:  # wait_until raises TimeoutError
            raise AssertionError(f"{exc}\n{logs_of(pipe.procs)}") from None
        for name, proc in pipe.procs.items():
            assert proc.proc is not None and proc.proc.pid == pids[name], f"{name} restarted"
            assert proc.proc.poll() is None, f"{name} exited"
        time.sleep(2)
        assert_exactly_once(pipe.hooks, offer.expected)
