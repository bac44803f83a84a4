"""Does an extracted party name a gold party?

The scorer has its own normalisation, independent of the detector's (a scorer that shared
the detector's notion of "same party" would forgive the detector's own mistakes). Two names
match when, after folding case and traditional characters and dropping punctuation and legal
forms and bracketed annotations ("(JGU)", "(Wuxi)"), one is the other or a contiguous part of
it covering at least half of it:
"Port of Rotterdam" names "Port of Rotterdam Authority", "Rotterdam" does not (that form has
to be listed as an alias, which the labeller does when the article uses it).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from ._examples import GoldParty

_TOKENS = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]")
# An acronym or a place in brackets annotates a name: "Jindal Global University (JGU)".
_BRACKETS = re.compile(r"\([^)]*\)|（[^）]*）")
_LEGAL = re.compile(r"股份有限公司|有限责任公司|有限公司")
_LEGAL_WORDS = frozenset({"co", "ltd", "inc", "corp", "limited", "llc", "plc", "the"})
MIN_COVER = 0.5


@cache
def _t2s() -> object:
    import opencc  # the scorer's own converter, loaded only when evaluating

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def tokens(name: str) -> tuple[str, ...]:
    """Comparison tokens: lower-case Latin words and single Han characters (simplified)."""
    text = name.casefold().replace("’", "'").replace("'s", "")
    if any("\u3400" <= ch <= "\u9fff" for ch in text):
        text = _t2s().convert(text)  # type: ignore[attr-defined]
    text = _LEGAL.sub(" ", _BRACKETS.sub(" ", text))
    return tuple(t for t in _TOKENS.findall(text) if t not in _LEGAL_WORDS)


def _contains(long: tuple[str, ...], short: tuple[str, ...]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def same_name(a: str, b: str) -> bool:
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return len(short) >= MIN_COVER * len(long) and _contains(long, short)


def names_party(extracted: str, party: GoldParty) -> bool:
    """Whether `extracted` names `party` (its name or one of its aliases)."""
    return any(same_name(extracted, name) for name in party.names)
