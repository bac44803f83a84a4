"""Article-level context that changes how a sentence is read."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import _lexicon as lx

# A year is a run of exactly four digits starting "19" or "20"; finding digit runs and
# filtering them is several times faster than the equivalent lookaround regex
# (?<!\d)((?:19|20)\d\d)(?!\d), which sre tries at every position.
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Context:
    """Flags about the whole article, computed once and read by every sentence rule."""

    sports: bool
    scam: bool
    earnings: bool
    meeting: bool
    ref_year: int | None
    lead: Callable[[], tuple[str, ...]] = tuple
    home: str | None = None  # the city the article is about (for 我市, 市政府)

    @property
    def lead_parties(self) -> tuple[str, ...]:
        """Organisations named in the article's first sentences (computed on first use)."""
        return self.lead()


# The city a Chinese article is about: the first "…市" of its headline zone that is a name
# (not 城市, 超市, 上市 …).
_DATELINE = re.compile(r"(?:网|社|报|台|电视台)([\u4e00-\u9fff]{2,4}?)\d{1,2}月\d{1,2}日(?:讯|电)")
_HOME = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,4}市)")
_NOT_HOME = re.compile(r"^[我本全该各每省市]|(?:城|超|上|都|门|股)市$")
_SELF = re.compile(
    r"(?:(?<=^)|(?<=[，。；、：\s与和同跟及由将在为]))(?:我市|本市|市人民政府|市政府)"
)


def home_city(title: str, text: str) -> str | None:
    """The article's city: its dateline ("东北网双鸭山5月30日讯"), else the first city named
    in its headline."""
    dateline = _DATELINE.search(text[:200])
    if dateline is not None:
        return dateline.group(1)
    for match in _HOME.finditer(title or text[:60]):
        if not _NOT_HOME.search(match.group(1)):
            return match.group(1)
    return None


def resolve_self(sentence: str, ctx: Context) -> str:
    """The sentence with 我市 / 市政府 standing for the article's city named as it."""
    if ctx.home is None or "市" not in sentence:
        return sentence
    return _SELF.sub(ctx.home, sentence)


def build(
    scan: lx.Scan,
    title: str,
    text: str,
    published_year: int | None,
    lead: Callable[[], tuple[str, ...]] = tuple,
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
        home=home_city(title, text) if not text.isascii() else None,
    )
