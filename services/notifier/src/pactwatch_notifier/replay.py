"""`pactwatch-notifier-replay`: send dead-lettered deliveries through the retry path again.

    pactwatch-notifier-replay [--subscription ID] [--event EVENT_ID] [--since 2026-11-21T00:00Z]
                              [--dry-run]

Reads the dead-letter topic from its start to its current end, picks the notifier's
`delivery_failed` letters matching the filters, and publishes each stored event for its
subscription to the retry topic as attempt 1 of a new chain (`replay-…`), due now. The running
notifier then delivers it with the full retry schedule; a pair already delivered meanwhile
is skipped by the delivery ledger, so replaying twice does not alert twice once it got through.
Settings (bootstrap, topics) come from the same environment as the notifier's. Prints one
JSON line per replayed letter and a summary; exit code 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from pactwatch_schemas import DeadLetter, DecodeError, Event, NotifierRetry, decode, encode

from .core.config import Settings


async def _read_all(bootstrap: str, topic: str) -> list[bytes]:
    # No group: every partition is assigned to us, read from the beginning, nothing committed.
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        async with asyncio.timeout(30):
            while not consumer.assignment():
                await asyncio.sleep(0.05)
        tps = sorted(consumer.assignment())
        end = await consumer.end_offsets(tps)
        out: list[bytes] = []
        while any([await consumer.position(tp) < end[tp] for tp in tps]):
            batch = await consumer.getmany(timeout_ms=500)
            out.extend(r.value for records in batch.values() for r in records if r.value)
        return out
    finally:
        await consumer.stop()


def select(
    letters: list[DeadLetter],
    *,
    subscription: str | None = None,
    event_id: str | None = None,
    since: datetime | None = None,
) -> list[tuple[DeadLetter, Event]]:
    """The replayable letters (notifier delivery failures with an intact event) that match."""
    chosen = []
    for letter in letters:
        if letter.service != "notifier" or letter.reason != "delivery_failed":
            continue
        if letter.subscription_id is None or letter.payload_truncated:
            continue
        if subscription is not None and letter.subscription_id != subscription:
            continue
        if since is not None and letter.failed_at < since:
            continue
        try:
            event = decode(Event, letter.payload.encode())
        except DecodeError:
            continue
        if event_id is not None and event.event_id != event_id:
            continue
        chosen.append((letter, event))
    return chosen


def retry_record(subscription_id: str, event: Event, chain: str) -> NotifierRetry:
    """Attempt 1 of a new chain, due now: what a replay publishes to the retry topic."""
    return NotifierRetry(
        schema_version=1,
        subscription_id=subscription_id,
        event=event,
        attempt=1,
        not_before=datetime.now(UTC),
        chain=chain,
    )


async def replay(
    settings: Settings,
    *,
    subscription: str | None = None,
    event_id: str | None = None,
    since: datetime | None = None,
    dry_run: bool = False,
) -> int:
    letters = []
    for raw in await _read_all(settings.kafka_bootstrap, settings.dead_letter_topic):
        try:
            letters.append(decode(DeadLetter, raw))
        except DecodeError:
            continue
    chosen = select(letters, subscription=subscription, event_id=event_id, since=since)
    producer = (
        None
        if dry_run
        else AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, enable_idempotence=True)
    )
    if producer is not None:
        await producer.start()
    chain = f"replay-{uuid.uuid4().hex[:12]}"
    try:
        for letter, event in chosen:
            assert letter.subscription_id is not None
            retry = retry_record(letter.subscription_id, event, chain)
            if producer is not None:
                await producer.send_and_wait(
                    settings.retry_topic, encode(retry), key=event.event_id.encode()
                )
            print(
                json.dumps(
                    {
                        "replayed" if producer else "would_replay": letter.subscription_id,
                        "event_id": event.event_id,
                        "failed_at": letter.failed_at.isoformat(),
                        "error": letter.error[:200],
                    }
                )
            )
    finally:
        if producer is not None:
            await producer.stop()
    print(
        json.dumps(
            {
                "dead_letters_read": len(letters),
                "replayed": len(chosen),
                "chain": chain,
                "dry_run": dry_run,
            }
        )
    )
    return len(chosen)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="pactwatch-notifier-replay",
        description="Publish dead-lettered notifier deliveries to the retry topic again.",
    )
    parser.add_argument("--subscription", help="only this subscription id")
    parser.add_argument("--event", dest="event_id", help="only this event id")
    parser.add_argument(
        "--since",
        type=datetime.fromisoformat,
        help="only letters that failed at or after this time (ISO 8601, with zone)",
    )
    parser.add_argument("--dry-run", action="store_true", help="list, publish nothing")
    args = parser.parse_args(argv)
    if args.since is not None and args.since.tzinfo is None:
        parser.error("--since needs a time zone, e.g. 2026-11-21T00:00+00:00")
    settings = Settings()
    asyncio.run(
        replay(
            settings,
            subscription=args.subscription,
            event_id=args.event_id,
            since=args.since,
            dry_run=args.dry_run,
        )
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
