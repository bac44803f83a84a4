"""Party keys let English and Chinese reports of one signing meet."""

from __future__ import annotations

import pytest

from pactwatch_classifier.detect import classify
from pactwatch_classifier.detect._keys import party_key

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Wuxi Municipal People's Government", "无锡市人民政府"),
        ("Wuxi City", "无锡"),
        ("Binhu District", "滨湖区"),
        ("Wuxi High-tech Zone", "无锡高新区"),
        ("Chongqing", "重庆市"),
        ("Jiangsu Province", "江苏省"),
    ],
)
def test_english_and_chinese_names_share_a_key(a: str, b: str) -> None:
    assert party_key(a) == party_key(b)


def test_distinct_parties_keep_distinct_keys() -> None:
    assert party_key("Binhu District") != party_key("Wuxi")
    assert party_key("Suzhou") != party_key("Xuzhou")


def test_english_and_chinese_reports_get_one_event_id() -> None:
    english = classify(
        "",
        "On May 8, 2025, Wuxi Municipal Government and Binhu District signed a strategic "
        "cooperation agreement.",
    )
    chinese = classify("", "2025年5月8日，无锡市人民政府与滨湖区签署战略合作协议。")
    assert english.events and chinese.events
    assert english.events[0].fingerprint == chinese.events[0].fingerprint
