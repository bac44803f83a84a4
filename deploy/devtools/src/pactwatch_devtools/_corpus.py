"""Generated news articles for load and resilience runs: many, varied, reproducible.

About `event_share` of them report a signing or a cooperation event, each with its own
parties and date (so each makes a distinct event); the rest are ordinary city news that
must make none. English and Chinese, 2-6 KB each. The labelled corpus under
tests/classifier measures quality; this one only has to be plausible and plentiful.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_EN_NAMES = [
    "Voltaris",
    "Bluepeak",
    "Hanhai",
    "Norvex",
    "Kestrel",
    "Greenline",
    "Orbitum",
    "Meridian",
    "Solvane",
    "Tidewell",
    "Arkwright",
    "Corvane",
    "Lumetra",
    "Quillon",
    "Redfern",
    "Saltmarsh",
    "Brightwater",
    "Halcyon",
    "Ironbridge",
    "Juniper",
    "Kelvin",
    "Larkspur",
    "Northgate",
    "Oakridge",
    "Pinecrest",
    "Riverton",
    "Silverline",
    "Thornbury",
    "Westmoor",
    "Yellowstone",
    "Ashby",
    "Beacon",
    "Cobalt",
    "Driftwood",
    "Emberly",
    "Foxglove",
    "Granite",
    "Heron",
]
_EN_TRADES = [
    "Energy",
    "Robotics",
    "Biotech",
    "Materials",
    "Semiconductor",
    "Logistics",
    "Aerospace",
    "Foods",
    "Photonics",
    "Medical",
    "Instruments",
    "Software",
    "Batteries",
    "Chemicals",
    "Textiles",
    "Machinery",
    "Optics",
    "Mobility",
]
_EN_CITIES = [
    "Suzhou",
    "Wuxi",
    "Changzhou",
    "Nantong",
    "Yangzhou",
    "Zhenjiang",
    "Taizhou",
    "Yancheng",
    "Lianyungang",
    "Xuzhou",
    "Hefei",
    "Ningbo",
    "Jiaxing",
    "Huzhou",
    "Shaoxing",
    "Wenzhou",
]
_ZH_CITIES = [
    "苏州",
    "无锡",
    "常州",
    "南通",
    "扬州",
    "镇江",
    "泰州",
    "盐城",
    "连云港",
    "徐州",
    "合肥",
    "宁波",
    "嘉兴",
    "湖州",
    "绍兴",
    "温州",
]
_ZH_NAMES = [
    "星河",
    "华瑞",
    "远航",
    "恒通",
    "博源",
    "中科",
    "天合",
    "新锐",
    "瀚海",
    "金桥",
    "蓝海",
    "汇智",
    "鼎盛",
    "腾跃",
    "明德",
    "卓越",
]
_ZH_TRADES = [
    "科技",
    "生物医药",
    "新材料",
    "智能装备",
    "新能源",
    "物流",
    "半导体",
    "食品",
    "软件",
    "光电",
]
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

_EN_FILLER = (
    "The city's statistics bureau published quarterly figures on retail sales, industrial "
    "output and fixed-asset investment, which rose modestly compared with the same period "
    "last year.",
    "Officials attended a meeting on work safety and flood control and called for steady "
    "progress on urban renewal projects in the old town district.",
    "A cold front will bring strong winds and moderate rain on Thursday, and temperatures are "
    "expected to fall by eight degrees; ferry services on the lake may be suspended.",
    "Registration for the autumn marathon opens next week, and organisers expect about twenty "
    "thousand runners on a course along the canal and through the science park.",
    "The municipal library will extend its opening hours during the winter holiday and add "
    "reading rooms for students preparing for examinations.",
    "Traffic police reminded drivers that several roads near the railway station will be "
    "closed at night for resurfacing until the end of the month.",
)
_ZH_FILLER = (
    "市统计局发布了前三季度社会消费品零售总额、规模以上工业增加值和固定资产投资等数据，同比稳中有升。",
    "市政府召开安全生产和防汛工作会议，要求稳步推进老城区城市更新项目。",
    "受冷空气影响，本周四全市将出现大风和中雨天气，气温下降八度左右，湖区轮渡可能暂停。",
    "秋季马拉松报名将于下周开启，预计约两万名跑者参赛，赛道沿运河穿过科技园区。",
    "市图书馆寒假期间将延长开放时间，并为备考学生增设自习室。",
    "交警部门提醒，火车站周边多条道路本月底前夜间封闭施工，请驾驶员提前绕行。",
)


@dataclass(frozen=True)
class GeneratedArticle:
    """One article: `event` is the type it reports, or None for ordinary news."""

    key: str
    title: str
    text: str
    language: str
    event: str | None


def _pad(rng: random.Random, lead: str, filler: tuple[str, ...], size: int) -> str:
    paragraphs = [lead] if lead else []
    while len("\n".join(paragraphs).encode()) < size:
        paragraphs.append(rng.choice(filler))
    return "\n".join(paragraphs)


def _english_event(rng: random.Random, i: int) -> tuple[str, str, str]:
    name, trade = _EN_NAMES[i % len(_EN_NAMES)], _EN_TRADES[(i // len(_EN_NAMES)) % len(_EN_TRADES)]
    company = f"{name} {trade}"
    city = rng.choice(_EN_CITIES)
    day = f"{_MONTHS[(i // 28) % 12]} {1 + i % 28}"
    if i % 2:
        title = f"{city} signs investment agreement with {company}"
        lead = (
            f"On {day}, the {city} Municipal Government and {company} Co., Ltd. signed an "
            f"investment agreement for a new production base.\nUnder the agreement, {company} "
            f"will invest {1 + i % 9}.5 billion yuan and create about {100 + i % 900} jobs."
        )
        return title, lead, "signing"
    title = f"{company} and {city} launch a joint research centre"
    lead = (
        f"On {day}, {company} Co., Ltd. and the {city} Municipal Government jointly launched "
        f"a research centre for advanced manufacturing in the city's high-tech zone.\nThe two "
        "sides will share laboratories and train engineers together."
    )
    return title, lead, "cooperation"


def _chinese_event(rng: random.Random, i: int) -> tuple[str, str, str]:
    name, trade = _ZH_NAMES[i % len(_ZH_NAMES)], _ZH_TRADES[(i // len(_ZH_NAMES)) % len(_ZH_TRADES)]
    company = f"{name}{trade}"
    company += f"{'甲乙丙丁戊己庚辛壬癸'[(i // 160) % 10]}"
    city = rng.choice(_ZH_CITIES)
    day = f"{1 + (i // 28) % 12}月{1 + i % 28}日"
    title = f"{city}市与{company}集团签署战略合作协议"
    lead = (
        f"{day}，{city}市人民政府与{company}集团有限公司在{city}签署战略合作协议。"
        f"根据协议，双方将在产业发展等方面开展合作，总投资{2 + i % 30}亿元。"
    )
    return title, lead, "signing"


def generate_articles(
    n: int, *, event_share: float = 0.1, zh_share: float = 0.4, seed: int = 0
) -> list[GeneratedArticle]:
    """`n` articles of 2-6 KB; event-bearing ones each report a different event."""
    rng = random.Random(seed)
    out: list[GeneratedArticle] = []
    events = 0
    for i in range(n):
        chinese = rng.random() < zh_share
        size = rng.randint(2000, 6000)
        if rng.random() < event_share:
            events += 1
            maker = _chinese_event if chinese else _english_event
            title, lead, event = maker(rng, events + seed * 100_003)
        else:
            title = f"城市简讯 第{i}期" if chinese else f"City notes, issue {i}"
            lead, event = "", None
        text = _pad(rng, lead, _ZH_FILLER if chinese else _EN_FILLER, size)
        out.append(GeneratedArticle(f"a{seed}-{i}", title, text, "zh" if chinese else "en", event))
    return out
