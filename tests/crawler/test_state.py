"""Source schedule state round-trips through its topic record; unreadable records are ignored."""

from __future__ import annotations

import pytest

from pactwatch_crawler.state import SourceState

pytestmark = pytest.mark.unit


def test_state_round_trips() -> None:
    state = SourceState(
        source_id="wuxi",
        url="https://example.org/rss",
        interval=450.0,
        next_due=1_800_000_000.5,
        etag='W/"abc"',
        last_modified="Sat, 21 Nov 2026 10:00:00 GMT",
        failures=2,
        last_success=1_799_999_000.0,
        last_error="http_503: busy",
        polls=17,
        spacing=3600.0,
    )
    assert SourceState.decode(state.encode()) == state


@pytest.mark.parametrize("raw", [b"", b"[]", b"{}", b'{"source_id": "x"}', b"\xff"])
def test_unreadable_state_is_ignored(raw: bytes) -> None:
    assert SourceState.decode(raw) is None
