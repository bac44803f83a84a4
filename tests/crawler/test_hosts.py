"""Per-host politeness: concurrency and delay per host, a global limit, no global slot held
while waiting out a host's delay."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from pactwatch_crawler.hosts import Politeness, host_key

pytestmark = pytest.mark.unit


def test_host_key_is_scheme_host_port() -> None:
    assert host_key("https://Example.org/a") == "https://example.org:443"
    assert host_key("http://example.org:80/a") == "http://example.org:80"
    assert host_key("http://example.org:8080/a") == "http://example.org:8080"


async def _run(p: Politeness, url: str, log: list[tuple[str, float, float]], hold: float) -> None:
    loop = asyncio.get_running_loop()
    async with p.slot(url):
        start = loop.time()
        await asyncio.sleep(hold)
        log.append((url, start, loop.time()))


async def test_one_host_is_serialised_and_spaced() -> None:
    p = Politeness(per_host_concurrency=1, per_host_delay=0.1, global_concurrency=10)
    log: list[tuple[str, float, float]] = []
    await asyncio.gather(*(_run(p, "http://a.test/x", log, 0.01) for _ in range(4)))
    starts = sorted(s for _, s, _ in log)
    assert all(b - a >= 0.099 for a, b in itertools.pairwise(starts))
    spans = sorted((s, e) for _, s, e in log)
    assert all(prev_end <= start for (_, prev_end), (start, _) in itertools.pairwise(spans))


async def test_per_host_concurrency_two() -> None:
    p = Politeness(per_host_concurrency=2, per_host_delay=0.0, global_concurrency=10)
    in_flight = 0
    peak = 0

    async def one() -> None:
        nonlocal in_flight, peak
        async with p.slot("http://a.test/"):
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(0.02)
            in_flight -= 1

    await asyncio.gather(*(one() for _ in range(6)))
    assert peak == 2


async def test_waiting_on_a_slow_host_does_not_block_other_hosts() -> None:
    # One global slot: if a request waiting out a.test's 0.5 s delay held it, b.test would
    # have to wait too.
    p = Politeness(per_host_concurrency=1, per_host_delay=0.5, global_concurrency=1)
    log: list[tuple[str, float, float]] = []
    loop = asyncio.get_running_loop()
    began = loop.time()
    await _run(p, "http://a.test/1", log, 0.0)
    second_a = asyncio.create_task(_run(p, "http://a.test/2", log, 0.0))
    await asyncio.sleep(0.01)
    await _run(p, "http://b.test/1", log, 0.0)
    b_done = loop.time() - began
    await second_a
    assert b_done < 0.3
    assert [u for u, _, _ in log] == ["http://a.test/1", "http://b.test/1", "http://a.test/2"]


async def test_crawl_delay_raises_the_floor_but_is_capped() -> None:
    p = Politeness(per_host_concurrency=1, per_host_delay=0.0, global_concurrency=4)
    loop = asyncio.get_running_loop()
    starts: list[float] = []
    for _ in range(2):
        async with p.slot("http://a.test/", crawl_delay=0.2):
            starts.append(loop.time())
    assert starts[1] - starts[0] >= 0.199


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        Politeness(per_host_concurrency=0, per_host_delay=1, global_concurrency=1)


async def test_global_limit_across_hosts() -> None:
    p = Politeness(per_host_concurrency=1, per_host_delay=0.0, global_concurrency=2)
    in_flight = 0
    peak = 0

    async def one(host: str) -> None:
        nonlocal in_flight, peak
        async with p.slot(f"http://{host}.test/"):
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(0.02)
            in_flight -= 1

    await asyncio.gather(*(one(f"h{i}") for i in range(6)))
    assert peak == 2
    assert p.hosts_tracked() == 0  # idle hosts are forgotten
