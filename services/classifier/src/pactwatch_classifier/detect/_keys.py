"""Normalised party keys: the form in which two reports' parties can meet.

"Wuxi Municipal People's Government", "Wuxi City" and 无锡市人民政府 all key as `wuxi`;
"Binhu District" and 滨湖区 as `binhu district`; "Wuxi High-tech Zone" and 无锡高新区 as
`wuxi hightech zone`. A key drops what sources vary freely (case, punctuation, legal forms,
the government filler around an administrative area's name, 市/省 and "City"/"Province") and
writes a Chinese name in pinyin (pypinyin, phrase-aware, so 重庆 is chongqing and 厦门
xiamen), its administrative suffix in English. English and Chinese reports of one signing
therefore share a key where the English name is the romanised Chinese one: places, and many
companies named after them; "AstraZeneca" and 阿斯利康 do not meet, and no rule pretends they do.

The event fingerprint hashes these keys, so the English and the Chinese report of one
signing, and two outlets' reports of it, get one event id when their keys and date agree.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

_HAN = re.compile(r"[\u4e00-\u9fff]")
_PARENTHESES = re.compile(r"\([^)]*\)|（[^）]*）")
_EN_FILLER = re.compile(
    r"\b(?:the|co|ltd|inc|corp|corporation|limited|llc|plc|gmbh|ag|sa|company|municipal|"
    r"people'?s|government|city|municipality|province|provincial|of|and|&)\b"
)
_PUNCT = re.compile(r"[^\w\u4e00-\u9fff]+")
_ZH_LEGAL = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|公司)$")
_ZH_GOVERNMENT = re.compile(r"(?:人民政府|政府|管理委员会|管委会|行政公署|行署)$")
# Administrative and zone suffixes, longest first, with the English word sources use.
_ZH_SUFFIXES = (
    ("高新技术产业开发区", "hightech zone"),
    ("高新区", "hightech zone"),
    ("经济技术开发区", "economic development zone"),
    ("经开区", "economic development zone"),
    ("开发区", "development zone"),
    ("工业园区", "industrial park"),
    ("新区", "new area"),
    ("自治区", ""),
    ("区", "district"),
    ("县", "county"),
    ("市", ""),
    ("省", ""),
)


@cache
def _pinyin() -> Any:
    from pypinyin import lazy_pinyin  # loaded with the first Chinese party (~50 MB of data)

    return lazy_pinyin


def _english(name: str) -> str:
    text = name.lower().replace("’", "'").replace("high-tech", "hightech")
    text = text.replace("high tech", "hightech")
    text = _EN_FILLER.sub(" ", _PARENTHESES.sub(" ", text))
    return " ".join(_PUNCT.sub(" ", text).split())


def _chinese(name: str) -> str:
    text = _PARENTHESES.sub("", name)
    text = _ZH_GOVERNMENT.sub("", _ZH_LEGAL.sub("", text))
    suffix = ""
    for chinese, english in _ZH_SUFFIXES:
        if text.endswith(chinese) and len(text) > len(chinese) + 1:
            text, suffix = text[: -len(chinese)], english
            break
    core = "".join(_pinyin()(_PUNCT.sub("", text)))
    return f"{core} {suffix}".strip()


@lru_cache(maxsize=16384)
def party_key(name: str) -> str:
    """The key of a party name (simplified characters where Chinese)."""
    return _chinese(name) if _HAN.search(name) else _english(name)
