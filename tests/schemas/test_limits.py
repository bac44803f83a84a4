"""The contract's size limits as numbers equal what the JSON Schema files say."""

from __future__ import annotations

from typing import Any

import pytest

import pactwatch_schemas as ps
from pactwatch_schemas import limits

pytestmark = pytest.mark.unit


def keyword(schema: str, *path: str) -> Any:
    node: Any = ps.load_schema(schema)
    for step in path:
        node = node[step]
    return node


CASES = [
    (limits.MAX_URL_CHARS, "article", ("properties", "url", "maxLength")),
    (limits.MAX_TITLE_CHARS, "article", ("properties", "title", "maxLength")),
    (limits.MAX_ARTICLE_TEXT_CHARS, "article", ("properties", "text", "maxLength")),
    (limits.MAX_URL_CHARS, "event", ("$defs", "article_ref", "properties", "url", "maxLength")),
    (
        limits.MAX_TITLE_CHARS,
        "event",
        ("$defs", "article_ref", "properties", "title", "maxLength"),
    ),
    (limits.MAX_PARTIES, "event", ("properties", "parties", "maxItems")),
    (limits.MAX_PARTY_CHARS, "event", ("properties", "parties", "items", "maxLength")),
    (limits.MAX_PARTIES, "event", ("properties", "party_keys", "maxItems")),
    (limits.MAX_PARTY_CHARS, "event", ("properties", "party_keys", "items", "maxLength")),
    (limits.MAX_EVIDENCE_CHARS, "event", ("properties", "evidence", "maxLength")),
    (limits.MAX_EVIDENCE_SPANS, "event", ("properties", "evidence_spans", "maxItems")),
    (limits.MAX_LOCATIONS, "event", ("properties", "locations", "maxItems")),
    (limits.MAX_LOCATION_CHARS, "event", ("properties", "locations", "items", "maxLength")),
    (limits.MAX_SECTORS, "event", ("properties", "sectors", "maxItems")),
    (limits.MAX_SECTOR_CHARS, "event", ("properties", "sectors", "items", "maxLength")),
    (limits.MAX_ALERT_SOURCES, "alert", ("properties", "sources", "maxItems")),
    (limits.MAX_RETRY_ATTEMPTS, "notifier_retry", ("properties", "attempts", "maxItems")),
    (
        limits.MAX_ATTEMPT_OUTCOME_CHARS,
        "notifier_retry",
        ("properties", "attempts", "items", "properties", "outcome", "maxLength"),
    ),
    (
        limits.MAX_ATTEMPT_OUTCOME_CHARS,
        "dead_letter",
        ("properties", "attempts", "items", "properties", "outcome", "maxLength"),
    ),
]


@pytest.mark.parametrize(
    ("limit", "schema", "path"),
    CASES,
    ids=[
        f"{schema}:{'.'.join(p for p in path if p not in ('properties', '$defs'))}"
        for _, schema, path in CASES
    ],
)
def test_limit_equals_the_schema_file(limit: int, schema: str, path: tuple[str, ...]) -> None:
    assert limit == keyword(schema, *path)
