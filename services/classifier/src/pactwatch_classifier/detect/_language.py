"""Language of an article: "zh", "en" or "und".

Chinese is decided by script alone (a count of Han characters), which is exact and costs a
few microseconds. Latin-script text goes to lingua, restricted to a handful of languages and
run on a short sample, to tell English from other languages; lingua's models are shipped
inside its wheel (no download) and the restricted detector adds ~20 MB RSS. Running lingua on a
whole 4 KB article costs ~1.4 ms, so only the first few hundred letters are sampled.

Every article pays for this function (its result is part of even a "none" answer), so the
counting is done on bytes of the sample with C-level `bytes` methods rather than with
`re.findall`, which builds one Python string per Han character or Latin word (~100 us for a
Chinese sample, more than the whole no-trigger budget): the Han characters from the UTF-16
code units, the Latin words from an ASCII copy. The counts are exactly those of the character
classes [\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff] (Han), [\u3040-\u30ff] (kana) and
[A-Za-z]{2,} (words); tests/classifier/detect/test_language.py holds them to that. A Chinese
sample is decided before its words are cut out.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ._text import words

_SAMPLE_CHARS = 1500
_LINGUA_SAMPLE = 240

# The Han count reads the high byte of each UTF-16 code unit: U+3400-U+4DFF, U+4E00-U+9FFF and
# U+F900-U+FAFF are the units whose high byte is 34-4D, 4E-9F or F9-FA (less the hexagram
# symbols U+4DC0-U+4DFF, which share 4D and are counted apart when present). Surrogates (D8-DF)
# are no Han, as in the regex.
_HAN_HIGH = bytes(1 if 0x34 <= b <= 0x9F or b in (0xF9, 0xFA) else 0 for b in range(256))
_HEXAGRAMS = re.compile("[\u4dc0-\u4dff]")
_HIGH_30 = bytes(1 if b == 0x30 else 0 for b in range(256))
_LOW_40_UP = bytes(1 if b >= 0x40 else 0 for b in range(256))
# Every byte that is not an ASCII letter becomes a space: splitting then yields exactly the
# maximal [A-Za-z] runs (the sample is encoded with "?" for every other character).
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_LETTERS_ONLY = bytes(b if b in _ASCII_LETTERS else 0x20 for b in range(256))


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(
            Language.ENGLISH,
            Language.FRENCH,
            Language.GERMAN,
            Language.SPANISH,
            Language.PORTUGUESE,
            Language.ITALIAN,
            Language.DUTCH,
            Language.INDONESIAN,
        )
        .with_low_accuracy_mode()
        .build()
    )


def _han_kana(sample: str) -> tuple[int, int]:
    """(Han, kana) character counts of `sample`, the regex counts of the module's classes."""
    units = sample.encode("utf-16-le", "surrogatepass")
    high = units[1::2]
    han = high.translate(_HAN_HIGH).count(1)
    if not han:
        return 0, 0
    if 0x4D in high:  # U+4D00-U+4DFF: Han, or the hexagram symbols that are not
        han -= len(_HEXAGRAMS.findall(sample))
        if not han:
            return 0, 0
    # Kana are the units with high byte 30 and low byte 40 or more: one flag byte per unit
    # for each half, ANDed as two integers (CJK punctuation, 30 00-3F, is no kana).
    flags = int.from_bytes(high.translate(_HIGH_30), "little") & int.from_bytes(
        units[0::2].translate(_LOW_40_UP), "little"
    )
    return han, flags.bit_count()


def detect_language(title: str, text: str, hint: str | None = None) -> str:
    """Return "zh", "en" or "und" for the article; `hint` is used only when the text is silent."""
    sample = (title + "\n" + text[:_SAMPLE_CHARS]) if title else text[:_SAMPLE_CHARS]
    raw = sample.encode("ascii", "replace")
    han, kana = (0, 0) if sample.isascii() else _han_kana(sample)
    if han:
        if kana * 5 > han:
            return "und"  # Japanese: kana mixed with kanji
        # Chinese whatever its Latin words are: even every ASCII letter (the single ones the
        # words below leave out too) is too few, so the words need not be cut out.
        if han * 2.5 >= len(raw) - len(raw.translate(None, _ASCII_LETTERS)):
            return "zh"
    words = [w for w in raw.translate(_LETTERS_ONLY).split() if len(w) > 1]
    latin_letters = sum(map(len, words))
    if han == 0 and latin_letters == 0:
        return _from_hint(hint)
    # A Han character carries about as much as a short English word (~2.5 letters).
    if han * 2.5 >= latin_letters:
        return "zh"
    return "en" if _is_english(b" ".join(words).decode("ascii")) else "und"


_FUNCTION_WORDS = words(
    """the of and to in a is for on with that by was said from at as it be are has have"""
)
_FUNCTION_SHARE = 0.18


def _is_english(letters: str) -> bool:
    sample = letters[:_LINGUA_SAMPLE]
    if len(sample) < 12:
        return True
    # English prose is about a quarter function words; no other Latin-script language shares
    # these. A clear case skips lingua (0.2-0.6 ms a call); unclear ones go to lingua.
    words = letters[:1500].lower().split()
    share = sum(map(_FUNCTION_WORDS.__contains__, words)) / max(len(words), 1)
    if share >= _FUNCTION_SHARE and len(words) >= 20:
        return True
    from lingua import Language

    return bool(_detector().detect_language_of(sample) == Language.ENGLISH)


def _from_hint(hint: str | None) -> str:
    if not hint:
        return "und"
    code = hint.strip().lower().replace("_", "-").split("-")[0]
    return code if code in ("en", "zh") else "und"
