"""Sector tags from keywords in the evidence and its paragraph.

One Aho-Corasick automaton over all keyword stems (as in `_lexicon`): fifteen separate
case-insensitive regexes over a paragraph cost more than the rest of the enrichment.
"""

from __future__ import annotations

from typing import Final

import ahocorasick

# Stems match at a word start; entries ending in a space or listed as whole words must end
# at a word boundary too ("ai", "ev", "chip").
_SECTORS: dict[str, tuple[str, ...]] = {
    "biomedicine": (
        "biomedic", "biopharm", "pharma", "life science", "drug", "vaccine", "biotech",
        "medicine", "therapeutic", "antibod", "生物医药", "医药", "制药", "药企", "疫苗",
        "生命科学", "创新药",
    ),
    "healthcare": (
        "healthcare", "health care", "hospital", "medical", "clinic", "医疗", "医院", "健康",
        "康养",
    ),
    "new-energy": (
        "new energy", "new-energy", "photovoltaic", "solar", "wind power", "wind farm",
        "offshore wind", "batter", "lithium", "hydrogen", "energy storage", "electric vehicle",
        "renewable", "新能源", "光伏", "储能", "锂电", "氢能", "风电", "动力电池", "换电",
    ),
    "semiconductors": (
        "semiconductor", "chipmaker", "integrated circuit", "wafer", "foundr", "silicon carbide",
        "半导体", "芯片", "集成电路", "晶圆",
    ),
    "artificial-intelligence": (
        "artificial intelligence", "machine learning", "deep learning", "large model",
        "人工智能", "大模型", "算力",
    ),
    "digital-economy": (
        "big data", "cloud computing", "data center", "data centre", "digital economy",
        "internet of things", "smart cit", "computing power", "大数据", "数字经济", "云计算",
        "物联网", "智慧城市", "数据中心",
    ),
    "automotive": (
        "automo", "carmaker", "automaker", "vehicle", "auto parts", "汽车", "整车", "零部件",
    ),
    "advanced-manufacturing": (
        "manufactur", "robot", "machinery", "industrial internet", "industry 4.0", "智能制造",
        "装备", "机器人", "制造业", "工程机械",
    ),
    "finance": (
        "financ", "banking", "equity investment", "venture capital", "fintech", "credit",
        "金融", "银行", "基金", "股权投资", "授信",
    ),
    "logistics": (
        "logistic", "shipping", "container", "supply chain", "freight", "物流", "港口", "供应链",
        "班列",
    ),
    "education": (
        "universit", "education", "talent training", "students", "学校", "大学", "高校", "教育",
        "人才培养",
    ),
    "environment": (
        "low-carbon", "low carbon", "environmental", "carbon neutral", "emission",
        "green development", "绿色", "低碳", "环保", "生态", "双碳",
    ),
    "agriculture": ("agricultur", "farm", "crop", "农业", "农产品", "粮食", "茶园"),
    "tourism-culture": ("touris", "cultur", "ceramic", "旅游", "文化", "文旅"),
    "trade": ("import", "export", "cross-border", "e-commerce", "进出口", "外贸", "贸易", "跨境"),
}  # fmt: skip
_WHOLE: dict[str, tuple[str, ...]] = {
    "artificial-intelligence": ("ai",),
    "new-energy": ("ev", "evs"),
    "semiconductors": ("chip", "chips"),
    "finance": ("bank", "banks", "fund", "funds"),
    "digital-economy": ("5g", "iot"),
    "automotive": ("car", "cars"),
    "trade": ("trade",),
    "logistics": ("port", "ports"),
    "environment": ("green",),
}
_ORDER: Final = {name: i for i, name in enumerate(_SECTORS)}


def _build() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for name, words in _SECTORS.items():
        for word in words:
            automaton.add_word(word, (len(word), name, False, word.isascii()))
    for name, words in _WHOLE.items():
        for word in words:
            automaton.add_word(word, (len(word), name, True, True))
    automaton.make_automaton()
    return automaton


_AUTOMATON: Final = _build()


def find_sectors(text: str) -> tuple[str, ...]:
    """Sector tags whose keywords occur in `text`, in a fixed order."""
    lowered = text.lower()
    n = len(lowered)
    found: set[str] = set()
    for end, (length, name, whole, ascii_word) in _AUTOMATON.iter(lowered):
        if name in found:
            continue
        start = end - length + 1
        if ascii_word:
            if start > 0 and lowered[start - 1].isalnum():
                continue
            if whole and end + 1 < n and lowered[end + 1].isalnum():
                continue
        found.add(name)
    return tuple(sorted(found, key=_ORDER.__getitem__))
