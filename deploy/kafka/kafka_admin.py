"""Readiness check and topic creation for the dev broker, with aiokafka.

Called by kafka.sh with the repo's .venv Python (stdlib + aiokafka only):

    python kafka_admin.py wait-ready    --bootstrap HOST:PORT [--timeout S] [--pid PID]
    python kafka_admin.py create-topics --bootstrap HOST:PORT --topics a:6,b:3 [--timeout S]

Exit status 0 on success, 1 on failure (message on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

TOPIC_ALREADY_EXISTS = 36
# The crawler's state topics keep only the newest record per key (source id, article id).
COMPACTED = frozenset({"pactwatch.crawler.sources", "pactwatch.crawler.seen"})


def parse_topics(spec: str) -> dict[str, int]:
    """'name:partitions,name:partitions' -> {name: partitions}."""
    topics: dict[str, int] = {}
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, parts = item.partition(":")
        if not sep or not name or not parts.isdigit() or int(parts) < 1:
            raise SystemExit(f"bad topic spec {item!r}: expected name:partitions")
        topics[name] = int(parts)
    return topics


def pid_alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _metadata_once(bootstrap: str) -> dict[str, Any]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
        cluster: dict[str, Any] = await admin.describe_cluster()
        return cluster
    finally:
        await admin.close()


async def wait_ready(bootstrap: str, limit_s: float, pid: int | None) -> int:
    # "Port open" is not enough: the broker only answers metadata requests
    # with itself listed once it has registered with the controller.
    deadline = time.monotonic() + limit_s
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            print(f"broker process {pid} exited during startup", file=sys.stderr)
            return 1
        try:
            cluster = await asyncio.wait_for(_metadata_once(bootstrap), 10)
            if cluster.get("brokers"):
                return 0
            last_error = "metadata lists no brokers yet"
        except Exception as exc:  # connection refused, timeouts, not ready yet
            last_error = f"{type(exc).__name__}: {exc}"
        await asyncio.sleep(0.25)
    print(f"broker at {bootstrap} not ready after {limit_s:.0f}s ({last_error})", file=sys.stderr)
    return 1


async def create_topics(bootstrap: str, topics: dict[str, int], limit_s: float) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        response = await admin.create_topics(
            [
                NewTopic(
                    name,
                    num_partitions=n,
                    replication_factor=1,
                    topic_configs={"cleanup.policy": "compact"} if name in COMPACTED else {},
                )
                for name, n in topics.items()
            ]
        )
        failed = False
        for entry in response.topic_errors:
            name, code = entry[0], entry[1]
            message = entry[2] if len(entry) > 2 else ""
            if code == 0:
                print(f"created topic {name} ({topics[name]} partitions)")
            elif code == TOPIC_ALREADY_EXISTS:
                pass  # idempotent; partition count is checked below
            else:
                failed = True
                print(f"creating topic {name} failed: error {code} {message}", file=sys.stderr)
        if failed:
            return 1

        # Wait until every partition has a leader, so a producer started right
        # after this does not hit LEADER_NOT_AVAILABLE.
        deadline = time.monotonic() + limit_s
        while True:
            pending = []
            for t in await admin.describe_topics(list(topics)):
                parts = t["partitions"]
                if t["error_code"] != 0 or not parts or any(p["leader"] < 0 for p in parts):
                    pending.append(t["topic"])
                elif len(parts) != topics[t["topic"]]:
                    # Kept as is: changing partition counts remaps keys.
                    print(
                        f"note: topic {t['topic']} exists with {len(parts)} partitions "
                        f"(wanted {topics[t['topic']]}); left unchanged",
                        file=sys.stderr,
                    )
            if not pending:
                return 0
            if time.monotonic() > deadline:
                print(f"topics without leaders after {limit_s:.0f}s: {pending}", file=sys.stderr)
                return 1
            await asyncio.sleep(0.2)
    finally:
        await admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_wait = sub.add_parser("wait-ready")
    p_wait.add_argument("--bootstrap", required=True)
    p_wait.add_argument("--timeout", type=float, default=60)
    p_wait.add_argument("--pid", type=int)
    p_topics = sub.add_parser("create-topics")
    p_topics.add_argument("--bootstrap", required=True)
    p_topics.add_argument("--topics", required=True, help="name:partitions,...")
    p_topics.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args(argv)

    # aiokafka logs every refused connection at ERROR while we poll; the
    # outcome is reported by this script instead.
    logging.basicConfig(level=logging.CRITICAL)

    if args.cmd == "wait-ready":
        return asyncio.run(wait_ready(args.bootstrap, args.timeout, args.pid))
    return asyncio.run(create_topics(args.bootstrap, parse_topics(args.topics), args.timeout))


if __name__ == "__main__":
    sys.exit(main())
