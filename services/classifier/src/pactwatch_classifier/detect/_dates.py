"""Event dates: "On November 5", "Dec. 10, 2021", "2023-08-26", "4月28日", "2023年8月26日".

A date without a year takes the year of the article's publication (or, failing that, of the
latest full date in the article), moved back one year if that would put the event more than a
week after publication ("December 28" in an article of January 3). Only dates that exist in
the calendar are returned. Hand-written because dateutil/dateparser parse one string that is
already known to be a date, while the work here is to find it inside prose, fast.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from ._regex import anchored_finditer

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
_MONTH_RE = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_EN_MDY = re.compile(
    rf"\b{_MONTH_RE}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?",
    re.IGNORECASE,
)
_EN_DMY = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE}\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?",
    re.IGNORECASE,
)
_ISO = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)")
_ZH_DATE = re.compile(
    r"(?:(?P<year>(?:19|20)\d\d)\s*年\s*)?(?P<mon>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]"
)
_RELATIVE = re.compile(
    r"\b(?:yesterday|today|on (?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday))\b|昨天|昨日|今天|今日",
    re.IGNORECASE,
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ON_BEFORE = re.compile(r"(?:\b[Oo]n\s+|于)$")
_YEAR_ONLY = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# Every date pattern but the relative one needs a digit; the ISO, Chinese and day-month ones
# start at it (see `_regex.anchored_finditer`).
_DIGIT = re.compile(r"\d")


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve(
    month: int, day: int, year: int | None, published: date | None, fallback_year: int | None
) -> date | None:
    if year is not None:
        return _make(year, month, day)
    base = published.year if published is not None else fallback_year
    if base is None:
        return None
    found = _make(base, month, day)
    if found is not None and published is not None and found > published + timedelta(days=7):
        found = _make(base - 1, month, day)
    return found


def _numeric_dates(
    text: str, pub: date | None, fallback_year: int | None, hits: list[tuple[int, date | None]]
) -> None:
    """Append (offset, date) for the ISO, Chinese and English month-day dates of `text`."""
    for match in anchored_finditer(_ISO, text, _DIGIT, 0):
        hits.append(
            (match.start(), _make(int(match["year"]), int(match["mon"]), int(match["day"])))
        )
    zh_dates = anchored_finditer(_ZH_DATE, text, _DIGIT, 0) if "月" in text else iter(())
    for match in zh_dates:
        year = int(match["year"]) if match["year"] else None
        hits.append(
            (
                match.start(),
                _resolve(int(match["mon"]), int(match["day"]), year, pub, fallback_year),
            )
        )
    for pattern in (_EN_MDY, _EN_DMY):
        matches = (
            pattern.finditer(text)
            if pattern is _EN_MDY
            else anchored_finditer(pattern, text, _DIGIT, 0)
        )
        for match in matches:
            month = _MONTHS[match["mon"].lower().rstrip(".")]
            year = int(match["year"]) if match["year"] else None
            if (
                match["mon"].lower() == "may"
                and year is None
                and pattern is _EN_MDY
                and not text[match.start()].isupper()
            ):
                continue  # the verb "may"
            hits.append(
                (match.start(), _resolve(month, int(match["day"]), year, pub, fallback_year))
            )


def find_date(text: str, published: datetime | None, fallback_year: int | None) -> str | None:
    """The first date mentioned in `text` as ISO yyyy-mm-dd, or None."""
    pub = published.date() if published is not None else None
    hits: list[tuple[int, date | None]] = []
    if _DIGIT.search(text):
        _numeric_dates(text, pub, fallback_year, hits)
    if pub is not None:
        for match in _RELATIVE.finditer(text):
            word = match.group(0).lower()
            if word in ("yesterday", "昨天", "昨日"):
                hits.append((match.start(), pub - timedelta(days=1)))
            elif word in ("today", "今天", "今日"):
                hits.append((match.start(), pub))
            elif match["wd"]:
                back = (pub.weekday() - _WEEKDAYS.index(match["wd"].lower())) % 7
                hits.append((match.start(), pub - timedelta(days=back)))
    hits = [h for h in hits if h[1] is not None]
    if not hits:
        return None
    hits.sort(key=lambda h: h[0])
    # "On December 8th" names the event; a dateline ("WUXI, Dec. 10, 2021 --") names the
    # publication. Prefer a date introduced by "on"/"于" when there is one.
    introduced = [h for h in hits if _ON_BEFORE.search(text, max(0, h[0] - 4), h[0])]
    found = (introduced or hits)[0][1]
    return found.isoformat() if found is not None else None


def latest_year(text: str) -> int | None:
    """The latest plausible year written in `text`, used when no publication date is given."""
    years = [int(y) for y in _YEAR_ONLY.findall(text) if 1990 <= int(y) <= 2100]
    return max(years) if years else None
