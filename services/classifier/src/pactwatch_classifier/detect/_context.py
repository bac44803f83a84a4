"""Article-level context that changes how a sentence is read."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from . import _lexicon as lx
from ._founders_en import NO_ALLIANCES, Alliances
from ._self_en import Named

# A year is a run of exactly four digits starting "19" or "20"; finding digit runs and
# filtering them is several times faster than the equivalent lookaround regex
# (?<!\d)((?:19|20)\d\d)(?!\d), which sre tries at every position.
_DIGITS = re.compile(r"\d+")


T = TypeVar("T")


class Once(Generic[T]):
    """`fn()`, computed on the first call and kept: a lazily read part of one article.

    What `functools.cache` does for a function of no arguments, without its copying of the
    function's metadata each time it wraps one (five wrappers per article made that ~1% of
    the detector's time).
    """

    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn = fn
        self._done = False
        self._value: T | None = None

    def __call__(self) -> T:
        if not self._done:
            self._value = self._fn()
            self._done = True
        return self._value  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class _Local:
    home: str | None = None
    hosted: bool = False
    visitors: tuple[str, ...] = ()


_NO_LOCAL = _Local()


@dataclass(frozen=True, slots=True)
class Context:
    """Flags about the whole article, computed once and read by every sentence rule."""

    sports: bool
    scam: bool
    earnings: bool
    meeting: bool
    ref_year: int | None
    lead: Callable[[], tuple[str, ...]] = tuple
    # The Chinese article's own side, read on first use (most articles never need it).
    local: Callable[[], _Local] = lambda: _NO_LOCAL
    dateline: Callable[[], frozenset[str]] = frozenset
    # The alliances an English article names and their listed members, read on first use.
    alliance: Callable[[], Alliances] = lambda: NO_ALLIANCES
    # The English article's names with their counts, for "our city" (`_self_en`).
    named: Callable[[], tuple[Named, ...]] = tuple

    @property
    def datelines(self) -> frozenset[str]:
        """Places named as a press release's dateline ("CLEVELAND, Feb. 1"): no parties."""
        return self.dateline()

    @property
    def alliances(self) -> Alliances:
        """The alliances the article names, and the members it lists for them."""
        return self.alliance()

    @property
    def lead_parties(self) -> tuple[str, ...]:
        """Organisations named in the article's first sentences (computed on first use)."""
        return self.lead()

    @property
    def home(self) -> str | None:
        """The city the article is about (for 我市, 市政府)."""
        return self.local().home

    @property
    def hosted(self) -> bool:
        """The lead has the city's officials receiving a visitor (市长X会见)."""
        return self.local().hosted

    @property
    def visitors(self) -> tuple[str, ...]:
        """Governments whose delegation the lead reports visiting."""
        return self.local().visitors


def _local(title: str, text: str) -> _Local:
    if text.isascii():
        return _NO_LOCAL
    return _Local(home_city(title, text), _HOSTED.search(text[:400]) is not None, visitors(text))


# The city a Chinese article is about: the first "…市" of its headline zone that is a name
# (not 城市, 超市, 上市 …).
_DATELINE = re.compile(r"(?:网|社|报|台|电视台)([\u4e00-\u9fff]{2,4}?)\d{1,2}月\d{1,2}日(?:讯|电)")
_HOME = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,4}市)")
_NOT_HOME = re.compile(r"^[我本全该各每省市]|(?:城|超|上|都|门|股)市$")
_SELF = re.compile(
    r"(?:(?<=^)|(?<=[，。；、：\s与和同跟及由将在为]))(?:我市|本市|市人民政府|市政府)"
)


# A city paper names its city without 市 ("介绍了眉山经济社会发展情况", "眉山日报"), speaks for
# it ("代表苏州市委、市政府") or calls it by its first character ("来镇考察", "在眉投资").
# Each cue opens with a literal or a two-character class, so sre scans for it in C.
_CUE_SPEAKS = re.compile(r"代表([\u4e00-\u9fff]{2,3}?)市委")
_CUE_PAPER = re.compile(r"日报|经济社会发展")
_CUE_SHORT = re.compile(r"[来在]([\u4e00-\u9fff])(?:考察|表示欢迎|投资|发展|调研|交流|参观)")
_HAN_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")


def _cues(text: str) -> list[tuple[int, str | None, str | None]]:
    """(offset, name, first character) of each home-city cue, in text order."""
    cues: list[tuple[int, str | None, str | None]] = []
    cues += [(m.start(), m.group(1), None) for m in _CUE_SPEAKS.finditer(text)]
    for m in _CUE_PAPER.finditer(text):
        before = text[max(0, m.start() - 2) : m.start()]
        if _HAN_PAIR.fullmatch(before):
            cues.append((m.start() - 2, before, None))
    cues += [(m.start(), None, m.group(1)) for m in _CUE_SHORT.finditer(text)]
    return sorted(cues)


_HOSTED = re.compile(
    r"(?:市委书记|市长|市委副书记)[\u4e00-\u9fff]{2,4}(?:在\S{1,3})?(?:会见|会谈|接见|座谈)"
)


# "西藏昌都市委副书记、常务副市长X一行到访", "黑河市政府代表团赴珠海": a visiting government.
_VISITOR = re.compile(
    r"([\u4e00-\u9fff]{2,8}?[市省县区州])(?:委|人民政府|政府)?(?:常委)?[、，]?"
    r"(?:副?书记|常务副市长|副?市长|副?县长|副?区长|副?省长|副?州长|党政代表团|政府代表团|代表团|考察团)"
    r"[^。；]{0,24}?(?:一行|率团|带队)?[^。；]{0,6}(?:到访|来访|赴|考察|调研|访问)"
)


_VISIT_VERB = re.compile(r"到访|来访|赴|考察|调研|访问")


def visitors(text: str) -> tuple[str, ...]:
    found = []
    lead = text[:300]
    # The verb first (a literal scan in C), then the government before it in a short window.
    windows = (lead[max(0, v.start() - 48) : v.end()] for v in _VISIT_VERB.finditer(lead))
    for window in windows:
        match = _VISITOR.search(window)
        if match is None:
            continue
        name = re.sub(r"^.*?(?:[，。、：\s]|日|午|上|和|与)", "", match.group(1)) or match.group(1)
        if len(name) >= 3 and not re.match(r"[我本全该各每省市两]", name) and name not in found:
            found.append(name)
    return tuple(found[:2])


def home_city(title: str, text: str) -> str | None:
    """The article's city: its dateline ("东北网双鸭山5月30日讯"), else the first city named
    in its headline, else the city its own paper's cues name."""
    dateline = _DATELINE.search(text[:200])
    if dateline is not None:
        return dateline.group(1)
    for match in _HOME.finditer(title or text[:60]):
        if not _NOT_HOME.search(match.group(1)):
            return match.group(1)
    for _at, name, first in _cues(text[:2000]):
        if name is None and first is not None:
            # "来镇": the two-character name the text uses most that starts so
            names = re.findall(re.escape(first) + r"[\u4e00-\u9fff]", text[:5000])
            # ties go to the name met first: set order would change with the hash seed
            best = max(dict.fromkeys(names), key=names.count, default="")
            name = best if names.count(best) >= 3 else None
        if name and not re.match(r"[我本全该各每省市]", name):
            return name
    return None


def resolve_self(sentence: str, ctx: Context) -> str:
    """The sentence with 我市 / 市政府 standing for the article's city named as it."""
    if "市" not in sentence or ctx.home is None:
        return sentence
    return _SELF.sub(ctx.home, sentence)


def build(
    scan: lx.Scan,
    title: str,
    text: str,
    published_year: int | None,
    lead: Callable[[], tuple[str, ...]] = tuple,
    dateline: Callable[[], frozenset[str]] = frozenset,
    alliance: Callable[[], Alliances] = lambda: NO_ALLIANCES,
    named: Callable[[], tuple[Named, ...]] = tuple,
) -> Context:
    sports_words = scan.context_words.get(lx.SPORTS, set())
    ref_year = published_year
    if ref_year is None:
        runs = _DIGITS.findall(text[:20000])
        years = [int(y) for y in runs if len(y) == 4 and y[:2] in ("19", "20")]
        years = [y for y in years if 1990 <= y <= 2100]
        ref_year = max(years) if years else None
    return Context(
        sports=scan.context[lx.SPORTS] >= 3 and len(sports_words) >= 2,
        scam=scan.context[lx.SCAM] >= 2,
        earnings=scan.context[lx.EARNINGS] >= 3,
        meeting=scan.context[lx.MEETING] >= 1,
        ref_year=ref_year,
        lead=lead,
        local=Once(lambda: _local(title, text)),
        dateline=dateline,
        alliance=alliance,
        named=named,
    )
