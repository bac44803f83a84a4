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

    @property
    def lead_parties(self) -> tuple[str, ...]:
        """Organisations named in the article's first sentences (computed on first use)."""
        return self.lead()


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
    )
