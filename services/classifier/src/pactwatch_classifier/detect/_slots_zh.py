"""Party slots of a Chinese clause: "A与B(在某地)(正式)签署" read from the clause before the
verb (cut at punctuation, time and place phrases), organisation-shaped names as the
fallback, and the lists of pairs a sentence can hold ("A与B关于…项目，C与D关于…项目",
《A与B合作备忘录》, "A分别与B、C签约"). No segmentation: the clause shapes are few.
"""

from __future__ import annotations

import re

from ._names_zh import one_name, split_names
from ._places import is_place
from ._words_zh import SIGN

_CLAUSE_CUT = re.compile(r"[，,。；;：:！？!?\n“”\"]")
LEAD = re.compile(
    r"\d{1,2}月\d{1,2}日|\d{1,2}日|上午|下午|晚间|晚上|近日|日前|今天|今日|昨天|昨日|当天|当日|"
    r"期间|会上|现场|仪式上|活动中|大会上|见证下|见证了|见证|之际|同时|此次|本次|随后|其中|会后|"
    r"(?:集中)?(?:进行了|举行了)"
)
_TRAIL = re.compile(
    r"(?:(?:在|于)[^与和同跟]{1,15}|就.{1,30}|正式|成功|共同|现场|分别|顺利|集中|当天|当日|"
    r"双方|隆重|举行|进行|一起|再次|还|也|又|已|已经|均|共|日前|近日|今天|今日|昨天|昨日|上午|"
    r"下午|\d{1,2}月\d{1,2}日|宣布|表示|称|计划|决定|将|拟|期待|希望|愿意|愿|完成|"
    r"(?:等|[\d一二三四五六七八九十两几多]+[家个所])[\d一二三四五六七八九十两几多]*[家个所]?"
    r"[^\s，。；与和同、]{0,4}?"
    r"(?:企业|单位|机构|公司|业者|厂商|高校|院校|银行)|等|"
    r"(?:全面|科技创新|产学研|校地|校企|银企|战略|框架|深度|务实)+合作|"
    r"[^与和同，。；]{0,8}?(?:座谈会|洽谈会|推介会|交流会|恳谈会|对接会|联席会议)暨)+$"
)
# "A与B、C等重点企业", "A以及B两家公司", "等三家业者": the count and kind after a list of names;
# "A与B战略合作签约": the kind of the deal before the verb; "A和B战略合作座谈会暨签约仪式":
# the meeting the signing was part of.
# (A bare kind word is a name's own suffix, "B公司": it goes only after 等 or a count.)
_CONNECTOR = re.compile(r"与|(?<![协共相陪等合])同(?![时样步意比类等])|跟|(?<!共)和(?!国)")
# 与/同/跟 join the two sides of a signing; 同 inside 协同, 共同, 同时 does not.
_PAIR_CONNECTOR = re.compile(r"与|(?<![协共相陪等合])同(?![时样步意比类等])|跟")
_BAD_PARTY = re.compile(
    r"表示|指出|强调|率队|出席|参加|举行|介绍|认为|希望|会见|主持|致辞|活动|领域|"
    r"(?:大会|论坛|峰会|洽谈会|博览会|进博会|展会|仪式|会议)$"
)
# 和 inside 共和国 joins nothing: "中华人民共和国澳门特别行政区" is one name.
_PARTY_SPLIT = re.compile(r"、|及|以及|(?<!共)和(?!国)")
# "丰远县县长": the county, not "丰远县县" (a doubled 县 before 长 ends no name; 云岭省长川市
# still does); "江科院院长", "临港所所长": the body whose head is named.
ORG = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|公司|集团|银行|大学|学院|研究院|研究所|医院|人民政府|"
    r"政府|管委会|委员会|中心|商会|协会|联合会|总会|基金|高新区|开发区|经开区|新区|园区|产业园|实验室|自治州|"
    r"区(?![域别块内]|(?<=区区)长)|市(?![场民委级值面政内外]|(?<=市市)长)|县(?![域级]|(?<=县县)长)|"
    r"省(?![级委内钱]|(?<=省省)长)|"
    r"院(?=(?:常务)?副?院长)|所(?=副?所长))"
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
    r"([^，。；、：“”《》\s,;:]{2,30}?)(?:与|(?<![协共相陪等合])同(?![时样步意比类等])|(?<!共)和(?!国))"
    r"([^，。；、：“”《》\s,;:]{2,30}?)"
    r"(?:关于|就|签署|签订|签约|(?:全面|科技创新|产学研|战略|深度|务实)*合作|共建|签下)"
)


_TITLE = re.compile(r"《([^《》]{4,80})》")
_CUT_TITLE = re.compile(r"》\s*《([^《》]{10,80})$")
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
    cut = _CUT_TITLE.search(sentence, len(sentence) - 81)
    if cut is not None:  # the page cut off in the last title of the list: still one named
        titles.append(cut.group(1))
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
    """The two parties an agreement title names ("《A与B关于…的协议》", "《A、B战略合作
    框架协议》"), or []."""
    title = _TITLE.match(text)
    match = (
        _TITLE_PAIR.match(title.group(1)) or _TITLE_LIST.match(title.group(1))
        if title is not None
        else None
    )
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
        if "分别" in match.group(2):
            continue  # "A、B和C分别与…签订": one list of sides, read by `respectively`
        rest = _CLAUSE_CUT.split(sentence[match.end() :], maxsplit=1)[0]
        if not _DEAL_WORD.search(match.group(0) + rest):
            continue  # "为今后澳门与内地在…的合作定下目标": no deal in this clause
        left = LEAD.split(match.group(1))[-1]
        left = re.sub(
            r"^(?:.*?(?:还包括|包括|进行了|举行了|开展了))|^(?:其中|以及|及|有|是|为)", "", left
        )
        pair = split_parties(left) + split_parties(match.group(2))
        if len(pair) >= 2:
            pairs.append(pair)
    return pairs if len(pairs) >= 2 else []


def clause_start(sentence: str, pos: int) -> int:
    cut = 0
    for match in _CLAUSE_CUT.finditer(sentence, 0, pos):
        cut = match.end()
    return cut


_OF_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,8})的\s*")


_LEADING_WORD = re.compile(
    r"^(?:由|经(?!济|贸|信|开)|在|于|将|让|使|同|与|和|其中|并|并与|还与|分别与|共同|我市|双方)"
)
_TRAILING_WORD = re.compile(r"(?:双方|两地|等|分别|共同|一起)$")


def clean_party(raw: str) -> str:
    text = raw.strip(" \u3000")
    text = _TRAIL.sub("", text)
    owner = _OF_PLACE.match(text)
    if owner is not None and is_place(owner.group(1)):
        text = text[owner.end() :]  # "菲律宾的 X公司", "英国的X": where the party is from
    text = _LEADING_WORD.sub("", text)
    text = _TRAILING_WORD.sub("", text)
    return text


# A name in quotation marks is one name, whatever it holds (「和井田制作所」), and a
# descriptor glued to it is not a name (日本磨床制造厂「X」 → X).
_QUOTED = re.compile(r"[「“『]([^」”』]{2,30})[」”』]")
_JOINERS = str.maketrans("与和及、", "\ue000\ue001\ue002\ue003")
_UNJOIN = str.maketrans("\ue000\ue001\ue002\ue003", "与和及、")


def split_parties(raw: str) -> list[str]:
    out: list[str] = []
    quoted = "「" in raw or "“" in raw or "『" in raw
    if quoted:
        raw = _QUOTED.sub(lambda m: "「" + m.group(1).translate(_JOINERS) + "」", raw)
    parts = split_names(_PARTY_SPLIT, raw) if "和" in raw else _PARTY_SPLIT.split(raw)
    for part in parts:
        if quoted:
            inner = _QUOTED.search(part)
            part = inner.group(1) if inner else part
        name = clean_party(part).translate(_UNJOIN) if quoted else clean_party(part)
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
    if at < 0 and _EACH_OF_KIND.search(clause) and not _JOINT.search(sentence):
        # "A还与B、C、D等重点企业签署了银企合作协议": one agreement with each of a kind
        joint = _PAIR_CONNECTOR.search(clause)
        if joint is not None:
            left = split_parties(LEAD.split(clause[: joint.start()])[-1])
            right = split_parties(_TRAIL.sub("", clause[joint.end() :]))
            return [[*left[:1], r] for r in right] if len(right) >= 3 and left else []
    if at < 0:
        return []
    left = split_parties(LEAD.split(clause[:at])[-1])
    right = split_parties(clause[at + 3 :])
    if len(right) >= 2:
        return [[*left[:1], r] for r in right]
    if len(left) >= 2:
        named = _named_objects(sentence, verb, len(left)) if _GENERIC_SIDE.match(right[0]) else []
        if named:  # "A、B分别与相关企业签订C公司X项目、D集团Y项目": in the same order
            return [[party, org] for party, org in zip(left, named, strict=True)]
        return [[party, *right] for party in left]
    return []


_EACH_OF_KIND = re.compile(
    r"、[^、]{2,30}等(?:重点|骨干|龙头|知名|大型|多家|\d+家)?(?:企业|银行|高校|院校)$"
)
_JOINT = re.compile(r"共同|联合|三方|四方|多方|一起")
_GENERIC_SIDE = re.compile(r"^(?:相关|有关|各|多家|一批)?(?:企业|单位|机构|客商|公司|投资方)$")
_OBJECT_ORG = re.compile(
    r"^(.{2,24}?(?:集团(?:股份)?有限公司|股份有限公司|有限责任公司|有限公司|公司|集团|大学|研究院|研究所))"
)


def _named_objects(sentence: str, verb: int, count: int) -> list[str]:
    """The organisations that begin each of `count` deals listed after the verb
    ("签订A公司X项目、B集团Y项目和C公司Z项目"), or [] unless every deal names one."""
    rest = re.sub(r"^..[了下]?", "", _CLAUSE_CUT.split(sentence[verb:], maxsplit=1)[0])
    items = _PARTY_SPLIT.split(rest)
    if len(items) != count:
        return []
    orgs = [_OBJECT_ORG.match(item.strip()) for item in items]
    return [m.group(1) for m in orgs if m is not None] if all(orgs) else []


# "新华社澳门3月29日电(记者 王晨曦)澳门特区政府与…": the wire's dateline and byline (or a
# space after 电 without one).
# "【某报4月18日报导】(中央社记者某某台北十八日电)": a bracketed byline ends with the wire's 电.
_DATELINE_LEAD = re.compile(
    r"^[^（(]{0,12}?(?:电|讯)\s*[（(][^）)]{0,20}[）)]|^.{0,40}(?:电|讯|报导|报道)\s*[】)）]|"
    r"^[^（(\s]{0,12}?(?:电|讯)\s+"
)


_QUOTED_DEAL = re.compile(r"[“「][^“”「」]{2,30}(?:协议|备忘录|合同|意向书|项目)[”」]$")


_LONG_VENUE = re.compile(r"(?<=..)(?:在(?!线)|于)[^，。；]{16,}$")


_VENUE_AFTER = re.compile(r"(?:在|于)[^与和同跟]*$")


def signing_parties(sentence: str, verb: int) -> list[str]:
    """Parties of "A与B(在某地)(正式)签署..." read from the clause before the verb."""
    if sentence[verb - 1 : verb] in "”」":
        quoted = _QUOTED_DEAL.search(sentence, max(0, verb - 40), verb)
        if quoted is not None:  # "A与B“校企合作协议”签约": the deal's name before the verb
            verb = quoted.start()
    cut = 0
    for match in _CLAUSE_CUT.finditer(sentence, 0, verb):
        cut = match.end()
    clause = _TRAIL.sub("", sentence[cut:verb])
    if not clause or _PROJECT_SUBJECT.search(clause):
        return []
    conn = _PAIR_CONNECTOR.search(clause) or _CONNECTOR.search(clause)
    left = clause if conn is None else clause[: conn.start()]
    right = "" if conn is None else clause[conn.end() :]
    left = _VENUE_AFTER.sub("", left)
    if "在" in right or "于" in right:  # "B在A国与C国商贸合作服务平台签署": a long venue
        right = _LONG_VENUE.sub("", right)
    left = _TRAIL.sub("", left)
    lead_end = 0
    for match in LEAD.finditer(left):
        lead_end = match.end()
    left = left[lead_end:]
    if "电" in left or "讯" in left or "报" in left:
        left = _DATELINE_LEAD.sub("", left)
    parties = split_parties(left) + split_parties(right)
    return list(dict.fromkeys(parties))


_OFFICIAL_BEFORE = re.compile(
    r"^(?:市委|区委|县委|省委)?(?:书记|市长|区长|县长|主任|局长|董事长|总经理|副)+"
)


def org_names(sentence: str) -> list[str]:
    """Organisation-shaped names: a run of characters ending in an organisation suffix."""
    names: list[str] = []
    # A name inside an agreement's title is its subject ("《…示范园区合作协议》"), and the
    # titles that name their parties are read by `title_pair`.
    titles = [m.span() for m in _TITLE.finditer(sentence)] if "《" in sentence else []
    for match in ORG.finditer(sentence):
        end = match.end()
        start = match.start()
        if titles and any(a <= start < b for a, b in titles):
            continue
        while (
            start > 0
            and end - start < 24
            and (
                sentence[start - 1] not in _ORG_STOP or sentence[start - 2 : start + 1] == "共和国"
            )
        ):
            start -= 1
        if start > 1 and sentence[start - 1] in "与和":
            head = start - 1
            while head > 0 and start - head < 12 and sentence[head - 1] not in _ORG_STOP:
                head -= 1
            if one_name(sentence[head : start - 1], sentence[start:end]):
                start = head  # "常州德和材料科技有限公司", "材料工程与信息科学研究院"
        if start > 0 and sentence[start - 1] in "在于" and not _PARTY_AFTER.match(sentence, end):
            continue  # "在南屏国际会展中心开幕": where, not who
        name = sentence[start:end]
        opened = name.count("(") + name.count("（") - name.count(")") - name.count("）")
        if opened < 0:
            continue  # "X市)成立…城市": runs out of a bracketed list
        if opened > 0:  # "城市(中国曲靖市、…": the first name of a bracketed list
            if sentence[end : end + 1] not in "、，,":
                continue  # "农业综合开发(X交易中心)": what a project is, in brackets
            name = re.split(r"[(（]", name)[-1]
        verb = _ORG_VERBS.match(name)
        if verb is not None:
            name = name[verb.end() :]
        name = LEAD.split(name)[-1]
        name = _OFFICIAL_BEFORE.sub("", name)
        if (
            2 <= len(name) <= 30
            and len(name) > len(match.group(0))
            and name not in names
            and not any(name in other for other in names)
        ):
            names = [n for n in names if n not in name]
            names.append(name)
    return names
