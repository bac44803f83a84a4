"""Traditional Chinese read as simplified, with every offset unchanged.

The rules are written in simplified characters (签约, 协议, 备忘录); Hong Kong, Macau and
Taiwan news writes 簽約, 協議, 備忘錄. Rather than doubling every rule, the detector reads a
simplified copy of the text and reports evidence spans and party names from the original.
That needs a copy of the same length: OpenCC's `t2s` converts phrase by phrase, which now and
then changes the length, so in that case the text is converted character by character with
the table OpenCC's own single-character conversions give.

Most articles hold no traditional character at all; a character-class search (microseconds)
decides whether any conversion is needed.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any


@cache
def _converter() -> Any:
    import opencc  # loaded on the first traditional article, not at import

    return opencc.OpenCC("t2s")


@cache
def _table() -> tuple[dict[int, str], re.Pattern[str]]:
    """{code point: simplified character} for every CJK character t2s changes one for one,
    and a pattern matching any of them."""
    convert = _converter().convert
    table: dict[int, str] = {}
    for code in (*range(0x3400, 0xA000), *range(0xF900, 0xFB00)):
        char = chr(code)
        simplified = convert(char)
        if simplified != char and len(simplified) == 1:
            table[code] = simplified
    return table, re.compile("[" + "".join(map(chr, table)) + "]")


_MIN_TRADITIONAL = 3  # simplified text now and then holds a variant (昇, 著); a page doesn't


def has_traditional(text: str) -> bool:
    """Whether `text` is written in traditional characters: it holds several characters
    that read differently in simplified Chinese (in its first 2,000 characters)."""
    if text.isascii():
        return False
    pattern = _table()[1]
    if pattern.search(text) is None:
        return False
    return len(pattern.findall(text, 0, 2_000)) >= _MIN_TRADITIONAL


def to_simplified(text: str) -> str:
    """`text` in simplified characters, exactly as long as `text` (offsets stay valid)."""
    if not has_traditional(text):
        return text
    converted: str = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return text.translate(_table()[0])


def original_spelling(name: str, simplified: str, original: str, near: int = 0) -> str:
    """`name` (read from `simplified`) as `original` spells it: the same characters at the
    same offsets, taking the occurrence nearest after `near` (or the first one)."""
    if simplified is original:
        return name
    at = simplified.find(name, near)
    if at < 0:
        at = simplified.find(name)
    return original[at : at + len(name)] if at >= 0 else name
