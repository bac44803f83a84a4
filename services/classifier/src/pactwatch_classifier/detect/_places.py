"""Locations: a small built-in gazetteer (Chinese provinces and major cities, countries) in
English and Chinese, plus "in <Capitalised Place>" phrases. A gazetteer of a few hundred
names is enough for the places this domain reports and costs nothing to load.
"""

from __future__ import annotations

import re
from typing import Final

import ahocorasick

from ._text import words

_PLACES_EN = """Beijing Shanghai Tianjin Chongqing Guangzhou Shenzhen Hangzhou Nanjing Suzhou Wuxi
Changzhou Nantong Yangzhou Zhenjiang Taizhou Xuzhou Yancheng Huai'an Lianyungang Suqian Yixing
Jiangyin Kunshan Ningbo Wenzhou Hefei Wuhan Changsha Chengdu Xi'an Zhengzhou Jinan Qingdao
Shenyang Dalian Harbin Changchun Jilin Fuzhou Xiamen Nanchang Kunming Guiyang Nanning Haikou
Lanzhou Xining Yinchuan Urumqi Hohhot Taiyuan Shijiazhuang Dongguan Foshan Zhuhai Hong Kong
Macao Macau Taipei Jiangsu Zhejiang Guangdong Shandong Henan Hebei Hubei Hunan Anhui Fujian
Jiangxi Sichuan Yunnan Guizhou Guangxi Hainan Shaanxi Shanxi Gansu Qinghai Ningxia Xinjiang
Tibet Inner Mongolia Liaoning Heilongjiang China Japan Korea South Korea Singapore Malaysia
Thailand Vietnam Indonesia Philippines India Pakistan Kazakhstan Russia Germany France Italy
Spain Portugal Netherlands Belgium Switzerland Austria Sweden Norway Denmark Finland Poland
Hungary Serbia Greece Turkey Israel Egypt Saudi Arabia United Arab Emirates UAE Qatar Iran
Brazil Argentina Chile Mexico Canada United States U.S. USA United Kingdom UK Britain England
Ireland Australia New Zealand South Africa Nigeria Kenya Ethiopia Laos Cambodia Myanmar
Mongolia Uzbekistan Europe Africa Asia ASEAN Tokyo Osaka Seoul London Paris Berlin Munich
Frankfurt Hamburg Amsterdam Rotterdam Brussels Zurich Geneva Vienna Milan Rome Madrid
Barcelona Lisbon Stockholm Oslo Copenhagen Helsinki Warsaw Budapest Prague Moscow Dubai
Abu Dhabi Riyadh Doha Istanbul Cairo Sydney Melbourne Auckland Toronto Vancouver Montreal
New York San Francisco Los Angeles Chicago Boston Seattle Houston Washington Delhi Mumbai
Bangalore Jakarta Bangkok Hanoi Ho Chi Minh City Manila Kuala Lumpur Dhaka Karachi Lahore
Almaty Astana Tashkent Ulaanbaatar Vientiane Phnom Penh Yangon Nairobi Lagos Johannesburg
Cape Town Sao Paulo Buenos Aires Santiago Mexico City Lima Bogota Oakland"""

_MULTI = ["Hong Kong", "Inner Mongolia", "South Korea", "Saudi Arabia", "United Arab Emirates",
          "United States", "United Kingdom", "New Zealand", "South Africa", "Abu Dhabi",
          "New York", "San Francisco", "Los Angeles", "Ho Chi Minh City", "Kuala Lumpur",
          "Phnom Penh", "Cape Town", "Sao Paulo", "Buenos Aires", "Mexico City"]  # fmt: skip


def _single_words() -> list[str]:
    text = _PLACES_EN
    for name in _MULTI:
        text = text.replace(name, " ")
    return text.split()


# The country a demonym names, for "his Russian counterpart Sergey Lavrov" (the party is
# Russia). Only countries of the gazetteer.
DEMONYMS: Final = {
    "chinese": "China", "japanese": "Japan", "korean": "South Korea", "singaporean": "Singapore",
    "malaysian": "Malaysia", "thai": "Thailand", "vietnamese": "Vietnam",
    "indonesian": "Indonesia", "philippine": "Philippines", "filipino": "Philippines",
    "indian": "India", "pakistani": "Pakistan", "kazakh": "Kazakhstan", "russian": "Russia",
    "german": "Germany", "french": "France", "italian": "Italy", "spanish": "Spain",
    "portuguese": "Portugal", "dutch": "Netherlands", "belgian": "Belgium", "swiss": "Switzerland",
    "austrian": "Austria", "swedish": "Sweden", "norwegian": "Norway", "danish": "Denmark",
    "finnish": "Finland", "polish": "Poland", "hungarian": "Hungary", "serbian": "Serbia",
    "greek": "Greece", "turkish": "Turkey", "israeli": "Israel", "egyptian": "Egypt",
    "saudi": "Saudi Arabia", "emirati": "United Arab Emirates", "qatari": "Qatar",
    "iranian": "Iran", "brazilian": "Brazil", "argentine": "Argentina", "chilean": "Chile",
    "mexican": "Mexico", "canadian": "Canada", "american": "United States",
    "british": "United Kingdom",
    "irish": "Ireland", "australian": "Australia", "nigerian": "Nigeria", "kenyan": "Kenya",
    "ethiopian": "Ethiopia", "lao": "Laos", "laotian": "Laos", "cambodian": "Cambodia",
    "mongolian": "Mongolia", "uzbek": "Uzbekistan",
}  # fmt: skip

_EN_NAMES = sorted(set(_single_words()) | set(_MULTI), key=len, reverse=True)
PLACE_NAMES: Final = frozenset(_EN_NAMES)
# The first two words of multi-word place names ("New York", "Hong Kong").
PLACE_FIRST_PAIRS: Final = frozenset(" ".join(n.split()[:2]) for n in _EN_NAMES if " " in n)
# First words of place names, lower-case: "and Nantong University" starts a new name.
PLACE_FIRST_WORDS: Final = frozenset(n.split()[0].lower() for n in _EN_NAMES)
_EN = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in _EN_NAMES) + r")\b")


def _build_en() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for name in _EN_NAMES:
        automaton.add_word(name, len(name))
    automaton.make_automaton()
    return automaton


# `_EN.finditer` tries a ~300-way alternation at every position (~40% of the enrichment time
# of an event); the automaton finds the same names in one C pass (see `_english_places`).
_EN_AUTOMATON: Final = _build_en()


def _is_word(text: str, index: int) -> bool:
    """Whether text[index] is a regex word character (False outside the text), as \\b sees it."""
    if index < 0 or index >= len(text):
        return False
    ch = text[index]
    return ch.isalnum() or ch == "_"


def _english_places(text: str) -> list[str]:
    """What `m.group(0) for m in _EN.finditer(text)` returns, from the automaton's hits.

    The regex, at each position, takes the longest name (alternatives are sorted by length)
    with a word boundary on both sides, then resumes after it; so: keep the hits bounded on
    both sides, take the longest per start, and skip starts inside the previous match.
    """
    longest: dict[int, int] = {}
    for end, length in _EN_AUTOMATON.iter(text):
        start = end - length + 1
        if _is_word(text, start - 1) == _is_word(text, start):
            continue
        if _is_word(text, end) == _is_word(text, end + 1):
            continue
        if length > longest.get(start, 0):
            longest[start] = length
    found: list[str] = []
    resume = 0
    for start in sorted(longest):
        if start >= resume:
            resume = start + longest[start]
            found.append(text[start:resume])
    return found


_PLACES_ZH = words(
    """北京 上海 天津 重庆 广州 深圳 杭州 南京 苏州 无锡 常州 南通 扬州 镇江 泰州 徐州 盐城
淮安 连云港 宿迁 宜兴 江阴 昆山 宁波 温州 合肥 武汉 长沙 成都 西安 郑州 济南 青岛
沈阳 大连 哈尔滨 长春 吉林 福州 厦门 南昌 昆明 贵阳 南宁 海口 兰州 西宁 银川
乌鲁木齐 呼和浩特 太原 石家庄 东莞 佛山 珠海 香港 澳门 江苏 浙江 广东 山东 河南 河北
湖北 湖南 安徽 福建 江西 四川 云南 贵州 广西 海南 陕西 山西 甘肃 青海 宁夏 新疆 西藏
内蒙古 辽宁 黑龙江 中国 日本 韩国 新加坡 马来西亚 泰国 越南 印度尼西亚 印度 俄罗斯
德国 法国 意大利 西班牙 荷兰 比利时 瑞士 奥地利 瑞典 挪威 丹麦 芬兰 波兰 匈牙利
塞尔维亚 希腊 土耳其 埃及 沙特 阿联酋 巴西 阿根廷 智利 墨西哥 加拿大 美国 英国
爱尔兰 澳大利亚 新西兰 南非 老挝 柬埔寨 缅甸 蒙古 哈萨克斯坦 乌兹别克斯坦 欧洲 非洲
东盟 东京 大阪 首尔 伦敦 巴黎 柏林 慕尼黑 汉堡 阿姆斯特丹 布鲁塞尔 苏黎世 维也纳
米兰 马德里 莫斯科 迪拜 悉尼 墨尔本 多伦多 纽约 旧金山 洛杉矶 菲律宾 巴基斯坦 孟加拉国
斯里兰卡 尼泊尔 以色列 葡萄牙 捷克 乌克兰 秘鲁 肯尼亚 尼日利亚 埃塞俄比亚"""
)
_ZH = re.compile("|".join(sorted(_PLACES_ZH, key=len, reverse=True)))
_IN_PLACE = re.compile(
    r"\bin (?:the )?((?:[A-Z][\w'’-]+ ){0,3}(?:City|District|County|Province|Zone|New Area|"
    r"Park|Municipality|Prefecture|Region))\b"
)


def find_locations(text: str, limit: int = 8) -> tuple[str, ...]:
    """Places named in `text`, most specific first where a zone or district is named."""
    found: list[str] = []
    if "in " in text:  # exact guard: _IN_PLACE starts with the literal "in "
        for match in _IN_PLACE.finditer(text):
            found.append(match.group(1))
    found += _english_places(text)
    if not text.isascii():  # every Chinese place name is non-ASCII
        for match in _ZH.finditer(text):
            found.append(match.group(0))
    unique = list(dict.fromkeys(found))
    return tuple(unique[:limit])


def place_prefix(name: str) -> str:
    """The known place a Chinese name begins with ("常州德和…" → 常州), or ""."""
    match = _ZH.match(name)
    return match.group(0) if match is not None else ""


def is_place(name: str) -> bool:
    """Whether `name` is exactly a known place name (city, province, country)."""
    return _EN.fullmatch(name) is not None or _ZH.fullmatch(name) is not None
