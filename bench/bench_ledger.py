"""The delivery ledger alone: one batch's cost on PostgreSQL and SQLite, next to a bare round trip.

A batch here is what a busy worker sends (`worker/ledger.py`): 40 new claims, the 40 `sent`
outcomes of the batch before and 20 new sources (100 requests), written with
`Ledger.apply_async`, the workers' path, on a table that grows by 40 alerts a batch. Per
batch: the client's CPU (this process's `process_time`, which another process's load moves
little) and the wall time. The baseline, in the same run: a bare `SELECT 1` on the same kind
of connection (psycopg's asyncio mode for PostgreSQL, the sqlite3 module for SQLite), the
floor of any batch.

    .venv/bin/python bench/bench_ledger.py [--batches 400]    # or make bench-ledger
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from pactwatch_devtools import PostgresServer
from pactwatch_notifier.store import AlertKey, ClaimRequest, LedgerBatch, Outcome, Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from notifier.helpers import make_event

WARMUP = 20


async def ledger_batches(url: str, batches: int) -> tuple[float, float]:
    """Client CPU and wall seconds per batch, after a warm-up."""
    store = Store(url)
    store.migrate()
    cpu = wall = 0.0
    pending: list[AlertKey] = []
    for n in range(batches + WARMUP):
        events = [make_event(1_000_000 + 40 * n + i) for i in range(40)]
        claims = [ClaimRequest(AlertKey("hook", e.event_id), e.article, "first", 1) for e in events]
        batch = LedgerBatch(
            outcomes=[Outcome(a, "sent", channel="webhook") for a in pending],
            sources=[(e.event_id, e.article) for e in events[:20]],
            claims=claims,
        )
        c0, w0 = time.process_time(), time.perf_counter()
        await store.ledger.apply_async(batch, "bench", 30.0)
        if n >= WARMUP:
            cpu += time.process_time() - c0
            wall += time.perf_counter() - w0
        pending = [c.alert for c in claims]
    await store.ledger.close_async()
    store.close()
    return cpu / batches, wall / batches


async def bare_postgres(dsn: str, rounds: int) -> tuple[float, float]:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(rounds):
            await (await conn.execute("SELECT 1")).fetchone()
        return (time.process_time() - c0) / rounds, (time.perf_counter() - w0) / rounds


def bare_sqlite(path: Path, rounds: int) -> tuple[float, float]:
    conn = sqlite3.connect(path)
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(rounds):
        conn.execute("SELECT 1").fetchone()
    conn.close()
    return (time.process_time() - c0) / rounds, (time.perf_counter() - w0) / rounds


def report(store: str, bare: tuple[float, float], ledger: tuple[float, float]) -> None:
    print(
        f"{store:<10} bare SELECT 1: CPU {bare[0] * 1e6:,.0f} µs, wall {bare[1] * 1e6:,.0f} µs"
        f"   ledger batch (100 requests): CPU {ledger[0] * 1e3:.2f} ms "
        f"({ledger[0] / bare[0]:,.0f}x bare), wall {ledger[1] * 1e3:.2f} ms "
        f"({ledger[1] / bare[1]:,.0f}x bare), {ledger[0] * 1e4:.0f} µs CPU a request"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=400)
    args = parser.parse_args()
    server = PostgresServer().start()
    try:
        url = server.url("postgres")
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        bare = asyncio.run(bare_postgres(dsn, 2_000))
        report("postgresql", bare, asyncio.run(ledger_batches(url, args.batches)))
    finally:
        server.stop()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.sqlite3"
        bare = bare_sqlite(path, 20_000)
        report("sqlite", bare, asyncio.run(ledger_batches(f"sqlite:///{path}", args.batches)))


if __name__ == "__main__":
    main()
