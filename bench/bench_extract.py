"""Speed of the crawler's per-page work: main-text extraction, SimHash, near-dup lookup.

    .venv/bin/python bench/bench_extract.py [--rounds 200]

Pages are the test fixtures (an English press release and a GBK Chinese government
article, both with heavy boilerplate). `extract_article` (charset detection + trafilatura
+ metadata) is compared with a bare baseline on the same bytes in the same run: lxml parse
and `text_content()`, which keeps all the boilerplate. The ratio holds on a noisy machine.
Also: SimHash of the extracted text, and `find` in a NearDuplicateIndex of 100,000
fingerprints. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import lxml.html

from pactwatch_crawler.extract import extract_article
from pactwatch_crawler.neardup import NearDuplicateIndex, simhash

PAGES = Path(__file__).resolve().parent.parent / "tests" / "crawler" / "pages"
ARTICLES = [
    ("en_press_release.html", "https://news.example.gov/press/2026/11/20/a", "utf-8"),
    ("zh_gov_article.gbk.html", "https://www.wuxi.gov.cn/doc/2026/11/20/4129911.shtml", None),
]


def _rate(seconds: float, count: int) -> float:
    return round(count / seconds, 1) if seconds else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    pages = [((PAGES / name).read_bytes(), url, charset) for name, url, charset in ARTICLES]
    count = args.rounds * len(pages)

    started = time.perf_counter()
    for _ in range(args.rounds):
        for body, _, _ in pages:
            lxml.html.document_fromstring(body).text_content()
    baseline = time.perf_counter() - started

    texts: list[str] = []
    started = time.perf_counter()
    for _ in range(args.rounds):
        for body, url, charset in pages:
            result = extract_article(body, url, charset)
            assert result is not None
            texts.append(result.text)
    extraction = time.perf_counter() - started

    started = time.perf_counter()
    prints = [simhash(text) for text in texts]
    hashing = time.perf_counter() - started

    rng = random.Random(1)
    index = NearDuplicateIndex()
    for i in range(100_000):
        index.add(str(i), rng.getrandbits(64), seen_at=float(i))
    started = time.perf_counter()
    for fp in prints:
        index.find(fp)
    lookup = time.perf_counter() - started

    print(
        json.dumps(
            {
                "pages": count,
                "extract_pages_per_second": _rate(extraction, count),
                "baseline_lxml_text_pages_per_second": _rate(baseline, count),
                "extract_cost_vs_baseline": round(extraction / baseline, 1),
                "simhash_texts_per_second": _rate(hashing, len(texts)),
                "neardup_find_per_second_in_100k": _rate(lookup, len(prints)),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
