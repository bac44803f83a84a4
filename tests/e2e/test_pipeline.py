"""The whole path over real parts: feed server -> crawler -> Kafka -> classifier -> Kafka ->
notifier -> webhook receiver and SMTP server, each service its own process."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from pactwatch_devtools import (
    FeedItem,
    FeedServer,
    SmtpSink,
    WebhookReceiver,
    render_rss,
    wait_until,
)

pytestmark = pytest.mark.integration

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
ORDINARY_NEWS = FeedItem(
    title="Heavy rain expected across Jiangsu this weekend",
    link="",  # set per test
    text=(
        "The provincial meteorological bureau said on Friday that heavy rain will sweep across "
        "southern Jiangsu from Saturday, with 50 to 80 millimetres expected in Wuxi and Suzhou.\n"
        "Residents are advised to avoid low-lying roads, and ferry services on Taihu Lake may be "
        "suspended. Temperatures will drop by six degrees by Monday."
    ),
)


def _write(path: Path, text: str) -> str:
    path.write_text(text, "utf-8")
    return str(path)


def test_seed_signings_reach_webhook_and_email(
    tmp_path: Path, seeds: list[dict[str, Any]], pipeline_env: dict[str, str], start_service: Any
) -> None:
    with FeedServer() as feeds, WebhookReceiver(secret=SECRET) as hooks, SmtpSink() as smtp:
        published = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
        items = [
            FeedItem(s["title"], f"{feeds.base_url}/news/{s['name']}", s["text"], published)
            for s in seeds
        ]
        ordinary = FeedItem(ORDINARY_NEWS.title, f"{feeds.base_url}/news/rain", ORDINARY_NEWS.text)
        items.append(ordinary)
        feed_url = feeds.set("/feed.xml", render_rss("Seeds", feeds.base_url, items))
        sources = _write(
            tmp_path / "sources.yaml",
            f"sources:\n  - id: seeds\n    url: {feed_url}\n    interval_seconds: 2\n"
            "    tags: {region: wuxi}\n",
        )
        subscriptions = _write(
            tmp_path / "subscriptions.yaml",
            "subscriptions:\n"
            f"  - id: hook\n    webhook: {{url: '{hooks.url}', secrets: ['{SECRET}']}}\n"
            "  - id: mail\n    email: analyst@example.org\n    event_types: [signing]\n",
        )

        classifier = start_service("classifier", pipeline_env)
        notifier = start_service(
            "notifier",
            {
                **pipeline_env,
                "PACTWATCH_NOTIFIER_SUBSCRIPTIONS_FILE": subscriptions,
                "PACTWATCH_NOTIFIER_SMTP_PORT": str(smtp.port),
            },
        )
        crawler = start_service(
            "crawler", {**pipeline_env, "PACTWATCH_CRAWLER_SOURCES_FILE": sources}
        )

        signing_seeds = [s for s in seeds if s["label"] == "signing"]
        assert signing_seeds, "labels.json names no signing article"
        by_url = {item.link: item for item in items}

        def alerted_urls() -> set[str]:
            return {p["event"]["article"]["url"] for p in hooks.payloads()}

        wanted = {f"{feeds.base_url}/news/{s['name']}" for s in signing_seeds}
        wait_until(lambda: wanted <= alerted_urls(), 120, f"webhook alerts for {sorted(wanted)}")

        # Every alert is signed, carries the article's url and title, and uses its id as webhook-id.
        for received in hooks.received:
            assert received.verified is True
            alert = received.json()
            assert received.headers["webhook-id"] == alert["alert_id"]
            article = alert["event"]["article"]
            assert article["title"] == by_url[article["url"]].title
            assert article["source_tags"] == {"region": "wuxi"}
        signing_alerts = [p for p in hooks.payloads() if p["event"]["type"] == "signing"]
        assert {p["event"]["article"]["url"] for p in signing_alerts} >= wanted

        # Email: one per signing event, with a subject that says what happened.
        def mailed_urls() -> set[str]:
            return {
                url
                for m in smtp.messages
                for url in wanted
                if url in m.get_body(("plain",)).get_content()
            }

        wait_until(lambda: mailed_urls() == wanted, 60, "an email for each signing seed")
        assert all(m["Subject"].startswith("Signing: ") for m in smtp.messages)
        assert len({m["Message-ID"] for m in smtp.messages}) == len(smtp.messages)

        # Let the pipeline drain: everything crawled was classified, every event consumed.
        wait_until(
            lambda: classifier.metric("pactwatch_classifier_articles_total") == len(items),
            60,
            f"classifier to classify all {len(items)} articles",
        )
        wait_until(
            lambda: (
                notifier.metric("pactwatch_notifier_events_consumed_total")
                == classifier.metric("pactwatch_classifier_events_total")
            ),
            60,
            "notifier to consume every event",
        )
        assert classifier.metric("pactwatch_classifier_articles_total", {"label": "none"}) >= 1
        assert ordinary.link not in alerted_urls()
        assert not any(ordinary.link in m.get_body(("plain",)).get_content() for m in smtp.messages)
        # Exactly one delivery per (subscription, event).
        ids = [r.headers["webhook-id"] for r in hooks.received]
        assert len(ids) == len(set(ids))

        for service in (crawler, classifier, notifier):
            for path in ("/healthz", "/readyz"):
                assert httpx.get(service.base_url + path, timeout=5).status_code == 200, path
            assert service.metric(f"pactwatch_{service.name}_build_info") == 1
