"""SimHash near-duplicates: syndicated copies found, other articles on the topic not."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactwatch_crawler.extract import extract_article
from pactwatch_crawler.neardup import NearDuplicateIndex, hamming, shingles, simhash
from pactwatch_devtools import SEEDS_DIR

pytestmark = pytest.mark.unit

PAGES = Path(__file__).parent / "pages"


def _text(name: str) -> str:
    result = extract_article((PAGES / name).read_bytes(), "https://example.org/a", None)
    assert result is not None
    return result.text


def _restyled(page: str) -> bytes:
    """The same press release on another site: other template, other headline."""
    return (
        page.replace("site-header", "masthead")
        .replace("Latest news", "Recommended")
        .replace("Port of Jiangyin", "Nanjing airport")
        .replace(
            "<h1>Wuxi and Torch Center sign strategic cooperation agreement</h1>",
            "<h1>Torch Center, Wuxi ink innovation pact</h1>",
        )
        .replace("Wuxi Municipal People's Government", "Jiangsu Daily Media Group")
        .encode()
    )


def test_same_press_release_on_another_site_is_found() -> None:
    page = (PAGES / "en_press_release.html").read_text("utf-8")
    original = extract_article(page.encode(), "https://a.example/1", None)
    copy = extract_article(_restyled(page), "https://b.example/2", None)
    assert original is not None and copy is not None
    index = NearDuplicateIndex()
    index.add("original", simhash(original.text), seen_at=1.0)
    assert index.find(simhash(copy.text)) == "original"


def test_copy_with_a_dateline_and_an_about_paragraph_within_a_wider_distance() -> None:
    text = _text("en_press_release.html")
    syndicated = (
        "WUXI, China (Business Wire) -- "
        + text.replace("On November 20, the", "On Thursday, the")
        + "\nAbout the Wuxi News Agency: the official news service of the city."
    )
    distance = hamming(simhash(text), simhash(syndicated))
    assert 0 < distance <= 10
    index = NearDuplicateIndex(max_distance=10)
    index.add("original", simhash(text), seen_at=1.0)
    assert index.find(simhash(syndicated)) == "original"


def test_chinese_copy_with_a_dateline_is_found() -> None:
    text = _text("zh_gov_article.gbk.html")
    copy = "新华社无锡11月20日电 " + text.replace("市长赵建军表示", "赵建军市长表示")
    index = NearDuplicateIndex()
    index.add("zh", simhash(text), seen_at=1.0)
    assert index.find(simhash(copy)) == "zh"


def test_different_articles_on_the_same_topic_are_not_duplicates() -> None:
    # Real articles about Wuxi signings and cooperation (the project's seed documents).
    texts = [p.read_text("utf-8")[:5000] for p in sorted(SEEDS_DIR.glob("*.txt"))]
    texts.append(_text("en_press_release.html"))
    assert len(texts) >= 5
    prints = [simhash(t) for t in texts]
    closest = min(hamming(a, b) for i, a in enumerate(prints) for b in prints[i + 1 :])
    assert closest > 10
    index = NearDuplicateIndex(max_distance=3)
    for i, fp in enumerate(prints[:-1]):
        index.add(f"seed{i}", fp, seen_at=float(i))
    assert index.find(prints[-1]) is None


def test_normalisation_ignores_case_punctuation_and_whitespace() -> None:
    assert simhash("The City SIGNS a deal, today!") == simhash("the city signs a  deal today")
    assert shingles("签署战略合作协议") == shingles("签署 战略，合作 协议")
    assert simhash("") == 0


def test_index_prefers_closest_then_earliest_and_prunes() -> None:
    index = NearDuplicateIndex(max_distance=3)
    base = 0xDEADBEEF_12345678
    index.add("late-exact", base, seen_at=20.0)
    index.add("early-exact", base, seen_at=10.0)
    index.add("near", base ^ 0b111, seen_at=5.0)
    assert index.find(base) == "early-exact"
    assert index.find(base ^ 0b1_0000_0000) == "early-exact"  # 1 bit from base, 4 from "near"
    assert index.find(base ^ 0b110) == "near"  # 1 bit from "near", 2 from base
    assert index.find(base ^ (0b1111 << 40)) is None  # 4 bits from base, 7 from "near"
    assert index.prune(older_than=15.0) == 2
    assert len(index) == 1
    assert index.find(base) == "late-exact"
    index.add("late-exact", base ^ (1 << 63), seen_at=30.0)  # re-adding replaces
    assert len(index) == 1
    assert index.find(base ^ (1 << 63)) == "late-exact"


def test_index_with_100k_fingerprints_answers_by_bucket() -> None:
    import random

    rng = random.Random(7)
    index = NearDuplicateIndex()
    prints = [rng.getrandbits(64) for _ in range(100_000)]
    for i, fp in enumerate(prints):
        index.add(str(i), fp, seen_at=float(i))
    assert len(index) == 100_000
    probe = prints[4242] ^ (1 << 3) ^ (1 << 40)  # 2 bits away
    assert index.find(probe) == "4242"
    assert index.find(rng.getrandbits(64)) is None
