"""The party gate: every name a rule proposes as a party passes here before it reaches an
event.

A party is an organisation, or a government or administrative area acting as one. Rules
read names from grammatical slots, and slots catch more than names: the agreement itself
("Memorandum of Understanding", 战略合作协议), people and titles ("Vice-Chancellor",
"副校长毛君", "周立明代表远航集团"), clause fragments (全面推动, 有8个项目, 会领导共同为实验室),
generic words (企业, 我市, 两市, "Discussions"), counts (29个京港合作项目) and page furniture
("HOME > DAVOS > NEWS"). Real news showed each of these classes; the gate removes the class,
keeps the organisation inside the phrase where there is one (中建三局副总经理罗宏 → 中建三局,
"Taipei City Mayor Eric Chu" → "Taipei City"), and splits two coordinated organisations
("Aspire Consulting and Zillion Technologies").
"""

from __future__ import annotations

import re
from functools import lru_cache

from ._names_zh import is_bare_person, is_person, split_names
from ._places import is_place
from ._regex import whole_word_spans
from ._sides_zh import abbreviation_pair
from ._text import words
from ._vocab_en import ORG_WORDS, PINYIN
from ._words_zh import DISCIPLINE

_HAN = re.compile(r"[\u4e00-\u9fff]")

# --- Chinese ------------------------------------------------------------------------------
_ZH_TITLE = re.compile(
    r"(?:市委|区委|县委|省委|党委|党组)?(?:常务|执行)?副?(?:书记|市长|区长|县长|省长|州长|镇长|主任|总理|首相|总统|大使|总领事|领事|议长|"
    r"局长|厅长|部长|校长|院长|所长|会长|董事长|总经理|总裁|经理|主席|秘书长|行长|总工程师|指挥长|领队|"
    r"副市|常委|先生|女士|教授|博士|院士|助理|记者|代表团|一行)"
)
_ZH_REPRESENTS = re.compile(r"^.{0,30}?(?:分别)?代表")
_ZH_AGREEMENT = re.compile(r"协议|合同|备忘录|意向书|协定|框架|契约|议定书|纲要|《|》|「|」|『|』")
_ZH_FRAGMENT = re.compile(
    r"的|了|把|被|将|(?<!^.)为(?!民)|对(?!外)|以|于|在|是|有(?!限)|\d+\s*[个家对项批間间所校]|共同|推动|推进|"
    r"进行|打造|实现|开展|深化|加强|促进(?!会)|提升|加快|培养|利用|相继|包括|积极|全面|更好|各项|方面|领域|"
    r"给予|建设好|致力|成立|举行|召开|[一二三四五六七八九十百千几两多数第]+[个家批项所]|"
    r"工作(?![部局委站室组处])|内容|强力|集中|开工|竣工|签约|签署|签订|举行|出席|见证|参加|活动|到访|前往|赴|率|带队|"
    r"欢迎|希望|表示|因此|继续|进一步|充分|走出|组织|挖掘|还|也|这|此|首页|>|电\s|报道|】|【|暨|若|欲|"
    r"查询|/|相关|方能|签请|"
    r"重点项目|招商|座谈|共建的|联合打造的|十余|一家|部分|(?<![高中初平同])等"
)
# An event is where parties meet, not a party: "……论坛", "……大会", "……交流会".
_ZH_EVENT = re.compile(r"(?:论坛|大会|会议|座谈会|交流会|博览会|洽谈会|推介会|峰会|展会|年会)$")
_ZH_GENERIC = re.compile(
    r"^(?:[我该本各多两双全此其](?:市|区|县|省|镇|校|院|所|公司|企业|集团|部门|单位|方|地|国|政府|市政府)"
    r"|企业|项目|公司|集团|政府|市政府|区政府|县政府|省政府|省市|城市|地区|双方|各方|两地|内地|"
    r"学校|大学|学院|中心城市|相关\S*|有关\S*|地方政府|双边政府|中外\S*|国内外\S*|高等院校|开发区|"
    r"高新区管委会|高新区|管委会|商会|协会|联盟|发展联盟|联合实验室|实验室|工业|旅游|产业发展|"
    r"基础设施建设|科技成果转化|院士专家|省属国有企业|综合性\S*|友好城市|友城|姐妹城市|双方城市|"
    r"[一二三四五六七八九十两几多数]+(?:区|市|县|省|地|方|国|园|校)|[两双](?:市|区|县|省|地|国|校|方)\S+|"
    r"各\S+|国外\S*|海外\S*机构|国际|\S*学生|\S*业者)$"
)
_ZH_LEGAL = re.compile(r"(?:股份有限公司|有限责任公司|有限公司)$")


_ZH_SPLIT = re.compile(r"[与跟及、]|以及|(?<!共)和(?!国)")
_ZH_DATE_TAIL = re.compile(r"(?:\d+月)?\d+日$|(?:上午|下午|晚上|当天|今天|今日|日前|近日)$")


# 及 joins two parties only after a name that ends like one ("A公司及B集团").
_ZH_ORG_BEFORE_AND = re.compile(
    r"(?:公司|集团|银行|大学|学院|研究院|政府|委员会|中心|协会|局|厅|部|市|省|县|区)及"
)


# 为 as the second character of a short name or of a company's name is part of the name
# ("嘉为", "立为科技有限公司"); anywhere else it is the preposition of a clause ("并为X").
_ZH_FOR = re.compile(
    r"^.为.+(?<!公司|集团|科技|股份)$|^[图作成因认行视称定即均分更较最极尤广并又也还]为$"
)


def _zh(name: str) -> list[str]:
    base = name.strip(" \u3000·,，、.。")
    stripped = base.strip("()（）")
    # "恩益禧(NEC)": the abbreviation in brackets stays with its name
    name = base if _balanced(base) and not _balanced(stripped) else stripped
    name = _ZH_DATE_TAIL.sub("", name)
    pair = abbreviation_pair(name)
    if pair is not None:
        return pair
    if _ZH_FOR.match(name):
        return []
    represents = _ZH_REPRESENTS.match(name)
    if represents is not None:  # "周立明代表远航集团": the person speaks for the organisation
        name = name[represents.end() :]  # (whose name may hold any character: 韩志远)
    if _ZH_FRAGMENT.search(_ZH_LEGAL.sub("", name)):
        return []  # a clause ("会领导共同为实验室"), not names joined by 与
    parts = [p for p in split_names(_ZH_SPLIT, name) if p]
    if "及" in name and not _ZH_ORG_BEFORE_AND.search(name):
        parts = [name]  # "教育及青年发展局": one name
    if len(parts) > 1 and all(len(p) >= 2 for p in parts):
        # "黑龙江省大庆市与韩国忠清北道忠州市": two parties in one slot
        return [q for p in parts for q in _zh(p)]
    return _zh_one(name)


# A joint thing launched (联合实验室, 共建产业园) is the object of a cooperation, not a party.
_ZH_JOINT_OBJECT = re.compile(
    r"(?:共建|联合|合作|携手|校企|校地).*(?:实验室|中心|园|园区|基地|平台|联盟|研究院|工作站|示范区|"
    r"联合体|合作)$|(?:科技创新|战略)合作$"
)
# A department without its government ("规划局", "住建委", "理学院"): part of a party.
_ZH_SUBUNIT = re.compile(
    r"^(?:市|区|县|省)?\S{2}(?:局|委|办|处)$|^\S{1,2}(?:学部|系)$|^\S?学院$|"
    r"^" + DISCIPLINE + r"学院$|"
    r"^(?:学校|学院|大学|公司|集团)\S{2,4}(?:处|部|办|室)$"  # "学院科研处": a unit of "the college"
)
# A plan, strategy or system is what a party has, not a party.
_ZH_PLAN = re.compile(r"(?:战略|规划|理念|模式|体系|工程|计划)$")
_ZH_ORG_IN = re.compile(r".{2,30}(?:集团|公司|大学|学院|研究院|银行|政府|管委会)")


_ZH_BROKEN = re.compile(
    r"[,，;；:：!?！？]|^(?:系|是|为|将|把|被|对|向|在|于|据|经(?!济|贸|信|开)|由|接|结合|再度|再次|首次|随后|同时)"
)
_ZH_ABSTRACT = re.compile(
    r"(?:发展|融合|投资|建设|合作|交流|城市|城区|地区|[市区县省](?:企业|项目))$"
)


def _balanced(name: str) -> bool:
    return name.count("(") == name.count(")") and name.count("（") == name.count("）")


def _abstract(name: str) -> bool:
    """ "产教融合发展", "创新城市": an abstract noun. A city whose own name ends in 城 (聊城市,
    白城市, 江苏省盐城市) is a name, not 城市."""
    if _ZH_ABSTRACT.search(name) is None:
        return False
    if name.endswith("城市"):
        return len(re.sub(r"^\S{2,3}省", "", name)) != 3
    return True


def _zh_one(name: str) -> list[str]:
    represents = _ZH_REPRESENTS.match(name)
    if represents is not None:  # "周立明代表远航集团": the person speaks for the organisation
        name = name[represents.end() :]
    title = _ZH_TITLE.search(name)
    if title is not None:  # "中建三局副总经理罗宏" → 中建三局; "副校长毛君" → nothing
        head = name[title.start() :].lstrip("副常务执行")
        name = name[: title.start()]
        # "江科院院长", "临港所副所长": the head of the body just named, so the name before
        # the title is the body's short name, even when it reads like a person's (江科院)
        if is_person(name) and not (name[-1] in "院所" and head.startswith(name[-1] + "长")):
            return []
    runs = name.split()
    if len(runs) > 1 and not any(_HAN.search(r) for r in runs[:-1]):
        name = runs[-1]  # "date 2025-11-20 财团法人…中心": a Latin prefix before the name
    if not 2 <= len(name) <= 40 or re.search(r"\s", name) or name[0].isdigit():
        return []
    plan = _ZH_PLAN.search(name)
    if plan is not None:  # "扬农集团科技创新战略": the organisation whose plan it is
        org = _ZH_ORG_IN.match(name[: plan.start()])
        if org is None:
            return []
        name = org.group(0)
    if name[0] == "我" or is_bare_person(name):
        return []  # 我区… (the speaker's own side, resolved elsewhere); 刘志庆
    if _ZH_AGREEMENT.search(name) or _ZH_GENERIC.match(name):
        return []
    if _ZH_JOINT_OBJECT.search(name) or _ZH_SUBUNIT.match(name) or _ZH_EVENT.search(name):
        return []
    if _ZH_BROKEN.search(name) or not _balanced(name) or _abstract(name):
        return []  # a cut clause ("交流协约后,再度"), or an abstract noun ("产教融合发展")
    if _ZH_FRAGMENT.search(_ZH_LEGAL.sub("", name)):
        return []
    return [name]


# --- English ------------------------------------------------------------------------------
_EN_AGREEMENT_HEAD = words(
    """agreement agreements memorandum memoranda mou mous moa loi lois contract contracts deal
    deals pact pacts accord accords treaty treaties framework declaration charter protocol
    understanding intent partnership partnerships cooperation collaboration signing signings
    ceremony ceremonies project projects programme programmes program initiative delegation
    delegations"""
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
    committee council cm rs rmb usd yuan dollars faqs recruiting student-athletes
    government-owned marking ten
    keeper gigafactory home news update today prnewswire newswire xinhua reuters afp ap vna
    ians pti ani yonhap kyodo bernama one two three four five six seven eight nine ten eleven
    twelve twenty thirty hundred dozens kenyan korean mexican american african nigerian
    egyptian moroccan cuban chilean peruvian"""
)
_EN_NAV = re.compile(r"[>|»]")
_EN_LEADING_VERB = re.compile(r"^(?:representing|marking|following|including|led by)\s+", re.I)


def _en_core(name: str) -> str:
    """Cut a trailing title and person ("Taipei City Mayor Eric Chu" → "Taipei City")."""
    title = _EN_TITLE.search(name)
    if title is None:
        return name
    return name[: title.start()].strip(" ,;-")


# "Yeongju City of South Korea": the country says where, not who.
_EN_OF_PLACE = re.compile(
    r"\b((?:city|province|county|district|prefecture|state|region|municipality))\s+of\s+(.+)$",
    re.IGNORECASE,
)


# One-word heads that make a place's own name with "of" ("Republic of Korea").
_EN_PLACE_HEADS = words(
    """republic kingdom union commonwealth state states isle islands gulf bay cape lake port
    emirate sultanate principality duchy"""
)


# "... Co., Ltd. for the China-Mexico Textile Park": what the deal is for, not who.
_EN_FOR_THE = re.compile(r",?\s+for\s+the\s+.*$")
_EN_PEOPLE = re.compile(r"^(?:members?|representatives?|officials?|delegates?|leaders?)\b", re.I)


def _en_one(name: str) -> str | None:
    name = _EN_LEADING_VERB.sub("", name.strip(" ,;:-"))
    name = _EN_FOR_THE.sub("", name)
    if _EN_PEOPLE.match(name):
        return None  # "Members of the Council": people, not the council
    name = _en_core(name)
    of_place = _EN_OF_PLACE.search(name)
    if of_place is not None and of_place.start() > 0 and is_place(of_place.group(2).strip()):
        name = name[: of_place.end(1)]
    elif " of " in name:
        head, _, where = name.partition(" of ")
        if (
            " " not in head
            and head.lower() not in ORG_WORDS | _EN_PLACE_HEADS
            and is_place(where.strip())
        ):
            name = head  # "Dalarna of Sweden": the country says where, not who
    tokens = name.split()
    if not tokens or len(name) < 2 or _EN_NAV.search(name) or not re.search("[A-Za-z]", name):
        return None
    bare = [t.strip("().,").lower() for t in tokens]
    if _EN_AGREEMENT_START.match(name) or bare[-1] in _EN_AGREEMENT_HEAD:
        return None
    if len(tokens) == 1 and (bare[0] in _EN_GENERIC or _participle(bare[0], name)):
        return None
    if all(b in _EN_GENERIC for b in bare):
        return None
    return name


def _participle(bare: str, name: str) -> bool:
    """ "Following", "Representing": a capitalised verb form, not a name; "Nanjing" and
    "Kunming" end the same way but are places (a pinyin city name)."""
    return bare.endswith("ing") and not is_place(name) and PINYIN.fullmatch(bare) is None


_EN_AND = re.compile(r"\s+(?:and|&)\s+(?=[A-Z])")
# Words that begin an organisation's name ("... and University of St. Louis").
_EN_NAME_START = words(
    """university port ports bank city county province government ministry department
    municipality council chamber institute academy college school hospital foundation
    association federation agency authority office embassy consulate corporation company
    group state republic kingdom"""
)


# The second half of compound names: "Science and Technology Bureau", "Commerce and Industry".
_EN_COMPOUND = words(
    """industry industries commerce information trade development innovation engineering
    culture tourism research education health sports transport communications"""
)


def _en(name: str) -> list[str]:
    parts = _EN_AND.split(name, maxsplit=1)
    if len(parts) == 2 and (
        parts[0].endswith(")")
        or parts[0].rsplit(None, 1)[-1].lower().rstrip(".,") in ORG_WORDS
        or (" " in parts[0] and parts[1].split()[0].lower() in _EN_NAME_START)
        or (
            len(parts[0].split()) >= 2
            and len(parts[1].split()) >= 2
            and parts[1].rsplit(None, 1)[-1].lower().rstrip(".,") in ORG_WORDS
            and parts[1].split()[0].lower() not in ORG_WORDS | _EN_COMPOUND
            # "Hillside Cultural Tourism and Transportation Construction Group": one body
            and parts[0].rsplit(None, 1)[-1].lower() not in _EN_COMPOUND
        )
    ):
        # "Aspire Technologies and Zillion Labs", "University of Mumbai and University of
        # St. Louis": two names; "University of Science and Technology of China" stays one.
        return [p for p in (*_en(parts[0]), *_en(parts[1]))]
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


_EN_TITLE_WORDS = (
    r"(?:mayor|president|secretary|minister|governor|chairman|chairwoman|director|premier|"
    r"ambassador|consul|commissioner|senator|chancellor|head|chief|founder|ceo|professor|"
    r"vice governor|vice mayor|deputy mayor)"
)
_EN_TITLE_BEFORE = re.compile(
    r"\b(?:Mayor|President|Secretary|Minister|Governor|Chairman|Chairwoman|Director|Premier|"
    r"Ambassador|Consul|Commissioner|Senator|Chancellor|Mr|Mrs|Ms|Dr|Prof)\.?\s+"
    r"(?:[A-Z][\w'’.-]*\s+){0,2}$"
)
_EN_TITLE_OF_BEFORE = re.compile(
    r"\b(?:Mayor|Governor|President|Chairman|Chairwoman|Director|Minister|Secretary|"
    r"Chancellor|Head|Chief Executive|CEO)\s+of\s+(?:the\s+)?((?:[A-Z][\w'’.-]*\s*)+),\s+"
    r"(?:[A-Z][\w'’.-]*\s+){0,2}$"
)
_EN_COUNTERPART_BEFORE = re.compile(
    r"\b(?:counterpart|equivalent|envoy|spokesperson|spokesman|founder)\s+"
    r"(?:[A-Z][\w'’.-]*\s+){0,2}$"
)
# ", the mayor of the city of Xiangyang": whom the person speaks for.
_EN_APPOSITIVE_AFTER = re.compile(
    r"(?:\s+[A-Z][\w'’-]+)?,\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?i:"
    + _EN_TITLE_WORDS
    + r")\b(?:\s+of\s+(?:the\s+)?(?:city\s+of\s+|province\s+of\s+)?"
    r"((?:[A-Z][\w'’.-]*(?:\s+(?:of\s+)?(?=[A-Z]))?)+))?"
)


_EN_SECOND_ROLE = re.compile(
    r",?\s+and\s+(?:the\s+)?(?:[\w-]+\s+)?(?i:mayor|governor|chairman|president|head)\s+of\s+"
    r"(?:the\s+)?(?:city\s+of\s+)?((?:[A-Z][\w'’.-]*(?:\s+(?=[A-Z]))?)+)"
)
_EN_GROUP_OF_PEOPLE = re.compile(r"\b(?:Delegation|Delegations|Mission|Caucus)\b")


def maybe_person(name: str) -> bool:
    """A Latin name of one to three words without an organisation word ("Brainard")."""
    tokens = name.split()
    return (
        0 < len(tokens) <= 3
        and not _HAN.search(name)
        and not any(t.lower().strip(".,()") in ORG_WORDS for t in tokens)
    )


def person(text: str, name: str) -> tuple[bool, str | None]:
    """Whether the article gives `name` a personal title somewhere ("Mayor Jim Brainard",
    "Jim Brainard, head of ..."), and the organisation the person speaks for where it is
    named: so "Brainard signed" is read as that organisation, or dropped."""
    found = False
    for start, end in whole_word_spans(text, name):
        before = text[max(0, start - 80) : start]
        title_of = _EN_TITLE_OF_BEFORE.search(before)
        if title_of is not None:  # "Mayor of Cincinnati, Mark Mallory"
            return True, title_of.group(1).strip()
        if _EN_COUNTERPART_BEFORE.search(before):  # "his Russian counterpart Sergey Lavrov"
            found = True
        after = _EN_APPOSITIVE_AFTER.match(text, end, end + 160)
        if after is not None:
            org = after.group(1)
            also = _EN_SECOND_ROLE.match(text, after.end(), after.end() + 120)
            if also is not None and (not org or _EN_GROUP_OF_PEOPLE.search(org)):
                # "Ann Ruiz, head of the Mayors Delegation, and mayor of Fairview": the
                # city the person also speaks for, not the delegation of people
                org = also.group(1)
            if org and org.strip():
                return True, org.strip()
            found = True
        if _EN_TITLE_BEFORE.search(text, max(0, start - 50), start):
            found = True
    return found, None
