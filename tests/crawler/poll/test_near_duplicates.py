"""The near-duplicate check: a copy of an article in the shared window or earlier in the
same batch is marked `duplicate_of`; originals keep their fingerprint for the index."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pactwatch_crawler.neardup import NearDuplicateIndex, simhash
from pactwatch_crawler.poll._cpu import CpuThread
from pactwatch_crawler.poll._near_duplicates import mark_near_duplicates
from pactwatch_crawler.sources import Source
from pactwatch_schemas import Article

pytestmark = pytest.mark.unit

SOURCE = Source(id="s", url="https://example.org/rss")
RELEASE = (
    "The city government and the Torch Centre signed a strategic cooperation agreement on "
    "Friday, covering biomedicine, integrated circuits and a joint incubator in the new "
    "district, with a first fund of two hundred million yuan for start-ups. " * 3
)
OTHER = (
    "The port opened a new container route to Rotterdam on Monday; the first ship carried "
    "textiles and machinery, and two sailings a week are planned from next month on. " * 3
)


def article(ident: str, text: str) -> Article:
    return Article(
        schema_version=1,
        id=ident * 32,
        url=f"https://example.org/{ident}",
        title=ident,
        text=text,
        source_id=SOURCE.id,
        fetched_at=datetime(2026, 11, 20, tzinfo=UTC),
    )


async def marked(
    articles: list[Article], index: NearDuplicateIndex, min_chars: int = 200
) -> tuple[list[Article], dict[str, int]]:
    cpu = CpuThread()
    try:
        return await mark_near_duplicates(
            SOURCE, articles, index=index, cpu=cpu, max_distance=3, min_chars=min_chars
        )
    finally:
        cpu.close()


async def test_a_copy_within_the_batch_points_at_the_first() -> None:
    first, copy, other = article("a", RELEASE), article("b", RELEASE), article("c", OTHER)
    out, fingerprints = await marked([first, copy, other], NearDuplicateIndex())
    assert [a.duplicate_of for a in out] == [None, first.id, None]
    assert set(fingerprints) == {first.id, other.id}  # a copy adds no fingerprint


async def test_a_copy_of_an_article_in_the_window_points_at_it() -> None:
    index = NearDuplicateIndex()
    index.add("f" * 32, simhash(RELEASE), 1.0)
    out, fingerprints = await marked([article("b", RELEASE)], index)
    assert out[0].duplicate_of == "f" * 32 and fingerprints == {}
    # The original itself, polled again (by its own id), is no copy of itself.
    (again,), _ = await marked([article("f", RELEASE)], index)
    assert again.duplicate_of is None


async def test_short_texts_get_no_fingerprint() -> None:
    out, fingerprints = await marked(
        [article("a", RELEASE), article("b", RELEASE)], NearDuplicateIndex(), min_chars=10_000
    )
    assert [a.duplicate_of for a in out] == [None, None] and fingerprints == {}
