"""The language step counts by bytes what these regexes count by characters."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch_classifier.detect._language import _han_kana, _is_english, detect_language

pytestmark = pytest.mark.unit

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_WORD = re.compile(r"[A-Za-z]{2,}")

# Each class's edges and neighbours, CJK punctuation, a hexagram symbol, a lone surrogate,
# a character outside the BMP, Latin letters and the words of English prose.
_EDGES = "\u33ff\u3400\u4d00\u4dbf\u4dc0\u4dff\u4e00\u9fff\ua000\uf8ff\uf900\ufaff\ufb00"
_OTHERS = "\u3000\u3002\u303f\u3040\u30ff\u3100\ud800\U0001f600合作カ。，aZé ?"
_PIECES = st.sampled_from([*_EDGES, *_OTHERS, "the ", "of ", "signed ", "a ", "I "])
_TEXT = st.lists(_PIECES, max_size=40).map("".join)


def _reference(title: str, text: str) -> str:
    sample = (title + "\n" + text[:1500]) if title else text[:1500]
    han = len(_HAN.findall(sample))
    kana = len(_KANA.findall(sample)) if han else 0
    words = _WORD.findall(sample)
    latin = sum(map(len, words))
    if han == 0 and latin == 0:
        return "und"
    if han and kana * 5 > han:
        return "und"
    if han * 2.5 >= latin:
        return "zh"
    return "en" if _is_english(" ".join(words)) else "und"


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_han_and_kana_counts_are_the_regex_counts(sample: str) -> None:
    han = len(_HAN.findall(sample))
    assert _han_kana(sample) == (han, len(_KANA.findall(sample)) if han else 0)


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT)
def test_the_language_is_the_one_the_character_counts_give(title: str, text: str) -> None:
    assert detect_language(title, text) == _reference(title, text)


def test_chinese_with_english_names_is_chinese_and_japanese_is_not() -> None:
    assert detect_language("", "无锡市与Pfizer Inc签署战略合作协议。") == "zh"
    assert detect_language("", "東京都とパートナーシップ協定を締結しました。") == "und"
    english = "The city signed a memorandum of understanding with the port."
    assert detect_language("", english) == "en"
