"""Step 6, publish: the articles to the articles topic (idempotent producer, keyed by
article id), wait for the broker's acks, then mark the acked ones seen: a seen record to
the seen topic, the local cache, the fingerprint to the near-duplicate index.

Only what the broker acknowledged is remembered, so a crash between the ack and the seen
record publishes again (at least once) and never loses an article.
"""

from __future__ import annotations

import asyncio
import time

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from pactwatch_schemas import Article, encode

from .. import metrics
from ..neardup import NearDuplicateIndex
from ..seen import SeenLog, SeenRecord
from ..sources import Source

log = structlog.get_logger("pactwatch.crawler")


async def publish(
    source: Source,
    articles: list[Article],
    fingerprints: dict[str, int],
    *,
    producer: AIOKafkaProducer,
    topic: str,
    seen: SeenLog,
    index: NearDuplicateIndex,
) -> int:
    """Publish, wait for the acks, mark the acked seen; returns how many were acked."""
    if not articles:
        return 0
    acked = await _send_all(producer, topic, articles)
    now = time.time()
    records = [
        SeenRecord(
            article_id=a.id,
            source_id=source.id,
            first_seen=now,
            simhash=None if a.duplicate_of else fingerprints.get(a.id),
            duplicate_of=a.duplicate_of,
        )
        for a in acked
    ]
    for record in records:
        if record.simhash is not None:
            index.add(record.article_id, record.simhash, now)
    try:
        await seen.publish(producer, records)
    except KafkaError as exc:
        # Published and remembered here; other replicas may publish these again.
        log.warning("seen_records_not_written", source=source.id, error=repr(exc))
    metrics.PUBLISHED.labels(source.id).inc(len(acked))
    metrics.SEEN.set(len(seen.store))
    metrics.NEAR_DUP_INDEX.set(len(index))
    failed = len(articles) - len(acked)
    if failed:
        metrics.PUBLISH_ERRORS.inc(failed)
        log.warning("publish_failed", source=source.id, failed=failed, published=len(acked))
    return len(acked)


async def _send_all(
    producer: AIOKafkaProducer, topic: str, articles: list[Article]
) -> list[Article]:
    """The articles the broker acknowledged. Enqueued one by one (each send returns once
    its batch has room), then all acks awaited: hundreds of concurrent sends would each be
    woken on every batch drain."""
    loop = asyncio.get_running_loop()
    acks: list[asyncio.Future[object]] = []
    for article in articles:
        try:
            ack: asyncio.Future[object] = await producer.send(
                topic, encode(article), key=article.id.encode()
            )
        except KafkaError as exc:  # refused at once: an already-failed ack
            ack = loop.create_future()
            ack.set_exception(exc)
        acks.append(ack)
    results = await asyncio.gather(*acks, return_exceptions=True)
    return [a for a, r in zip(articles, results, strict=True) if not isinstance(r, BaseException)]
