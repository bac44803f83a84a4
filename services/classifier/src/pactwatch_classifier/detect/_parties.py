"""The party gate: every name a rule proposes as a party passes here before it reaches an
event.

A party is an organisation, or a government or administrative area acting as one. Rules
read names from grammatical slots, and slots catch more than names: the agreement itself
("Memorandum of Understanding", 战略合作协议), people and titles ("Vice-Chancellor",
"副校长毛君", "陈群国代表地信集团"), clause fragments (全面推动, 有8个项目, 会领导共同为实验室),
generic words (企业, 我市, 两市, "Discussions"), counts (29个京港合作项目) and page furniture
("HOME > DAVOS > NEWS"). Real news showed each of these classes; the gate removes the class,
keeps the organisation inside the phrase where there is one (中建三局副总经理罗宏 → 中建三局,
"Taipei City Mayor Eric Chu" → "Taipei City"), and splits two coordinated organisations
("Aspire Consulting and Zillion Technologies").
"""

from __future__ import annotations

import re
from functools import lru_cache

from ._entities import ORG_WORDS
from ._text import words

_HAN = re.compile(r"[\u4e00-\u9fff]")

# --- Chinese ------------------------------------------------------------------------------
_ZH_TITLE = re.compile(
    r"(?:市委|区委|县委|省委|党委|党组)?(?:常务|执行)?副?(?:书记|市长|区长|县长|省长|州长|镇长|主任|"
    r"局长|厅长|部长|校长|院长|会长|董事长|总经理|总裁|经理|主席|秘书长|行长|总工程师|指挥长|领队|"
    r"副市|常委|先生|女士|教授|博士|院士|助理|记者|代表团|一行)"
)
_ZH_REPRESENTS = re.compile(r"^.{0,30}?(?:分别)?代表")
_ZH_AGREEMENT = re.compile(r"协议|合同|备忘录|意向书|协定|框架|契约|议定书|纲要|《|》|「|」|『|』")
_ZH_FRAGMENT = re.compile(
    r"的|了|把|被|将|为(?!民)|对(?!外)|以|于|在|是|有(?!限)|\d+\s*[个家对项批間间所校]|共同|推动|推进|"
    r"进行|打造|实现|开展|深化|加强|促进|提升|加快|培养|利用|相继|包括|积极|全面|更好|各项|方面|领域|"
    r"工作|内容|强力|集中|开工|竣工|签约|签署|签订|举行|出席|见证|参加|活动|到访|前往|赴|率|带队|"
    r"欢迎|希望|表示|因此|继续|进一步|充分|走出|组织|挖掘|还|也|这|此|首页|>|电\s|报道|】|【|暨|若|欲|"
    r"查询|/|相关|方能|签请|"
    r"重点项目|招商|座谈|交流|会议|论坛|大会|共建的|联合打造的|十余|一家|部分|等"
)
_ZH_GENERIC = re.compile(
    r"^(?:[我该本各多两双全此其](?:市|区|县|省|镇|校|院|所|公司|企业|集团|部门|单位|方|地|国|政府|市政府)"
    r"|企业|项目|公司|集团|政府|市政府|区政府|县政府|省政府|省市|城市|地区|双方|各方|两地|内地|"
    r"学校|大学|学院|中心城市|相关\S*|有关\S*|地方政府|双边政府|中外\S*|国内外\S*|高等院校|开发区|"
    r"高新区管委会|高新区|管委会|商会|协会|联盟|发展联盟|联合实验室|实验室|工业|旅游|产业发展|"
    r"基础设施建设|科技成果转化|院士专家|省属国有企业|综合性\S*|友好城市|友城|姐妹城市|双方城市|"
    r"[一二三四五六七八九十两几多数]+(?:区|市|县|省|地|方|国|园|校))$"
)
_ZH_LEGAL = re.compile(r"(?:股份有限公司|有限责任公司|有限公司)$")


def _zh(name: str) -> list[str]:
    name = name.strip(" \u3000()（）·,，、")
    represents = _ZH_REPRESENTS.match(name)
    if represents is not None:  # "陈群国代表地信集团": the person speaks for the organisation
        name = name[represents.end() :]
    title = _ZH_TITLE.search(name)
    if title is not None:  # "中建三局副总经理罗宏" → 中建三局; "副校长毛君" → nothing
        name = name[: title.start()]
    if not 2 <= len(name) <= 40 or re.search(r"\s", name):
        return []
    if _ZH_AGREEMENT.search(name) or _ZH_GENERIC.match(name):
        return []
    if _ZH_FRAGMENT.search(_ZH_LEGAL.sub("", name)):
        return []
    return [name]


# --- English ------------------------------------------------------------------------------
_EN_AGREEMENT_HEAD = words(
    """agreement agreements memorandum memoranda mou mous moa loi lois contract contracts deal
    deals pact pacts accord accords treaty treaties framework declaration charter protocol
    understanding intent partnership partnerships cooperation collaboration signing signings
    ceremony ceremonies"""
)
_EN_AGREEMENT_START = re.compile(
    r"^(?:(?:the|three|two|several|\w+ly signed)\s+)?(?:memorand|mou|moa|agreement|letters? of "
    r"intent|signing|contract|deal|pact|accord|treaty|declaration|framework)",
    re.IGNORECASE,
)
_EN_TITLE = re.compile(
    r"\b(?:(?:pro |deputy |vice[- ]|acting |executive |general )*(?:mayor|vice-chancellor|"
    r"chancellor|provost|president|director|chairman|chairwoman|chair|ceo|cfo|secretary|minister|"
    r"governor|consul|ambassador|professor|dean|commissioner|representative|spokesperson|"
    r"spokesman|councillor|councilor|senator|premier|chief)|mr|mrs|ms|dr|prof)\b\.?",
    re.IGNORECASE,
)
_EN_GENERIC = words(
    """afterwards following representing leading strategic signing investment investments
    industry industries university universities discussions talks internet web city government
    governments region regions province provinces company companies enterprises firms partners
    cm rs rmb usd yuan dollars faqs recruiting student-athletes government-owned marking ten
    keeper gigafactory home news update today"""
)
_EN_NAV = re.compile(r"[>|»]")
_EN_LEADING_VERB = re.compile(r"^(?:representing|marking|following|including|led by)\s+", re.I)


def _en_core(name: str) -> str:
    """Cut a trailing title and person ("Taipei City Mayor Eric Chu" → "Taipei City")."""
    title = _EN_TITLE.search(name)
    if title is None:
        return name
    return name[: title.start()].strip(" ,;-")


def _en_one(name: str) -> str | None:
    name = _EN_LEADING_VERB.sub("", name.strip(" ,;:-"))
    name = _en_core(name)
    tokens = name.split()
    if not tokens or len(name) < 2 or _EN_NAV.search(name) or not re.search("[A-Za-z]", name):
        return None
    bare = [t.strip("().,").lower() for t in tokens]
    if _EN_AGREEMENT_START.match(name) or bare[-1] in _EN_AGREEMENT_HEAD:
        return None
    if len(tokens) == 1 and (bare[0] in _EN_GENERIC or bare[0].endswith("ing")):
        return None
    if all(b in _EN_GENERIC for b in bare):
        return None
    return name


_EN_AND = re.compile(r"\s+(?:and|&)\s+(?=[A-Z])")


def _en(name: str) -> list[str]:
    parts = _EN_AND.split(name, maxsplit=1)
    if len(parts) == 2 and (
        parts[0].endswith(")") or parts[0].rsplit(None, 1)[-1].lower().rstrip(".,") in ORG_WORDS
    ):
        # "Aspire Technologies and Zillion Labs": the left side ends as a name ends, so two
        # names; "University of Science and Technology of China" stays one.
        return [p for p in (_en_one(parts[0]), _en_one(parts[1])) if p is not None]
    one = _en_one(name)
    return [one] if one is not None else []


@lru_cache(maxsize=16384)
def gate(name: str) -> tuple[str, ...]:
    """The party (or parties) `name` stands for; empty when it names none."""
    return tuple(_zh(name) if _HAN.search(name) else _en(name))


def clean(names: list[str]) -> list[str]:
    """Every name through the gate, in order, each once."""
    out: list[str] = []
    for name in names:
        for party in gate(name):
            if party not in out:
                out.append(party)
    return out
