"""Unit tests of the detector's behaviour, one concern per test."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from pactwatch_classifier.detect import (
    MAX_TEXT_CHARS,
    Amount,
    Classification,
    InvalidArticle,
    classify,
)
from pactwatch_classifier.detect._amounts import find_amount
from pactwatch_classifier.detect._dates import find_date
from pactwatch_classifier.detect._fingerprint import fingerprint, normalise_party

pytestmark = pytest.mark.unit
PUB = datetime(2024, 5, 10, 9, 0, tzinfo=UTC)


def label(text: str, title: str = "", published_at: datetime | None = PUB) -> str:
    return classify(title, text, published_at=published_at).label


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("an investment of 1.2 billion yuan", 1_200_000_000, "CNY"),
        ("worth 300 million dollars", 300_000_000, "USD"),
        ("总投资210亿元", 21_000_000_000, "CNY"),
        ("新增投资3亿美元", 300_000_000, "USD"),
        ("a $1.5bn deal", 1_500_000_000, "USD"),
        ("RMB 500 million", 500_000_000, "CNY"),
        ("420 million euros", 420_000_000, "EUR"),
        ("投资3000万元", 30_000_000, "CNY"),
        ("二十亿元", 2_000_000_000, "CNY"),
        ("1.5亿美元", 150_000_000, "USD"),
        ("US$2.75 million", 2_750_000, "USD"),
        ("10,000 yuan", 10_000, "CNY"),
    ],
)
def test_amounts_are_normalised(text: str, value: float, currency: str) -> None:
    assert find_amount(text) == Amount(value, currency)


def test_amount_needs_a_currency() -> None:
    assert find_amount("a 600-mu plot and 200,000 vehicles a year") is None
    assert find_amount("") is None


def test_event_carries_its_amount() -> None:
    result = classify(
        "",
        "Suzhou Industrial Park signed an investment agreement with Hanjin Battery "
        "Materials Co., Ltd. worth 1.2 billion yuan on Wednesday.",
        published_at=PUB,
    )
    assert result.events[0].amount == Amount(1_200_000_000, "CNY")
    assert isinstance(result.events[0].amount.value, int)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("On November 5, the two sides signed", datetime(2023, 11, 6), "2023-11-05"),
        ("On April 28th, Wuxi signed", datetime(2024, 4, 29), "2024-04-28"),
        ("WUXI, China, Dec. 10, 2021 /PRNewswire/", None, "2021-12-10"),
        ("时间: 2023-08-26 13:36", None, "2023-08-26"),
        ("4月28日，无锡市人民政府与火炬中心签署", datetime(2024, 4, 29), "2024-04-28"),
        ("2023年8月26日，双方座谈", None, "2023-08-26"),
        ("on 10 December 2021", None, "2021-12-10"),
        # "December 28" in an article of January 3 belongs to the year before.
        ("On December 28, the deal was signed", datetime(2024, 1, 3), "2023-12-28"),
        ("signed yesterday", datetime(2024, 5, 10), "2024-05-09"),
        ("signed on Monday", datetime(2024, 5, 10), "2024-05-06"),  # 10 May 2024 is a Friday
    ],
)
def test_dates(text: str, published: datetime | None, expected: str) -> None:
    assert find_date(text, published, None) == expected


def test_date_without_year_or_reference_is_unknown() -> None:
    assert find_date("On November 5, they signed", None, None) is None
    assert find_date("February 30, 2024", None, None) is None  # not in the calendar


def test_missing_year_taken_from_other_dates_in_article() -> None:
    text = (
        "WUXI, China, Dec. 10, 2021 -- On December 8th, Wuxi and the Osaka Chamber of "
        "Commerce signed a cooperation agreement."
    )
    event = classify("", text).events[0]
    assert event.date == "2021-12-08"


# ---------------------------------------------------------------- fingerprints

REPORT_A = (
    "On April 28, the Wuxi Municipal Government signed a strategic cooperation agreement "
    "with the Torch Center in Beijing."
)
REPORT_B = (
    "Wuxi City and Torch Center inked a strategic pact on April 28, pledging to build a "
    "high-tech park together."
)


def test_same_event_two_wordings_same_fingerprint() -> None:
    a = classify("Wuxi signs with Torch Center", REPORT_A, published_at=PUB).events
    b = classify("Torch Center, Wuxi ink pact", REPORT_B, published_at=PUB).events
    assert len(a) == len(b) == 1
    assert a[0].date == b[0].date == "2024-04-28"
    assert a[0].fingerprint == b[0].fingerprint
    assert len(a[0].fingerprint) == 32 and int(a[0].fingerprint, 16) >= 0


def test_different_parties_or_dates_give_different_fingerprints() -> None:
    base = classify("", REPORT_A, published_at=PUB).events[0]
    other_party = classify("", REPORT_A.replace("Torch Center", "Pfizer"), published_at=PUB)
    other_date = classify("", REPORT_A.replace("April 28", "April 29"), published_at=PUB)
    assert other_party.events[0].fingerprint != base.fingerprint
    assert other_date.events[0].fingerprint != base.fingerprint


def test_fingerprint_ignores_party_order_and_legal_forms() -> None:
    assert fingerprint("signing", ["Pfizer Co., Ltd.", "Binhu District"], "2023-11-05") == (
        fingerprint("signing", ["binhu district", "Pfizer"], "2023-11-05")
    )
    assert normalise_party("无锡市人民政府") == normalise_party("无锡市") == "无锡"
    assert normalise_party("Wuxi Municipal People's Government") == "wuxi"


# ---------------------------------------------------------------- positives


def test_english_signing_with_parties() -> None:
    result = classify(
        "",
        "At this CIIE, Binhu District signed a strategic cooperation agreement with Pfizer "
        "Pharmaceuticals (Wuxi) Co., Ltd. to strengthen cooperation in biomedicine.",
        published_at=PUB,
    )
    assert result.label == "signing"
    event = result.events[0]
    assert event.type == "signing" and event.cameo == "057"
    assert "Binhu District" in event.parties
    assert "Pfizer Pharmaceuticals (Wuxi) Co., Ltd." in event.parties
    assert "biomedicine" in event.sectors
    assert 0.0 <= event.confidence <= 1.0


def test_evidence_spans_point_into_text() -> None:
    text = (
        "Menu\nHome\n\nThe city held a forum on Tuesday. Later, Changzhou and BYD signed a "
        "memorandum of understanding on battery recycling. Officials attended."
    )
    result = classify("", text, published_at=PUB)
    event = result.events[0]
    for start, end in event.evidence_spans:
        assert text[start:end] in event.evidence
    assert text[slice(*event.evidence_spans[0])].startswith("Later, Changzhou and BYD signed")


def test_several_signings_in_one_article() -> None:
    text = (
        "Jiangsu companies signed deals with Gulf partners on Wednesday. Jiangsu Zhongtian "
        "Technology signed an agreement with Saudi Electricity Company to supply cables. "
        "Trina Solar inked a memorandum of understanding with Abu Dhabi's Masdar on a module "
        "plant. Separately, GCL Technology and Qatar Investment Authority signed a letter of "
        "intent on polysilicon."
    )
    result = classify("", text, published_at=PUB)
    signings = [e for e in result.events if e.type == "signing"]
    assert len(signings) >= 3
    assert len({e.fingerprint for e in signings}) == len(signings)
    names = " ".join(p for e in signings for p in e.parties)
    for name in ("Zhongtian", "Saudi Electricity", "Trina Solar", "Masdar", "Qatar"):
        assert name in names


def test_cooperation_launch_of_joint_centre() -> None:
    result = classify(
        "",
        "A joint innovation centre was launched on Tuesday by Changzhou Science and Education "
        "Town and Germany's Fraunhofer Institute for Production Technology.",
        published_at=PUB,
    )
    assert result.label == "cooperation"
    assert result.events[0].cameo in {"060", "061"}
    assert any("Fraunhofer" in p for p in result.events[0].parties)


def test_visit_with_stated_intent_is_cooperation() -> None:
    text = (
        "On May 15, a delegation from Sinopharm Group visited Taizhou Medical High-tech Zone. "
        "The zone hopes to strengthen cooperation with Sinopharm Group in vaccine research."
    )
    result = classify("", text, published_at=PUB)
    assert result.label == "cooperation"
    assert result.events[0].cameo in {"030", "031", "042", "043"}


def test_intent_to_sign_is_cooperation_not_signing() -> None:
    text = (
        "Zhongshan Hospital and Ping An Insurance are expected to sign an agreement next "
        "month on direct billing."
    )
    assert label(text) == "cooperation"


# ---------------------------------------------------------------- hard negatives


@pytest.mark.parametrize(
    "text",
    [
        # signed up
        "It is reported that 1,153 companies in Wuxi have signed up to participate in the CIIE.",
        "More than 30,000 runners signed up for the marathon on Sunday.",
        # signs of ...
        "The property market showed signs of recovery as sales rose for a second month.",
        "Drivers should follow the new road signs near the interchange and cooperate with police.",
        # executive orders and laws
        "Mayor Karen Bass signed an executive order on Tuesday to open cooling centres.",
        "The governor signed a bill raising the minimum wage; the law takes effect in 2026.",
        # sign language
        "The library offers free sign language courses to help residents communicate.",
        # collapsed talks / no agreement
        "Merger talks collapsed on Thursday and neither company signed any agreement.",
        "The negotiations ended in Brussels without an agreement on tariffs.",
        # terminated agreements
        "The city terminated its contract with the bus operator, signed in 2021.",
        "The miner scrapped the joint venture agreement it signed with the Chinese producer.",
        # earnings
        "The value of newly signed contracts rose 8.1 percent year-on-year to 2.4 trillion "
        "yuan, and net profit rose 3.2 percent in the quarter; revenue also grew.",
    ],
)
def test_english_hard_negatives(text: str) -> None:
    assert label(text) == "none", text


def test_scam_warning_is_not_a_signing() -> None:
    text = (
        "Police warned job seekers about a scam. Fraudsters asked victims to sign training "
        "contracts and pay fees. Residents should never sign contracts before checking."
    )
    assert label(text) == "none"


def test_opinion_piece_is_not_an_event() -> None:
    text = (
        "Opinion\n\nCooperation is the only way forward. Governments should strengthen "
        "cooperation, and China and the EU signed an agreement that shows the way."
    )
    assert label(text, title="Opinion: why cooperation matters") == "none"


def test_sports_signing_is_not_an_event() -> None:
    text = (
        "Shanghai Port have signed Brazilian striker Gustavo on a three-year contract, the "
        "club announced. He scored 18 goals in the league last season."
    )
    assert label(text) == "none"


def test_weather_and_traffic_are_not_events() -> None:
    assert (
        label("Heavy rain is expected; the authorities asked for the public's cooperation.")
        == "none"
    )
    assert (
        label("A cold wave brought snow; forecasters saw signs of warmer air by Thursday.")
        == "none"
    )


def test_background_cooperation_is_not_an_event() -> None:
    text = (
        "Wuxi's biomedicine output topped 200 billion yuan. In 2019, Wuxi and AstraZeneca "
        "cooperated to build a life science park."
    )
    assert label(text, published_at=datetime(2021, 4, 23)) == "none"


def test_headline_list_in_page_furniture_is_ignored() -> None:
    text = (
        "The forum was held in Yixing on December 8. Guests discussed trade.\n\n"
        "Latest news\n"
        "07:53a Rapid Dose Therapeutics Signs Product Supply Agreement with Oakland Health\n"
        "AQ\n"
        "07:53a Clover and Ascentage Pharma Announce Clinical Collaboration\n"
        "AQ\n"
    )
    assert label(text) == "none"


# ---------------------------------------------------------------- Chinese


def test_chinese_signing() -> None:
    result = classify(
        "",
        "4月28日，无锡市人民政府与工业和信息化部火炬高技术产业开发中心在京签署战略合作协议，"
        "项目总投资210亿元。",
        published_at=datetime(2024, 4, 29),
    )
    assert result.language == "zh"
    assert result.label == "signing"
    event = result.events[0]
    assert event.parties[0] == "无锡市人民政府"
    assert any("火炬" in p for p in event.parties)
    assert event.amount == Amount(21_000_000_000, "CNY")
    assert event.date == "2024-04-28"


def test_chinese_parties_with_parentheses_and_time_words() -> None:
    result = classify("", "进博会期间，滨湖区与辉瑞制药（无锡）有限公司签署战略合作协议。")
    assert result.events[0].parties == ("滨湖区", "辉瑞制药（无锡）有限公司")
    result = classify("", "连云港港口控股集团日前与哈萨克斯坦国家铁路公司签署合作备忘录。")
    assert result.events[0].parties == ("连云港港口控股集团", "哈萨克斯坦国家铁路公司")


def test_chinese_cooperation_meeting_and_launch() -> None:
    meeting = (
        "8月26日，焦继国会见中国医药保健品进出口商会会长周惠一行，双方就医药健康产业发展进行座谈交流。"
        "周惠表示，商会愿与吉林高新区在生产、贸易等方面加强合作。"
    )
    assert label(meeting) == "cooperation"
    launch = "会上，“中荷大数据产业平台”正式揭牌，无锡市与埃因霍温市将依托该平台开展合作。"
    assert label(launch) == "cooperation"


@pytest.mark.parametrize(
    "text",
    [
        "今年我市共有1153家企业报名参加进博会。",
        "警方提醒，求职者切勿轻易签署不明合同，谨防诈骗。",
        "因多次出现安全隐患，市交通局终止与该公司签订的运营合同。",
        "中国建筑上半年新签合同额2.4万亿元，同比增长8.1%。",
        "上海海港俱乐部宣布与巴西前锋签下三年合同，这名球员上赛季在联赛中打进18球。",
        "市长周二签署行政令，要求各部门开放避暑中心。",
        "法院审理认为，双方签订的合同中部分条款显失公平。",
        "市图书馆开设免费手语培训班。",
        "两家车企的合并谈判破裂，双方未签署任何协议。",
    ],
)
def test_chinese_hard_negatives(text: str) -> None:
    assert label(text) == "none", text


def test_mixed_english_and_chinese() -> None:
    text = (
        "Wuxi New District and Samsung Electronics signed an agreement on Monday. "
        "无锡新吴区与三星电子当天签署增资协议，新增投资5亿美元。"
    )
    result = classify("", text, published_at=PUB)
    assert result.label == "signing"
    assert result.language in {"en", "zh"}
    assert any("Samsung" in p or "三星" in p for e in result.events for p in e.parties)


# ---------------------------------------------------------------- bad input


def test_empty_text_is_none() -> None:
    assert classify("", "") == Classification("none", "und", ())
    assert classify("Wuxi signs agreement with Pfizer", "   \n ").label == "none"


@pytest.mark.parametrize("bad", [None, 42, b"bytes", ["list"]])
def test_non_string_input_is_rejected_clearly(bad: object) -> None:
    with pytest.raises(InvalidArticle, match="must be a string"):
        classify("title", bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidArticle, match="must be a string"):
        classify(bad, "text")  # type: ignore[arg-type]


def test_bad_published_at_is_rejected() -> None:
    with pytest.raises(InvalidArticle, match="published_at"):
        classify("t", "text", published_at="2024-01-01")  # type: ignore[arg-type]


def test_binary_garbage_is_rejected_or_none() -> None:
    garbage = bytes(range(256)).decode("latin-1") * 50
    with pytest.raises(InvalidArticle, match="binary"):
        classify("", garbage)
    noisy = "Changzhou and BYD signed a memorandum of understanding.\x00\x07"
    result = classify("", noisy, published_at=PUB)
    assert result.label == "signing"  # a few control characters are blanked, not fatal


def test_huge_article_is_truncated_and_fast() -> None:
    body = (
        "The weather was mild and markets were calm. Traffic moved freely on the ring road. "
        * 61_000
    )
    text = body + "Changzhou and BYD signed a memorandum of understanding."
    assert len(text) > 5_000_000
    start = time.perf_counter()
    result = classify("", text, published_at=PUB)
    assert time.perf_counter() - start < 2.0
    assert result.label == "none"  # the signing lies beyond MAX_TEXT_CHARS
    head = "Changzhou and BYD signed a memorandum of understanding. " + body
    result = classify("", head, published_at=PUB)
    assert result.label == "signing"
    assert all(end <= MAX_TEXT_CHARS for e in result.events for _, end in e.evidence_spans)


def test_to_dict_is_json_ready() -> None:
    import json

    result = classify("", REPORT_A, published_at=PUB)
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    event = data["events"][0]
    assert set(event) == {
        "type", "cameo", "confidence", "parties", "party_keys", "evidence", "evidence_spans",
        "locations", "amount", "date", "sectors", "fingerprint",
    }  # fmt: skip
    assert isinstance(event["parties"], list) and isinstance(event["evidence_spans"][0], list)


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        (
            # "and" before a place name starts a second party, not one long name.
            "Orbitum Aerospace and Nantong University announced a strategic partnership on "
            "May 9 to launch a joint research centre for satellite materials.",
            {"Orbitum Aerospace", "Nantong University"},
        ),
        (
            # "a consortium of A and B": A is a party, not a description of B.
            "A consortium of China State Construction and Beijing Urban Construction Group "
            "signed a 9-billion-yuan contract with Chengdu Tianfu International Airport.",
            {"China State Construction", "Beijing Urban Construction Group"},
        ),
        (
            # ... while "and" inside one organisation's name still joins.
            "The Wuxi Science and Technology Bureau signed a cooperation agreement with "
            "Kestrel Semiconductor Inc. on Monday.",
            {"Wuxi Science and Technology Bureau", "Kestrel Semiconductor Inc."},
        ),
    ],
)
def test_coordinated_parties_are_split_only_between_names(text: str, parties: set[str]) -> None:
    events = classify("", text, published_at=PUB).events
    assert events, text
    assert parties <= set(events[0].parties)
