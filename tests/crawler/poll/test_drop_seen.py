"""Drop seen: published articles and those another poll here is publishing are left out;
the claim lasts as long as the poll's block, however it ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactwatch_crawler.canonical import article_id
from pactwatch_crawler.listing import Entry
from pactwatch_crawler.poll._drop_seen import drop_seen
from pactwatch_crawler.seen import SeenStore
from pactwatch_crawler.sources import Source

pytestmark = pytest.mark.unit

SOURCE = Source(id="s", url="https://example.org/rss")


def entry(path: str, title: str | None = None) -> Entry:
    url = f"https://example.org/{path}"
    return Entry(url, article_id(url), title or path, "", False, None, None)


def test_published_and_repeated_entries_are_dropped(tmp_path: Path) -> None:
    store = SeenStore(tmp_path / "seen.sqlite3")
    store.mark("other-source", [entry("old").article_id])
    listed = [entry("old"), entry("a"), entry("a", "a again"), entry("b")]
    with drop_seen(SOURCE, listed, store, set()) as new:
        assert [e.title for e in new] == ["a", "b"]  # first occurrence, document order


def test_a_concurrent_poll_skips_what_this_one_is_publishing(tmp_path: Path) -> None:
    store = SeenStore(tmp_path / "seen.sqlite3")
    in_flight: set[str] = set()
    with drop_seen(SOURCE, [entry("a"), entry("b")], store, in_flight) as first:
        assert in_flight == {e.article_id for e in first}
        with drop_seen(SOURCE, [entry("b"), entry("c")], store, in_flight) as second:
            assert [e.title for e in second] == ["c"]
        assert in_flight == {e.article_id for e in first}  # the inner claim ended alone
    assert in_flight == set()


def test_the_claim_ends_when_the_poll_fails(tmp_path: Path) -> None:
    store = SeenStore(tmp_path / "seen.sqlite3")
    in_flight: set[str] = set()
    with pytest.raises(RuntimeError), drop_seen(SOURCE, [entry("a")], store, in_flight):
        raise RuntimeError("publishing broke")
    assert in_flight == set()  # unpublished, so the next poll tries again
