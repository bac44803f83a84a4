"""The party gate removes each class of non-party and keeps the organisation inside."""

from __future__ import annotations

import pytest

from pactwatch_classifier.detect._parties import clean, gate, person

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "name",
    [
        "Memorandum of Understanding",
        "MoU",
        "Letter of Intent",
        "MOU of Strategic Cooperation",
        "Three Memorandum of Understanding (MoUs)",
        "Vice-Chancellor",
        "Pro Vice-Chancellor (Research and International)",
        "Discussions",
        "Signing",
        "HOME > DAVOS > NEWS",
        "1.",
        "战略合作协议",
        "全面推动",
        "更好地推进各项合作内容",
        "有8个项目",
        "全省共有107个项目进行了",
        "会领导共同为实验室",
        "企业",
        "项目",
        "我市",
        "两市",
        "全省",
        "副校长毛君",
        "29个京港合作项目",
        "校企共建联合实验室",
        "规划局",
    ],
)
def test_not_a_party(name: str) -> None:
    assert gate(name) == ()


@pytest.mark.parametrize(
    ("name", "party"),
    [
        ("中建三局副总经理罗宏", ("中建三局",)),
        ("周立明代表远航集团", ("远航集团",)),
        ("Taipei City Mayor Eric Chu", ("Taipei City",)),
        ("Aspire Technologies and Zillion Labs", ("Aspire Technologies", "Zillion Labs")),
        (
            "University of Mumbai and University of St. Louis",
            ("University of Mumbai", "University of St. Louis"),
        ),
        (
            "University of Science and Technology of China",
            ("University of Science and Technology of China",),
        ),
        ("黑龙江省大庆市与韩国忠清北道忠州市", ("黑龙江省大庆市", "韩国忠清北道忠州市")),
        ("京澳", ("北京", "澳门")),
        ("中澳", ("中国", "澳大利亚")),
        ("湖北省政府8日", ("湖北省政府",)),
        ("Port of Rotterdam Authority", ("Port of Rotterdam Authority",)),
        ("无锡市人民政府", ("无锡市人民政府",)),
    ],
)
def test_the_party_inside(name: str, party: tuple[str, ...]) -> None:
    assert gate(name) == party


def test_clean_keeps_order_and_drops_repeats() -> None:
    assert clean(["Pfizer", "MoU", "Pfizer", "Binhu District"]) == ["Pfizer", "Binhu District"]


def test_people_are_known_with_their_organisation() -> None:
    text = (
        "Mayor Jim Brainard spoke. Wang Taihui, the mayor of the city of Xiangyang, and "
        "Brainard signed the agreement. Acme Logistics signed too."
    )
    assert person(text, "Brainard") == (True, None)
    assert person(text, "Wang Taihui") == (True, "Xiangyang")
    assert person(text, "Acme Logistics") == (False, None)
