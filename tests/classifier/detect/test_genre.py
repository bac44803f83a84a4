"""Genre vetoes apply to the page's own marker, not to any occurrence of a word."""

from __future__ import annotations

import pytest

from pactwatch_classifier.detect import classify

pytestmark = pytest.mark.unit

SIGNING = "3月5日，无锡市人民政府与华虹集团签署战略合作协议，双方将在集成电路领域深化合作。"


def test_outlet_named_for_opinions_does_not_veto_a_signing() -> None:
    assert classify("", "观点网讯：" + SIGNING).label == "signing"


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("评论：签约热背后的冷思考", SIGNING),
        ("", SIGNING + "\n（作者系某大学教授，本文仅代表作者观点）"),
        ("关于终止战略合作框架协议的公告", SIGNING),
        ("Oi denies agreement with TIM", "Oi said it had not signed any agreement with TIM."),
        ("什么是战略合作协议", SIGNING),
        ("", "战略合作协议书范本\n甲方：\n乙方：\n第一条 合作内容\n" + SIGNING),
        ("商务合作经理招聘", "岗位职责：负责协议签署。任职要求：三年经验。" + SIGNING),
    ],
)
def test_pages_of_a_vetoed_genre_report_nothing(title: str, text: str) -> None:
    assert classify(title, text).label == "none"


def test_student_athletes_signing_day_is_sports() -> None:
    text = (
        "National Signing Day: twelve student-athletes signed their National Letter of Intent "
        "to play collegiate football. The recruits committed to their schools on scholarship."
    )
    assert classify("Signing Day", text).label == "none"
