"""Money amounts: "1.2 billion yuan" -> Amount(1200000000, "CNY"), "210亿元" -> 21000000000 CNY.

Hand-written regexes, because the packages that parse prices (price-parser) handle neither
scale words ("billion", "亿") nor Chinese units; Chinese numerals ("二十亿元") are converted
with cn2an, imported only when such a numeral is met.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._model import Amount
from ._regex import anchored_finditer

_SCALE_EN = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "bln": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_CUR_PREFIX = {
    "us$": "USD",
    "usd": "USD",
    "$": "USD",
    "hk$": "HKD",
    "hkd": "HKD",
    "s$": "SGD",
    "a$": "AUD",
    "c$": "CAD",
    "rmb": "CNY",
    "cny": "CNY",
    "¥": "CNY",
    "￥": "CNY",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "jpy": "JPY",
    "krw": "KRW",
    "inr": "INR",
    "rs": "INR",
}
_CUR_SUFFIX = {
    "yuan": "CNY",
    "rmb": "CNY",
    "renminbi": "CNY",
    "cny": "CNY",
    "yuan rmb": "CNY",
    "us dollars": "USD",
    "u.s. dollars": "USD",
    "dollars": "USD",
    "usd": "USD",
    "hong kong dollars": "HKD",
    "hk dollars": "HKD",
    "euros": "EUR",
    "euro": "EUR",
    "eur": "EUR",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "yen": "JPY",
    "won": "KRW",
    "rupees": "INR",
    "rubles": "RUB",
    "roubles": "RUB",
    "swiss francs": "CHF",
    "francs": "CHF",
    "singapore dollars": "SGD",
    "australian dollars": "AUD",
    "canadian dollars": "CAD",
}
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"thousand|million|billion|trillion|mln|bln|mn|bn|tn|k|m|b"
_PREFIX_RE = "|".join(re.escape(k) for k in sorted(_CUR_PREFIX, key=len, reverse=True))
_SUFFIX_RE = "|".join(re.escape(k) for k in sorted(_CUR_SUFFIX, key=len, reverse=True))
_EN = re.compile(
    rf"(?:(?P<pre>{_PREFIX_RE})\s?)?(?P<num>{_NUM})(?:\s?(?P<scale>{_SCALE})\b)?"
    rf"(?:\s(?P<suf>{_SUFFIX_RE})\b)?",
    re.IGNORECASE,
)
_ZH_DIGITS = "零〇一二两三四五六七八九十百千"
_ZH_UNITS = {
    "万": 1e4,
    "亿": 1e8,
    "万亿": 1e12,
    "千万": 1e7,
    "百万": 1e6,
    "千亿": 1e11,
    "百亿": 1e10,
    "十亿": 1e9,
}
_ZH_CUR = {
    "元人民币": "CNY",
    "人民币": "CNY",
    "元": "CNY",
    "美元": "USD",
    "欧元": "EUR",
    "港元": "HKD",
    "港币": "HKD",
    "日元": "JPY",
    "英镑": "GBP",
    "韩元": "KRW",
    "卢布": "RUB",
    "新加坡元": "SGD",
}
_ZH = re.compile(
    rf"(?P<num>{_NUM}|[{_ZH_DIGITS}]+(?:点[{_ZH_DIGITS}]+)?)\s?"
    r"(?P<unit>万亿|千亿|百亿|十亿|千万|百万|万|亿)?"
    r"(?P<cur>元人民币|人民币|新加坡元|美元|欧元|港元|港币|日元|英镑|韩元|卢布|元)"
)


def _number(raw: str) -> float:
    return float(raw.replace(",", ""))


def _tidy(value: float) -> int | float:
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def _zh_number(raw: str) -> float | None:
    if raw[0].isdigit():
        return _number(raw)
    try:
        import cn2an

        return float(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


# An English amount starts at a digit or at most a currency prefix and a space before one; a
# Chinese one at a digit or a Chinese numeral and needs a currency word (each holds one of
# these characters). See `_regex.anchored_finditer`.
_DIGIT = re.compile(r"\d")
_EN_LOOKBACK = max(map(len, _CUR_PREFIX)) + 1
_ZH_NUMBER_START = re.compile(rf"[\d{_ZH_DIGITS}]")
_ZH_CURRENCY_CHARS = ("元", "币", "镑", "卢布")


def find_amount(text: str) -> Amount | None:
    """The first money amount in `text`, normalised, or None."""
    best: tuple[int, Amount] | None = None
    for match in anchored_finditer(_EN, text, _DIGIT, _EN_LOOKBACK):
        pre = (match.group("pre") or "").lower()
        suf = (match.group("suf") or "").lower()
        if not pre and not suf:
            continue
        scale_word = (match.group("scale") or "").lower()
        if scale_word in ("m", "b", "k") and not pre:
            continue  # "5 m yuan" is rare; "300 m" alone is a distance
        currency = _CUR_PREFIX.get(pre) or _CUR_SUFFIX.get(suf) or ""
        value = _number(match.group("num")) * _SCALE_EN.get(scale_word, 1.0)
        if value <= 0:
            continue
        best = (match.start(), Amount(_tidy(value), currency))
        break
    chinese: Iterator[re.Match[str]] = iter(())
    if any(c in text for c in _ZH_CURRENCY_CHARS):
        chinese = anchored_finditer(_ZH, text, _ZH_NUMBER_START, 0)
    for match in chinese:
        if best is not None and match.start() > best[0]:
            break
        number = _zh_number(match.group("num"))
        if number is None or number <= 0:
            continue
        unit = _ZH_UNITS.get(match.group("unit") or "", 1.0)
        best = (match.start(), Amount(_tidy(number * unit), _ZH_CUR[match.group("cur")]))
        break
    return best[1] if best is not None else None
