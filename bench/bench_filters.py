"""Speed of subscription filter matching: one event against 10,000 subscriptions.

    .venv/bin/python bench/bench_filters.py [--subscriptions 10000] [--events 200]

10,000 subscriptions with a realistic spread of filters (seeded random): event types,
minimum confidence, parties, regions, sectors and keywords (English and Chinese, include and
exclude lists), languages and sources. Each event is turned into an `EventView` once and
matched against every compiled filter, as the workers do. The baseline is a bare loop doing
only the event-type check over the same 10,000 subscriptions, so the ratio holds on a noisy
machine. Prints JSON: matches/second (subscription x event checks), milliseconds per event
against all subscriptions (median and p99), compile time, and how many matched.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import UTC, datetime

from pactwatch_notifier.filters import CompiledFilter, EventView
from pactwatch_notifier.models import Filters
from pactwatch_schemas import ArticleRef, Event

PARTIES = [
    "Wuxi Municipal Government",
    "Pfizer",
    "Siemens",
    "无锡市人民政府",
    "辉瑞公司",
    "Suzhou Industrial Park",
    "BASF",
    "腾讯",
    "Huawei",
    "Tesla",
    "宁德时代",
    "Bosch",
]
REGIONS = ["Wuxi", "Suzhou", "Jiangsu", "Shanghai", "无锡", "苏州", "江苏", "Shenzhen", "广东"]
SECTORS = ["Pharmaceuticals", "Energy", "Automotive", "Semiconductors", "生物医药", "新能源"]
KEYWORDS = [
    "MoU",
    "memorandum of understanding",
    "port",
    "logistics",
    "签约",
    "战略合作",
    "investment",
    "投资",
    "agreement",
    "协议",
    "battery",
    "电池",
    "hospital",
]
LANGS = ["en", "zh", "zh-CN"]
SOURCES = [f"source-{n}" for n in range(50)]


def random_filters(rng: random.Random) -> Filters:
    data: dict[str, object] = {}
    if rng.random() < 0.3:
        data["event_types"] = [rng.choice(["signing", "cooperation"])]
    if rng.random() < 0.4:
        data["min_confidence"] = round(rng.uniform(0.3, 0.9), 2)
    for name, pool, p in (
        ("parties", PARTIES, 0.3),
        ("regions", REGIONS, 0.4),
        ("sectors", SECTORS, 0.3),
        ("keywords", KEYWORDS, 0.5),
    ):
        if rng.random() < p:
            data[name] = rng.sample(pool, rng.randint(1, 4))
        if rng.random() < p / 3:
            data[f"{name}_exclude"] = rng.sample(pool, 1)
    if rng.random() < 0.2:
        data["languages"] = [rng.choice(LANGS)]
    if rng.random() < 0.1:
        data["source_ids"] = rng.sample(SOURCES, 3)
    if rng.random() < 0.1:
        data["source_tags"] = {"region": rng.sample(REGIONS, 2)}
    return Filters.model_validate(data)


def random_event(rng: random.Random, n: int) -> Event:
    now = datetime.now(UTC)
    chinese = rng.random() < 0.5
    parties = rng.sample(PARTIES, 2)
    title = (
        f"{parties[0]}与{parties[1]}签署{rng.choice(SECTORS)}战略合作协议"
        if chinese
        else f"{parties[0]} signs {rng.choice(KEYWORDS)} with {parties[1]} on {rng.choice(SECTORS)}"
    )
    event_id = f"{n:032x}"
    return Event(
        schema_version=1,
        event_id=event_id,
        type=rng.choice(["signing", "cooperation"]),
        cameo="057",
        confidence=round(rng.uniform(0.4, 1.0), 2),
        parties=parties,
        evidence=title
        + (" 双方将推动产业合作。" if chinese else " Both sides will cooperate.") * 3,
        evidence_spans=[],
        locations=rng.sample(REGIONS, 1),
        sectors=rng.sample(SECTORS, 1),
        fingerprint=event_id,
        article=ArticleRef(
            id=event_id,
            url=f"https://example.org/{n}",
            title=title,
            source_id=rng.choice(SOURCES),
            source_tags={"region": rng.choice(REGIONS)},
            language="zh-CN" if chinese else "en",
            fetched_at=now,
        ),
        detected_at=now,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(42)
    filters = [random_filters(rng) for _ in range(args.subscriptions)]
    events = [random_event(rng, n) for n in range(args.events)]

    started = time.perf_counter()
    compiled = [CompiledFilter.compile(f) for f in filters]
    compile_ms = (time.perf_counter() - started) * 1000
    types = [c.event_types for c in compiled]

    per_event: list[float] = []
    baseline: list[float] = []
    matched = 0
    for event in events:  # one warm-up pass is the first few events; the median hides it
        t0 = time.perf_counter()
        view = EventView.of(event)
        matched += sum(1 for c in compiled if c.matches(view))
        per_event.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        sum(1 for t in types if event.type in t)
        baseline.append(time.perf_counter() - t0)

    checks = args.subscriptions * args.events
    total = sum(per_event)
    median = statistics.median(per_event)
    print(
        json.dumps(
            {
                "subscriptions": args.subscriptions,
                "events": args.events,
                "matches_per_second": round(checks / total),
                "ms_per_event_median": round(median * 1000, 2),
                "ms_per_event_p99": round(
                    sorted(per_event)[int(len(per_event) * 0.99) - 1] * 1000, 2
                ),
                "baseline_type_check_ms_per_event": round(statistics.median(baseline) * 1000, 2),
                "ratio_to_baseline": round(median / statistics.median(baseline), 1),
                "compile_ms_all_subscriptions": round(compile_ms, 1),
                "matched_share": round(matched / checks, 4),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
