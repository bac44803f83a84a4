from __future__ import annotations

from pathlib import Path

import pytest

from pactwatch_crawler.seen import SeenStore

pytestmark = pytest.mark.unit


def test_seen_set_survives_reopening(tmp_path: Path) -> None:
    store = SeenStore(tmp_path / "seen.sqlite3")
    assert store.unseen(["a", "b", "c"]) == {"a", "b", "c"}
    store.mark("src", ["a", "b"])
    store.close()
    reopened = SeenStore(tmp_path / "seen.sqlite3")
    assert reopened.unseen(["a", "b", "c", "c"]) == {"c"}
    assert len(reopened) == 2


def test_many_ids_at_once(tmp_path: Path) -> None:
    store = SeenStore(tmp_path / "seen.sqlite3")
    ids = [f"{i:032x}" for i in range(2000)]
    store.mark("src", ids[:1500])
    assert store.unseen(ids) == set(ids[1500:])
