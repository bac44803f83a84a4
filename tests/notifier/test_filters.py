"""Filter matching: a pure function, tested case by case (no database, no broker)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pactwatch_notifier.filters import CompiledFilter, EventView, FilterCache, matches
from pactwatch_notifier.models import Filters
from pactwatch_schemas import ArticleRef, Event

pytestmark = pytest.mark.unit

ID = "0123456789abcdef0123456789abcdef"
NOW = datetime(2026, 11, 21, 8, tzinfo=UTC)


def event(**over: Any) -> Event:
    """A Wuxi signing reported in English by a government source, unless overridden."""
    article = {
        "id": ID,
        "url": "https://wuxi.example.org/1",
        "title": "Wuxi signs port logistics MoU with Pfizer",
        "source_id": "wuxi-gov",
        "source_tags": {"region": "Wuxi", "kind": "government"},
        "language": "en",
        "fetched_at": NOW,
        **over.pop("article", {}),
    }
    data = {
        "schema_version": 1,
        "event_id": ID,
        "type": "signing",
        "cameo": "057",
        "confidence": 0.8,
        "parties": ["Wuxi Municipal Government", "Pfizer Inc."],
        "evidence": "The city signed a memorandum of understanding on biomedicine.",
        "evidence_spans": [],
        "locations": ["Jiangsu"],
        "sectors": ["Pharmaceuticals"],
        "fingerprint": ID,
        "article": ArticleRef.model_validate(article),
        "detected_at": NOW,
        **over,
    }
    return Event.model_validate(data)


CHINESE = {
    "article": {
        "title": "无锡市人民政府与辉瑞公司签署战略合作协议",
        "language": "zh-CN",
        "source_tags": {"region": "无锡", "sector": "生物医药"},
    },
    "parties": ["无锡市人民政府", "辉瑞公司"],
    "evidence": "双方在无锡签约，推动生物医药产业合作。",
    "locations": ["江苏省"],
    "sectors": [],
}


@pytest.mark.parametrize(
    ("filters", "over", "expected"),
    [
        # no constraint
        ({}, {}, True),
        # event types and confidence
        ({"event_types": ["signing"]}, {}, True),
        ({"event_types": ["cooperation"]}, {}, False),
        ({"event_types": ["cooperation"]}, {"type": "cooperation"}, True),
        ({"min_confidence": 0.8}, {}, True),
        ({"min_confidence": 0.81}, {}, False),
        # parties: whole words, any part of a party's name, case-insensitive
        ({"parties": ["pfizer"]}, {}, True),
        ({"parties": ["WUXI"]}, {}, True),
        ({"parties": ["wuxi municipal"]}, {}, True),
        ({"parties": ["government pfizer"]}, {}, False),  # not across two parties
        ({"parties": ["pfiz"]}, {}, False),
        ({"parties": ["Suzhou", "Pfizer"]}, {}, True),
        ({"parties": ["Suzhou"]}, {}, False),
        ({"parties_exclude": ["pfizer inc."]}, {}, False),
        ({"parties_exclude": ["Novartis"]}, {}, True),
        ({"parties": ["Wuxi"], "parties_exclude": ["Pfizer"]}, {}, False),
        # regions: the event's locations and the source's region tag
        ({"regions": ["jiangsu"]}, {}, True),
        ({"regions": ["wuxi"]}, {}, True),
        ({"regions": ["Shanghai"]}, {}, False),
        ({"regions_exclude": ["Jiangsu"]}, {}, False),
        ({"regions": ["wuxi"]}, {"article": {"source_tags": {}}}, False),
        # sectors: the event's sectors and the source's sector tag
        ({"sectors": ["pharmaceuticals"]}, {}, True),
        ({"sectors": ["pharma"]}, {}, False),  # a word, not a prefix
        ({"sectors": ["energy"]}, {}, False),
        ({"sectors": ["energy"]}, {"article": {"source_tags": {"sector": "Energy"}}}, True),
        ({"sectors_exclude": ["Pharmaceuticals"]}, {}, False),
        # keywords: title and evidence, word boundaries in Latin script
        ({"keywords": ["memorandum of understanding"]}, {}, True),
        ({"keywords": ["MEMORANDUM   of understanding"]}, {}, True),
        ({"keywords": ["port"]}, {}, True),
        ({"keywords": ["port"]}, {"article": {"title": "Portugal deal"}, "evidence": ""}, False),
        ({"keywords": ["logistic"]}, {}, False),
        ({"keywords": ["mou"]}, {}, True),
        ({"keywords": ["biomedicine."]}, {}, True),  # punctuation in a term is literal
        ({"keywords": ["bio.edicine"]}, {}, False),
        ({"keywords_exclude": ["port"]}, {}, False),
        ({"keywords_exclude": ["rumour"]}, {}, True),
        ({"keywords": ["Pfizer"], "keywords_exclude": ["logistics"]}, {}, False),
        # languages: primary subtag takes regional variants
        ({"languages": ["en"]}, {}, True),
        ({"languages": ["zh"]}, {}, False),
        ({"languages": ["zh"]}, CHINESE, True),
        ({"languages": ["zh-CN"]}, CHINESE, True),
        ({"languages": ["zh-TW"]}, CHINESE, False),
        ({"languages": ["EN", "zh"]}, CHINESE, True),
        ({"languages": ["en"]}, {"article": {"language": None}, "language": "en"}, True),
        # sources
        ({"source_ids": ["wuxi-gov"]}, {}, True),
        ({"source_ids": ["WUXI-GOV"]}, {}, True),
        ({"source_ids": ["wuxi"]}, {}, False),
        ({"source_tags": {"kind": "government"}}, {}, True),
        ({"source_tags": {"kind": ["media", "government"]}}, {}, True),
        ({"source_tags": {"kind": ["media"]}}, {}, False),
        ({"source_tags": {"kind": ["government"], "region": ["Suzhou"]}}, {}, False),
        ({"source_tags": {"missing": ["x"]}}, {}, False),
        # Chinese: substrings (no spaces between words)
        ({"keywords": ["签约"]}, CHINESE, True),
        ({"keywords": ["战略合作"]}, CHINESE, True),
        ({"keywords": ["投资"]}, CHINESE, False),
        ({"keywords_exclude": ["签署"]}, CHINESE, False),
        ({"parties": ["辉瑞"]}, CHINESE, True),
        ({"regions": ["无锡"]}, CHINESE, True),
        ({"regions": ["江苏"]}, CHINESE, True),
        ({"regions": ["苏州"]}, CHINESE, False),
        ({"sectors": ["生物医药"]}, CHINESE, True),
        # Latin terms next to CJK characters still count as words
        ({"keywords": ["MoU"]}, {"article": {"title": "无锡与辉瑞签署MoU"}, "evidence": ""}, True),
        # everything at once
        (
            {
                "event_types": ["signing"],
                "min_confidence": 0.5,
                "parties": ["Pfizer"],
                "regions": ["Wuxi"],
                "sectors": ["Pharmaceuticals"],
                "keywords": ["MoU"],
                "languages": ["en"],
                "source_ids": ["wuxi-gov"],
                "source_tags": {"kind": "government"},
            },
            {},
            True,
        ),
    ],
)
def test_matches(filters: dict[str, Any], over: dict[str, Any], expected: bool) -> None:
    over = {k: (dict(v) if isinstance(v, dict) else v) for k, v in over.items()}
    assert matches(Filters.model_validate(filters), event(**over)) is expected


def test_terms_are_regex_safe() -> None:
    hostile = Filters(keywords=["(a+)+$", "[", "\\", "C++"])
    assert not matches(hostile, event())
    assert matches(Filters(keywords=["C++"]), event(evidence="Deal on C++ tooling"))


def test_compiled_filter_is_reused_until_the_subscription_changes() -> None:
    cache = FilterCache()
    first = cache.get("s", NOW, Filters(keywords=["port"]))
    assert cache.get("s", NOW, Filters(keywords=["other"])) is first  # same updated_at
    changed = cache.get("s", NOW + timedelta(seconds=1), Filters(keywords=["other"]))
    assert changed is not first and not changed.matches(EventView.of(event()))
    cache.forget("s")
    assert len(cache) == 0


def test_one_view_many_filters() -> None:
    view = EventView.of(event())
    compiled = [CompiledFilter.compile(Filters(parties=[p])) for p in ("Pfizer", "Novartis")]
    assert [c.matches(view) for c in compiled] == [True, False]
