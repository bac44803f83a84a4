"""Language of an article: "zh", "en" or "und".

Chinese is decided by script alone (a count of Han characters), which is exact and costs a
few microseconds. Latin-script text goes to lingua, restricted to a handful of languages and
run on a short sample, to tell English from other languages; lingua's models are shipped
inside its wheel (no download) and the restricted detector adds ~20 MB RSS. Running lingua on a
whole 4 KB article costs ~1.4 ms, so only the first few hundred letters are sampled.

Every article pays for this function (its result is part of even a "none" answer), so the
counting is done on the UTF-8 bytes of the sample with C-level `bytes` methods rather than
with `re.findall`, which builds one Python string per Han character or Latin word (~100 us for
a Chinese sample, more than the whole no-trigger budget). The counts are exactly those of the
character-class regexes kept below as the reference definition (`han_count`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ._text import words

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SAMPLE_CHARS = 1500
_LINGUA_SAMPLE = 240

# UTF-8 lead bytes: U+4000-U+9FFF start with E4-E9 (E4 B7 is U+4DC0-U+4DFF, hexagram symbols,
# not Han); U+3400-U+3FFF is E3 90-BF and U+F900-U+FAFF is EF A4-AB; kana U+3040-U+30FF is
# E3 81-83. Lead bytes never occur as continuation bytes, so counting them counts characters.
_HAN_LEADS = bytes(range(0xE4, 0xEA))
_MARK = bytes(1 if b in _HAN_LEADS else 0 for b in range(256))
_NOT_HAN_E4 = b"\xe4\xb7"
_HAN_E3 = re.compile(rb"\xe3[\x90-\xbf]")
_HAN_EF = re.compile(rb"\xef[\xa4-\xab]")
_KANA_BYTES = re.compile(rb"\xe3[\x81-\x83]")
# Every byte that is not an ASCII letter becomes a space: splitting then yields exactly the
# maximal [A-Za-z] runs (multi-byte UTF-8 sequences only use bytes >= 0x80).
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


def han_count(text: str) -> int:
    """Number of Han (Chinese) characters in `text` (the reference definition)."""
    return len(_HAN.findall(text))


def _han_kana(raw: bytes) -> tuple[int, int]:
    """(Han, kana) character counts of UTF-8 `raw`; equal to the `_HAN`/`_KANA` regex counts."""
    han = raw.translate(_MARK).count(1) - raw.count(_NOT_HAN_E4)
    han += len(_HAN_E3.findall(raw)) + len(_HAN_EF.findall(raw))
    kana = len(_KANA_BYTES.findall(raw)) if han else 0
    return han, kana


def detect_language(title: str, text: str, hint: str | None = None) -> str:
    """Return "zh", "en" or "und" for the article; `hint` is used only when the text is silent."""
    sample = (title + "\n" + text[:_SAMPLE_CHARS]) if title else text[:_SAMPLE_CHARS]
    if sample.isascii():
        raw = sample.encode("ascii")
        han = kana = 0
    else:
        raw = sample.encode("utf-8", "surrogatepass")
        han, kana = _han_kana(raw)
    words = [w for w in raw.translate(_LETTERS_ONLY).split() if len(w) > 1]
    latin_letters = sum(map(len, words))
    if han == 0 and latin_letters == 0:
        return _from_hint(hint)
    if han and kana * 5 > han:
        return "und"  # Japanese: kana mixed with kanji
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
