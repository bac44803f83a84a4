"""Party slots of a Chinese clause: "A与B(在某地)(正式)签署" read from the clause before the
verb (cut at punctuation, time and place phrases), organisation-shaped names as the
fallback, and the lists of pairs a sentence can hold ("A与B关于…项目，C与D关于…项目",
《A与B合作备忘录》, "A分别与B、C签约"). No segmentation: the clause shapes are few.
"""

from __future__ import annotations

import re

from ._places import is_place
from ._words_zh import SIGN

_CLAUSE_CUT = re.compile(r"[，,。；;：:！？!?\n“”\"]")
LEAD = re.compile(
    r"\d{1,2}月\d{1,2}日|\d{1,2}日|上午|下午|晚间|晚上|近日|日前|今天|今日|昨天|昨日|当天|当日|"
    r"期间|会上|现场|仪式上|活动中|大会上|见证下|见证了|见证|之际|同时|此次|本次|随后|其中|会后"
)
_TRAIL = re.compile(
    r"(?:(?:在|于)[^与和同跟]{1,15}|就.{1,30}|正式|成功|共同|现场|分别|顺利|集中|当天|当日|"
    r"双方|隆重|举行|进行|一起|再次|还|也|又|已|已经|均|共|日前|近日|今天|今日|昨天|昨日|上午|"
    r"下午|\d{1,2}月\d{1,2}日|宣布|表示|称|计划|决定|将|拟|期待|希望|愿意|愿|"
    r"等\d*家?(?:企业|单位|机构)?|等)+$"
)
_CONNECTOR = re.compile(r"与|(?<![协共相陪等合])同(?![时样步意比类等])|跟|(?<!共)和(?!国)")
# 与/同/跟 join the two sides of a signing; 同 inside 协同, 共同, 同时 does not.
_PAIR_CONNECTOR = re.compile(r"与|(?<![协共相陪等合])同(?![时样步意比类等])|跟")
_BAD_PARTY = re.compile(
    r"表示|指出|强调|率队|出席|参加|举行|介绍|认为|希望|会见|主持|致辞|活动|领域|"
    r"(?:大会|论坛|峰会|洽谈会|博览会|进博会|展会|仪式|会议)$"
)
# 和 inside 共和国 joins nothing: "中华人民共和国澳门特别行政区" is one name.
_PARTY_SPLIT = re.compile(r"、|及|以及|(?<!共)和(?!国)")
ORG = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|公司|集团|银行|大学|学院|研究院|研究所|医院|人民政府|"
    r"政府|管委会|委员会|中心|商会|协会|联合会|总会|基金|高新区|开发区|经开区|新区|园区|产业园|实验室|"
    r"区(?![域别块内])|市(?![场民委级值面政内外])|县(?![域级])|省(?![级委内钱]))"
)
# "在X的支持下", "在X与Y的见证下" are not venues, but X is still no signing party; only
# "在X与Y签署" style clauses make a name after 在 a party.
_PARTY_AFTER = re.compile(r"[与和同]")
_ORG_LIKE = re.compile(r"(?:" + ORG.pattern + r")$|[部国厅局署办处]$")
_ORG_STOP = set('，,。；;：:！？!?、\n“”"与和同及的在于对由将把为是了被向从就等')
_ORG_VERBS = re.compile(
    r".*(?:见证|会见|签署|签约|签订|表示|出席|参加|举行|率队|调研|考察|拜访|走访|接待|来到|赴|携手|推动|支持|助力|围绕|带领|率领|率)"
)

# "A与B关于…项目，C与D关于…合作": the deals of a signing listed pair by pair.
_DEAL_PAIR = re.compile(
    r"([^，。；、：“”《》\s,;:]{2,30}?)(?:与|同|(?<!共)和(?!国))([^，。；、：“”《》\s,;:]{2,30}?)"
    r"(?:关于|就|签署|签订|签约|合作|共建|签下)"
)


_TITLE = re.compile(r"《([^《》]{4,80})》")
_DEAL_WORD = re.compile(r"签约|签署|签订|签下|项目|专案|协议|合同|备忘录|意向书")
_TITLE_PAIR = re.compile(
    r"^(.{2,30}?)(?:与|(?<!共)和(?!国)|同)(.{2,30}?)(?:关于|合作|战略|框架|学术|交流|备忘录|协议)"
)


def titled_deals(sentence: str) -> list[tuple[str, list[str]]]:
    """Each agreement title of a sentence that lists several, with the parties it names, or
    the sentence's signing parties when it names none: "澳沪双方签署了《沪澳新一轮合作备忘录》
    《A与B合作协议》《C、D旅游合作备忘录》" is three agreements."""
    titles = _TITLE.findall(sentence)
    if len(titles) < 2:
        return []
    named = [(title, title_parties(title)) for title in titles]
    if not any(parties for _, parties in named):
        return []
    verb = SIGN.search(sentence, 0, sentence.find("《"))
    fallback = signing_parties(sentence, verb.start()) if verb is not None else []
    return [(title, parties or fallback) for title, parties in named if parties or fallback]


_TITLE_LEAD = re.compile(r"^(?:关于)?(?:加强|深化|推进|推动|共建|开展)?")
# "A局、B局关于…", "A局、B局旅游合作备忘录": the right side ends at an organisation's suffix
_TITLE_LIST = re.compile(
    r"^(.{2,30}?)、(.{2,30}?[局部厅署办会司团学府院心])(?=关于|合作|战略|框架|\S{2}合作)"
)


def title_parties(title: str) -> list[str]:
    """ "A与B合作备忘录", "A、B关于…备忘录": the two sides a title names (a name inside a
    title keeps its 及: 教育及青年发展局)."""
    match = _TITLE_PAIR.match(title) or _TITLE_LIST.match(title)
    if match is None:
        return []
    left = clean_party(_TITLE_LEAD.sub("", match.group(1)))
    right = clean_party(re.sub(r"(?<=..)[^与和]{2}业$", "", match.group(2)))
    pair = [p for p in (left, right) if 2 <= len(p) <= 40 and not _BAD_PARTY.search(p)]
    if len(pair) == 2 and all(_ORG_LIKE.search(p) or is_place(p) for p in pair):
        return pair
    return []


def title_pair(text: str) -> list[str]:
    """The two parties an agreement title names ("《A与B关于…的协议》"), or []."""
    title = _TITLE.match(text)
    match = _TITLE_PAIR.match(title.group(1)) if title is not None else None
    if match is None:
        return []
    pair = split_parties(match.group(1)) + split_parties(match.group(2))
    if len(pair) < 2 or not all(_ORG_LIKE.search(p) for p in pair):
        return []  # "《全国休闲农业与乡村旅游…协议》" names a subject, not parties
    return pair


def listed_pairs(sentence: str, verb: int) -> list[list[str]]:
    """ "A与B、C与D、E与F等签署…": pairs listed by 、 in the clause before the verb."""
    clause = _TRAIL.sub("", sentence[clause_start(sentence, verb) : verb])
    segments = clause.split("、")
    if len(segments) < 2 or not all(_PAIR_CONNECTOR.search(seg) for seg in segments):
        return []
    pairs = []
    for seg in segments:
        left, right = _PAIR_CONNECTOR.split(seg, maxsplit=1)
        pair = split_parties(LEAD.split(left)[-1]) + split_parties(right)
        if len(pair) == 2:
            pairs.append(pair)
    return pairs if len(pairs) == len(segments) else []


def deal_pairs(sentence: str) -> list[list[str]]:
    """The parties of each deal when a sentence lists two or more pairs (or several
    agreement titles that name their parties); [] otherwise."""
    titled = titled_deals(sentence) if sentence.count("《") >= 2 else []
    if titled:
        return [parties for _, parties in titled]
    if sum(sentence.count(c) for c in "与同和") < 2:
        return []  # two pairs need two connectors
    # One title after a pair names that pair's agreement ("A与B签署了《A与B关于…的协议》").
    inside = [m.span() for m in _TITLE.finditer(sentence)] if len(titled) < 2 else []
    pairs = []
    for match in _DEAL_PAIR.finditer(sentence):
        if any(start <= match.start() < end for start, end in inside):
            continue
        rest = _CLAUSE_CUT.split(sentence[match.end() :], maxsplit=1)[0]
        if not _DEAL_WORD.search(match.group(0) + rest):
            continue  # "为今后澳门与内地在…的合作定下目标": no deal in this clause
        left = LEAD.split(match.group(1))[-1]
        left = re.sub(r"^(?:.*?(?:还包括|包括))|^(?:其中|以及|及|有|是|为)", "", left)
        pair = split_parties(left) + split_parties(match.group(2))
        if len(pair) >= 2:
            pairs.append(pair)
    return pairs if len(pairs) >= 2 else []


def clause_start(sentence: str, pos: int) -> int:
    cut = 0
    for match in _CLAUSE_CUT.finditer(sentence, 0, pos):
        cut = match.end()
    return cut


def clean_party(raw: str) -> str:
    text = raw.strip(" \u3000")
    text = _TRAIL.sub("", text)
    text = re.sub(
        r"^(?:由|经|在|于|将|让|使|同|与|和|其中|并|并与|还与|分别与|共同|我市|双方)", "", text
    )
    text = re.sub(r"(?:双方|两地|等|分别|共同|一起)$", "", text)
    return text


def split_parties(raw: str) -> list[str]:
    out: list[str] = []
    for part in _PARTY_SPLIT.split(raw):
        name = clean_party(part)
        if 2 <= len(name) <= 40 and not _BAD_PARTY.search(name) and name not in out:
            out.append(name)
    return out


# A batch ceremony ("集中签约", "共签约项目12个"): the umbrella of the deals signed at it.
# "精密模具、显示面板等6个项目签约": the subject is the projects, not the parties.
_PROJECT_SUBJECT = re.compile(r"项目$|等\d*个?[^，。；]{0,8}项目")


_EXAMPLES = re.compile(r"(?:如|包括|例如|诸如|其中有)([^，。；：]{2,120}?)等[^，。；]{0,12}[，,]?$")


def respectively(sentence: str, verb: int) -> list[list[str]]:
    """ "A分别与B、C签约" → [[A, B], [A, C]]; "A、B分别与企业签约" → [[A], [B]];
    "二十家企业，如A、B等，与C签署了协议" → [[A, C], [B, C]]."""
    start = clause_start(sentence, verb)
    clause = sentence[start:verb]
    if clause.startswith(("与", "同")):
        listed = _EXAMPLES.search(sentence, 0, start)
        right = split_parties(clause[1:])
        left = split_parties(listed.group(1)) if listed else []
        if len(left) >= 2 and right:
            return [[party, *right[:1]] for party in left]
    at = clause.find("分别与")
    if at < 0:
        at = clause.find("分别同")
    if at < 0 and clause.endswith("分别") and "与" in clause:
        # "A与B、C分别签署": the list between 与 and 分别
        split = clause.index("与")
        left = split_parties(LEAD.split(clause[:split])[-1])
        right = split_parties(clause[split + 1 : -2])
        return [[*left[:1], r] for r in right] if len(right) >= 2 else []
    if at < 0:
        return []
    left = split_parties(LEAD.split(clause[:at])[-1])
    right = split_parties(clause[at + 3 :])
    if len(right) >= 2:
        return [[*left[:1], r] for r in right]
    if len(left) >= 2:
        return [[party, *right] for party in left]
    return []


# "新华社澳门3月29日电(记者 王晨曦)澳门特区政府与…": the wire's dateline and byline.
_DATELINE_LEAD = re.compile(r"^[^（(]{0,12}?(?:电|讯)\s*[（(][^）)]{0,20}[）)]")


def signing_parties(sentence: str, verb: int) -> list[str]:
    """Parties of "A与B(在某地)(正式)签署..." read from the clause before the verb."""
    cut = 0
    for match in _CLAUSE_CUT.finditer(sentence, 0, verb):
        cut = match.end()
    clause = _TRAIL.sub("", sentence[cut:verb])
    if not clause or _PROJECT_SUBJECT.search(clause):
        return []
    conn = _PAIR_CONNECTOR.search(clause) or _CONNECTOR.search(clause)
    left = clause if conn is None else clause[: conn.start()]
    right = "" if conn is None else clause[conn.end() :]
    left = re.sub(r"(?:在|于)[^与和同跟]*$", "", left)
    left = _TRAIL.sub("", left)
    lead_end = 0
    for match in LEAD.finditer(left):
        lead_end = match.end()
    left = _DATELINE_LEAD.sub("", left[lead_end:])
    parties = split_parties(left) + split_parties(right)
    return list(dict.fromkeys(parties))


def org_names(sentence: str) -> list[str]:
    """Organisation-shaped names: a run of characters ending in an organisation suffix."""
    names: list[str] = []
    for match in ORG.finditer(sentence):
        end = match.end()
        start = match.start()
        while (
            start > 0
            and end - start < 24
            and (
                sentence[start - 1] not in _ORG_STOP or sentence[start - 2 : start + 1] == "共和国"
            )
        ):
            start -= 1
        if start > 0 and sentence[start - 1] in "在于" and not _PARTY_AFTER.match(sentence, end):
            continue  # "在南屏国际会展中心开幕": where, not who
        name = sentence[start:end]
        verb = _ORG_VERBS.match(name)
        if verb is not None:
            name = name[verb.end() :]
        name = LEAD.split(name)[-1]
        name = re.sub(
            r"^(?:市委|区委|县委|省委)?(?:书记|市长|区长|县长|主任|局长|董事长|总经理|副)+",
            "",
            name,
        )
        if (
            2 <= len(name) <= 30
            and len(name) > len(match.group(0))
            and name not in names
            and not any(name in other for other in names)
        ):
            names = [n for n in names if n not in name]
            names.append(name)
    return names
