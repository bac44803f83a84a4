"""Trigger and context vocabulary, compiled once into one Aho-Corasick automaton.

One pass of the automaton over the lower-cased article finds every trigger (the prefilter:
an article without one leaves at once) and counts the context words that decide whether the
article is sports, scam advice, an earnings report or a visit. pyahocorasick does this in C
in one scan whatever the number of words; a Python regex alternation of the same words tries
each alternative at each position and was several times slower here.

Entries are stems or words; English ones are checked for word boundaries after the match.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Final

import ahocorasick

SIGN: Final = "sign"
COOP: Final = "coop"
ZH_SIGN: Final = "zh_sign"
ZH_COOP: Final = "zh_coop"
SPORTS: Final = "sports"
SCAM: Final = "scam"
EARNINGS: Final = "earnings"
MEETING: Final = "meeting"
TEMPLATE: Final = "template"  # contract clauses: 甲方, 本协议, "hereinafter"
JOB: Final = "job"  # job-advertisement headings
BYLINE: Final = "byline"  # an opinion piece's author line
TRIGGERS: Final = frozenset({SIGN, COOP, ZH_SIGN, ZH_COOP})

# (keyword, category, whole_word). whole_word=False means a stem: only the left edge must
# be a word boundary. Chinese entries need no boundary.
_ENTRIES: tuple[tuple[str, str, bool], ...] = (
    # English signing verbs and nouns
    *((w, SIGN, True) for w in ("sign", "signs", "signed", "signing", "signings")),
    *((w, SIGN, True) for w in ("co-signed", "cosigned", "countersigned")),
    *((w, SIGN, True) for w in ("ink", "inks", "inked", "inking")),
    *((w, SIGN, True) for w in ("conclude", "concludes", "concluded", "concluding")),
    *((w, SIGN, True) for w in ("seal", "seals", "sealed", "clinch", "clinches", "clinched")),
    ("pen to paper", SIGN, True),
    ("entered into", SIGN, True),
    ("enters into", SIGN, True),
    # English cooperation triggers
    *((w, COOP, False) for w in ("cooperat", "co-operat", "collaborat", "partnership")),
    *((w, COOP, True) for w in ("partner", "partners", "partnered", "partnering")),
    *((w, COOP, True) for w in ("alliance", "joint", "jointly", "sister city", "sister cities")),
    *((w, COOP, True) for w in ("sister-city", "twin city", "twinning", "join forces")),
    *((w, COOP, True) for w in ("joined forces", "joins forces", "team up", "teamed up")),
    ("teams up", COOP, True),
    # "joined with A to launch ...", "a sisterhood pact"
    *((w, COOP, True) for w in ("joined with", "joins with", "sisterhood")),
    *((w, COOP, True) for w in ("work together", "working together", "worked together")),
    # Chinese signing and cooperation triggers
    *((w, ZH_SIGN, False) for w in ("签约", "签署", "签订", "签定", "签下", "缔结", "签字")),
    ("洽签", ZH_SIGN, False),  # "与菲律宾软件协会洽签 MOU" (negotiated and signed)
    *((w, ZH_COOP, False) for w in ("合作", "揭牌", "携手", "共建", "联盟", "结好", "友好城市")),
    *((w, ZH_COOP, False) for w in ("战略伙伴", "合作伙伴", "联合成立", "联合打造", "共同打造")),
    # The same in traditional characters, for the prefilter only: an article that passes it
    # is read in simplified characters (`_script`).
    *((w, ZH_SIGN, False) for w in ("簽約", "簽署", "簽訂", "簽定", "簽下", "締結", "簽字")),
    ("洽簽", ZH_SIGN, False),
    *((w, ZH_COOP, False) for w in ("攜手", "聯盟", "結好", "夥伴", "聯合成立", "聯合打造")),
    # Sports context
    *(
        (w, SPORTS, True)
        for w in (
            "striker",
            "midfielder",
            "goalkeeper",
            "defender",
            "winger",
            "quarterback",
            "pitcher",
            "coach",
            "league",
            "season",
            "transfer",
            "club",
            "tournament",
            "championship",
            "playoffs",
            "fifa",
            "uefa",
            "nba",
            "nfl",
            "footballer",
            "free agent",
            "roster",
            "head coach",
            "the squad",
            "signing day",
            "athlete",
            "athletes",
            "student-athlete",
            "student-athletes",
            "student athletes",
            "collegiate",
            "recruits",
            "recruiting",
            "scholarship",
            "ncaa",
        )
    ),
    *((w, SPORTS, False) for w in ("球员", "俱乐部", "联赛", "转会", "赛季", "主教练", "球队")),
    # Scam-warning context
    *(
        (w, SCAM, False)
        for w in ("scam", "fraud", "phishing", "con artist", "swindl", "impersonat", "fake ")
    ),
    *((w, SCAM, False) for w in ("诈骗", "骗局", "骗子", "电诈", "冒充", "陷阱", "诱导", "不法")),
    *((w, SCAM, False) for w in ("警惕", "上当", "欺骗")),
    # Earnings-report context
    *(
        (w, EARNINGS, True)
        for w in (
            "net profit",
            "revenue",
            "revenues",
            "earnings per share",
            "quarter",
            "quarterly",
            "year-on-year",
            "fiscal",
            "operating income",
            "net income",
            "gross margin",
            "guidance",
            "dividend",
        )
    ),
    *((w, EARNINGS, False) for w in ("净利润", "营收", "营业收入", "同比", "财报", "季度")),
    # Visit / meeting context (cooperation intent counts only in such a setting)
    *(
        (w, MEETING, False)
        for w in (
            "visit",
            "met with",
            "meeting",
            "talks",
            "received",
            "hosted",
            "delegation",
            "discussion",
            "exchange",
            "symposium",
            "forum",
            "conference",
            "courtesy call",
            "working session",
            "reception",
            "called on",
            "seminar",
            "summit",
            "dialogue",
            "meets with",
            "met ",
            "receives",
        )
    ),
    *(
        (w, MEETING, False)
        for w in (
            "会见",
            "会谈",
            "座谈",
            "接见",
            "拜会",
            "考察",
            "调研",
            "来访",
            "走访",
            "接待",
            "洽谈",
            "交流",
            "论坛",
            "峰会",
            "对接",
            "一行",
        )
    ),
)


# Genre markers found anywhere in the page, counted in the same pass (see `_genre`).
_GENRE_ENTRIES: tuple[tuple[str, str, bool], ...] = (
    *((w, TEMPLATE, False) for w in ("甲方", "乙方", "丙方", "本协议", "本合同", "此协议")),
    ("签字盖章", TEMPLATE, False),
    *((f"一式{n}份", TEMPLATE, False) for n in "两二三四五"),
    *((f"第{n}条", TEMPLATE, False) for n in "一二三四五六七八九十"),
    *((w, TEMPLATE, True) for w in ("party a", "party b", "hereinafter", "whereas")),
    ("in witness whereof", TEMPLATE, True),
    *((w, JOB, False) for w in ("岗位职责", "任职要求", "职位描述", "任职资格", "岗位要求")),
    *((w, JOB, False) for w in ("职位要求", "工作职责", "招聘")),
    *((w, JOB, True) for w in ("job description", "apply now", "responsibilities:")),
    *((w, JOB, True) for w in ("requirements:", "qualifications:")),
    *((w, BYLINE, False) for w in ("作者系", "作者为", "本文仅代表作者", "本文系作者")),
    *((w, BYLINE, True) for w in ("the author is", "the writer is", "letter to the editor")),
    *((w, BYLINE, True) for w in ("views expressed here", "views expressed in this")),
)
_ENTRIES = (*_ENTRIES, *_GENRE_ENTRIES)


def _build(entries: tuple[tuple[str, str, bool], ...]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word, category, whole in entries:
        automaton.add_word(word, (len(word), category, whole, word.isascii()))
    automaton.make_automaton()
    return automaton


_AUTOMATON: Final = _build(_ENTRIES)
# Triggers alone: the prefilter. Most articles hold none, and the context words (visit,
# meeting, season, 交流 ...) are common enough that sorting their hits costs more than the
# automaton pass itself, so an article is first asked only whether it has any trigger.
_TRIGGER_AUTOMATON: Final = _build(tuple(e for e in _ENTRIES if e[1] in TRIGGERS))


@dataclass(slots=True, init=False)  # its own __init__ is compiled with the module (mypyc)
class Scan:
    """What one pass over an article found: trigger positions and context counts."""

    triggers: list[tuple[int, str, str]]  # (start, category, word)
    context: Counter[str]
    context_words: dict[str, set[str]]

    def __init__(self) -> None:
        self.triggers, self.context, self.context_words = [], Counter(), {}


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _bounded(lowered: str, start: int, end: int, whole: bool) -> bool:
    """Whether the ASCII hit lowered[start:end+1] sits on word boundaries (stems: left only)."""
    if start > 0 and _is_word_char(lowered[start - 1]):
        return False
    return not (whole and end + 1 < len(lowered) and _is_word_char(lowered[end + 1]))


def has_trigger(lowered: str) -> bool:
    """Whether `scan(lowered)` would find at least one trigger; stops at the first one."""
    for end, (length, _category, whole, ascii_word) in _TRIGGER_AUTOMATON.iter(lowered):
        if not ascii_word or _bounded(lowered, end - length + 1, end, whole):
            return True
    return False


def scan(lowered: str) -> Scan:
    """Run the automaton over lower-cased text and sort hits into triggers and context."""
    result = Scan()
    n = len(lowered)
    for end, (length, category, whole, ascii_word) in _AUTOMATON.iter(lowered):
        start = end - length + 1
        if ascii_word:
            if start > 0 and _is_word_char(lowered[start - 1]):
                continue
            if whole and end + 1 < n and _is_word_char(lowered[end + 1]):
                continue
        word = lowered[start : end + 1]
        if category in TRIGGERS:
            result.triggers.append((start, category, word))
        else:
            result.context[category] += 1
            result.context_words.setdefault(category, set()).add(word)
    return result
