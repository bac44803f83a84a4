"""Sentence rules for Simplified Chinese.

Chinese news reports agreements with a small set of verbs (签约, 签署, 签订, 缔结) whose
object is an agreement noun (协议, 合同, 备忘录, 意向书, 友好城市 ...); 签约 carries its
object in itself. The parties stand before the verb as "A与B(在某地)(正式)签署". Word
segmentation is not needed for this: the clause before the verb is cut at punctuation, time
and place phrases, and the coordinator 与/同/和/跟. (jieba would add ~90 MB RSS and ~2 ms per
1,500 characters, and its dictionary does not know most company names anyway.)

Negatives follow the same idea as English: negation and modality before the verb (未, 拟,
将), vetoes in the sentence (终止, 解除, 诈骗, 警惕), administrative objects (责任书,
行政令), entertainment and sports contracts (签约艺人, 球员), earnings figures (新签合同额
同比增长), and background (此前, 早在2019年).
"""

from __future__ import annotations

import re

from ._candidate import Candidate
from ._context import Context

_SIGN = re.compile(r"签约|签署|签订|签定|签下|缔结|签字")
_NOUN_AFTER = re.compile(
    r"协议|合同|备忘录|意向书|协定|框架|合作书|结好|友好城市|友城|投资|项目|战略合作|契约|公约|"
    r"条约|合约|文件|协作书|议定书|合作|伙伴|MOU|MoU|mou"
)
_NOUN_BEFORE = re.compile(r"(?:协议|合同|备忘录|意向书|协定|项目|文件)[^，。；]{0,6}$")
_BLOCK_OBJECT = re.compile(
    r"^(?:了|下)?(?:一份|一项|一批)?(?:行政令|行政命令|命令|法案|法令|责任书|责任状|承诺书|军令状|"
    r"请愿|名|姓名|球员|艺人|主播|作家|歌手|模特|网红|演员|选手|劳动合同|租赁合同|购房合同|"
    r"贷款合同|借款合同)"
)
_AGREEMENT_PHRASE = re.compile(r"[^，。；]{0,14}?(?:协议|合同|契约)")
_CONSUMER = re.compile(r"购买|购房|买卖|租赁|劳动|借款|贷款|培训|保健品|消费")
_ELABORATION = re.compile(
    r"^(?:根据|按照|依据|按)(?:该|此|这一|上述|双方)?[^，。；]{0,12}(?:协议|合同|约定|备忘录|意向书)|"
    r"^(?:此次|本次|这次)?(?:协议|合同|备忘录)?(?:签署|签订|签约)后"
)
_NEG_BEFORE = re.compile(r"(?:未|没有|尚未|拒绝|未能|不|无法|暂停|放弃|别|勿|不要)[^，。；]{0,4}$")
_MODAL_BEFORE = re.compile(
    r"(?:将|拟|计划|准备|有望|预计|即将|将于|打算|争取|力争|希望|期待|待|愿|愿意|可望|商定)"
    r"[^，。；]{0,8}$"
)
_FUTURE_AFTER = re.compile(r"^(?:仪式)?(?:将|即将|拟)")
# "双方将于下月在……正式签署": a date set for a signing, anywhere in the clause before it
_PLANNED = re.compile(r"将于|拟于|计划于|预计于|定于|即将|有望于|将在")
# "签订合同前", "签署任何合同之前", "签约时间": a clause about signing in general, or a noun
# compound, does not report a signing.
_PROCEDURE_AFTER = re.compile(
    r"^(?:时间|日期|地点|流程|程序|手续|权限|资格|主体|事宜|环节|前|之前|以前|时(?!任)|之时|需|须|应|必须)|"
    r"^[^，。；,]{0,14}?(?:之前|以前|前(?!往|夕|期|沿|景|列|来|所)|之后|以后|后|时(?!间|任|代)|之时|"
    r"的时候|过程中)(?:[，,]|$|需|要|应|务必|一定|将)"
)
_ATTENDANCE = re.compile(r"(?:参加|出席|主持|观摩|列席|参与)(?:了|并)?[^，。；]{0,4}$")
_CONDITION_BEFORE = re.compile(
    r"(?:若|如果|如需|需要|需|须|应当|应|务必|一定要|避免|可|始可|方可|才能|必须|同意|欲|在)[^，。；]{0,6}$"
)
_VETO = re.compile(
    r"终止|解除|撕毁|废止|退出|取消|违约|毁约|解约|叫停|破裂|未达成|未能达成|纠纷|起诉|诉讼|"
    r"诈骗|骗局|骗子|警惕|谨防|陷阱|套路|冒充|虚假|切勿|不要轻易|上当"
)
_EARNINGS = re.compile(r"新签|合同额|签约额|订单额|同比|%|％|百分点")
_BACKGROUND = re.compile(
    r"早在|曾于|曾经|此前|之前曾|过去|多年来|近年来|历史上|先后|自[^，。；]{1,40}以来"
)
_YEAR = re.compile(r"((?:19|20)\d\d)年")

_CLAUSE_CUT = re.compile(r"[，,。；;：:！？!?\n“”\"]")
_LEAD = re.compile(
    r"\d{1,2}月\d{1,2}日|\d{1,2}日|上午|下午|晚间|晚上|近日|日前|今天|今日|昨天|昨日|当天|当日|"
    r"期间|会上|现场|仪式上|活动中|大会上|见证下|见证了|见证|之际|同时|此次|本次|随后|其中|会后"
)
_TRAIL = re.compile(
    r"(?:(?:在|于)[^与和同跟]{1,15}|就.{1,30}|正式|成功|共同|现场|分别|顺利|集中|当天|当日|"
    r"双方|隆重|举行|进行|一起|再次|还|也|又|已|已经|均|共|日前|近日|今天|今日|昨天|昨日|上午|"
    r"下午|\d{1,2}月\d{1,2}日|宣布|表示|称|计划|决定|将|拟|期待|希望|愿意|愿|"
    r"等\d*家?(?:企业|单位|机构)?|等)+$"
)
_CONNECTOR = re.compile(r"与|(?<![协共相陪等合])同(?![时样步意比类等])|跟|和")
# 与/同/跟 join the two sides of a signing; 同 inside 协同, 共同, 同时 does not.
_PAIR_CONNECTOR = re.compile(r"与|(?<![协共相陪等合])同(?![时样步意比类等])|跟")
_BAD_PARTY = re.compile(
    r"表示|指出|强调|率队|出席|参加|举行|介绍|认为|希望|会见|主持|致辞|活动|领域|"
    r"(?:大会|论坛|峰会|洽谈会|博览会|进博会|展会|仪式|会议)$"
)
_PARTY_SPLIT = re.compile(r"、|及|以及|和")
_ORG = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|公司|集团|银行|大学|学院|研究院|研究所|医院|人民政府|"
    r"政府|管委会|委员会|中心|商会|协会|联合会|总会|基金|高新区|开发区|经开区|新区|园区|产业园|实验室|"
    r"区(?![域别块内])|市(?![场民委级值面政内外])|县(?![域级])|省(?![级委内钱]))"
)
_ORG_STOP = set('，,。；;：:！？!?、\n“”"与和同及的在于对由将把为是了被向从就等')
_ORG_VERBS = re.compile(
    r".*(?:见证|会见|签署|签约|签订|表示|出席|参加|举行|率队|调研|考察|拜访|走访|接待|来到|赴|携手|推动|支持|助力|围绕|带领|率领)"
)

_LAUNCH = re.compile(r"揭牌|揭幕|启动|成立|上线|开园|落成|授牌|启用|组建|挂牌|开通|发布|落地|发起")
# "联盟由A、B等12家单位共同发起": the founders of a joint thing are its parties
_FOUNDERS = re.compile(
    r"由([^，。；]{2,80}?)(?:等\d*家?[^，。；]{0,6})?(?:共同|联合)?(?:发起|组建|成立|创办|共建)"
)
_LAUNCH_OBJECT = re.compile(
    r"平台|中心|联盟|基地|实验室|研究院|产业园|园区|工作站|联合体|基金|项目|机制|办公室|学院|"
    r"创新园|示范区|研究所"
)
_COOP_WORD = re.compile(r"合作|联合|共建|携手|联盟|共同|双方|结好|友好城市")
_PARTNER = re.compile(
    r"携手|结成.{0,6}伙伴|建立.{0,8}(?:合作关系|伙伴关系|友好城市|友城|合作机制)|"
    r"正式合作|战略合作伙伴|联合成立|联合打造|共建|开展.{0,6}合作"
)
_FORMED = re.compile(r"结成|建立|正式合作|联合成立|联合打造")
_AGREE_INTENT = re.compile(r"达成.{0,8}(?:合作|共识|意向)")
_INTENT = re.compile(
    r"(?:希望|愿|愿意|期待|同意|将|进一步|加强|深化|推动|拓展|探讨|寻求|深入|扩大|密切|加深)"
    r"[^。；]{0,30}合作|就[^。；]{0,25}合作[^。；]{0,8}(?:交流|洽谈|探讨|座谈|会谈|沟通|磋商)"
)
_MEETING = re.compile(
    r"会见|会谈|座谈|接见|拜会|考察|调研|来访|走访|接待|洽谈|交流|一行|拜访|访问|论坛|峰会|对接"
)
_VISIT = re.compile(r"考察|调研|来访|走访|拜访|访问|一行")
_HOST = re.compile(r"会见|接见|接待")
_ECONOMIC = re.compile(
    r"产业|经济|贸易|投资|企业|商务|市场|金融|制造|科技|创新|项目|生产|医药|能源|数字"
)
_MODAL_COOP = re.compile(r"(?:将|拟|计划|准备|有望|预计|即将|将于|打算)[^，。；]{0,10}$")


def analyse(sentence: str, ctx: Context, has_sign: bool, has_coop: bool) -> list[Candidate]:
    """Read one Chinese sentence; return its event candidates."""
    if has_sign and not _VETO.search(sentence):
        listed = _listed_deals(sentence)
        if listed:
            return listed
    found = _analyse(sentence, ctx, has_sign, has_coop)
    if found is None:
        return []
    return found if isinstance(found, list) else [found]


# "A与B关于…项目，C与D关于…合作": the deals of a signing listed pair by pair.
_DEAL_PAIR = re.compile(
    r"([^，。；、：“”《》\s]{2,30}?)(?:与|同|和)([^，。；、：“”《》\s]{2,30}?)"
    r"(?:关于|就|签署|签订|签约|合作|共建|签下)"
)


_TITLE = re.compile(r"《([^《》]{4,80})》")
_TITLE_PAIR = re.compile(
    r"^(.{2,30}?)(?:与|和|同)(.{2,30}?)(?:关于|合作|战略|框架|学术|交流|备忘录|协议)"
)


def _titled_deals(sentence: str) -> list[list[str]]:
    """The parties named in each agreement title of a sentence that lists several:
    "签署了《A与B合作备忘录》《C与D合作协议》"."""
    titles = _TITLE.findall(sentence)
    if len(titles) < 2:
        return []
    pairs = []
    for title in titles:
        match = _TITLE_PAIR.match(title)
        if match is not None:
            pair = _split_parties(match.group(1)) + _split_parties(match.group(2))
            if len(pair) >= 2:
                pairs.append(pair)
    return pairs


def _listed_deals(sentence: str) -> list[Candidate]:
    """One signing per pair when a sentence about signing lists two or more pairs (or
    several agreement titles that name their parties)."""
    titled = _titled_deals(sentence) if sentence.count("《") >= 2 else []
    if titled:
        return [Candidate("signing", "057", 0.9, p, p) for p in titled]
    if sum(sentence.count(c) for c in "与同和") < 2:
        return []  # two pairs need two connectors
    pairs = []
    for match in _DEAL_PAIR.finditer(sentence):
        left = _LEAD.split(match.group(1))[-1]
        left = re.sub(r"^(?:还包括|包括|其中|以及|及|有|是|为)", "", left)
        pair = _split_parties(left) + _split_parties(match.group(2))
        if len(pair) >= 2:
            pairs.append(pair)
    if len(pairs) < 2:
        return []
    return [Candidate("signing", "057", 0.9, p, p) for p in pairs]


def _analyse(
    sentence: str, ctx: Context, has_sign: bool, has_coop: bool
) -> list[Candidate] | Candidate | None:
    if _VETO.search(sentence) or _background(sentence, ctx):
        return None
    intent = False
    if has_sign:
        found: list[Candidate] = []
        for kind, verb in _signing(sentence):
            if kind != "signed":
                intent = True
                continue
            if (ctx.earnings or "新签" in sentence) and _EARNINGS.search(sentence):
                return None
            if ctx.sports:
                return None
            clause = sentence[_clause_start(sentence, verb) : verb]
            new = _NEW.search(clause) is not None or (
                bool(found) and _BATCH.search(sentence[verb : verb + 20]) is not None
            )
            respectively = _respectively(sentence, verb)
            if respectively:  # "A分别与B、C签约": one signing with each
                found += [
                    Candidate("signing", "057", 0.9, p, p, new=bool(found)) for p in respectively
                ]
                continue
            core = _signing_parties(sentence, verb)
            umbrella = _BATCH.search(sentence[max(0, verb - 20) : verb + 20]) is not None
            # A batch named after another signing ("……协议，另有14个项目签约") has no parties
            # of its own: the names in the sentence belong to the first.
            parties = core or ([] if found and umbrella else org_names(sentence))
            found.append(
                Candidate("signing", "057", 0.9, core, parties, umbrella=umbrella, new=new)
            )
        if found:
            step = _launched_step(sentence, found[0].core or found[0].parties)
            return found + ([step] if step is not None else [])
    if not (has_coop or intent) or ctx.sports or _ELABORATION.match(sentence):
        return None
    return _cooperation(sentence, ctx, intent)


_NEW = re.compile(r"另有|还有|此外|同时|还与|还同|并与|也与|又与|另外|分别与|其中")


def _clause_start(sentence: str, pos: int) -> int:
    cut = 0
    for match in _CLAUSE_CUT.finditer(sentence, 0, pos):
        cut = match.end()
    return cut


def _launched_step(sentence: str, parties: list[str]) -> Candidate | None:
    """ "……签订合作协议，苏北心血管专科联盟正式成立": a joint thing launched beside the
    signing, in a clause of its own, is a step of its own (by the signing's parties)."""
    for clause in re.split(r"[，,；]", sentence):
        if _SIGN.search(clause) or not parties:
            continue
        launch = _LAUNCH.search(clause)
        if (
            launch
            and _LAUNCH_OBJECT.search(clause[: launch.start()])
            and not _MODAL_COOP.search(clause[max(0, launch.start() - 10) : launch.start()])
        ):
            cameo = "061" if _ECONOMIC.search(sentence) else "060"
            return Candidate("cooperation", cameo, 0.8, list(parties), list(parties))
    return None


def _signing(sentence: str) -> list[tuple[str, int]]:
    verdicts: list[tuple[str, int]] = []
    for match in _SIGN.finditer(sentence):
        verb = match.group(0)
        start, end = match.span()
        before = sentence[max(0, start - 14) : start]
        after = sentence[end : end + 30]
        if _BLOCK_OBJECT.match(after) or after.startswith("的"):
            continue  # "签订的合同" describes a contract; it does not report a signing
        noun = _AGREEMENT_PHRASE.match(after)
        if noun is not None and _CONSUMER.search(noun.group(0)):
            continue
        if verb == "缔结":
            if not re.search(r"友好城市|友城|结好|条约|协定|伙伴|关系", after):
                continue
        elif verb != "签约" and not (_NOUN_AFTER.search(after[:25]) or _NOUN_BEFORE.search(before)):
            continue
        if _NEG_BEFORE.search(before) or _PROCEDURE_AFTER.match(after):
            continue
        if _ATTENDANCE.search(before) and after.startswith(("仪式", "活动")):
            continue  # "……参加签约仪式": who attended, not a signing of its own
        if before.endswith(("的", "的成功", "的顺利", "的正式")):
            continue  # "对协议的成功签署表示祝贺": a comment on a signing already reported
        if _CONDITION_BEFORE.search(before) and not re.search(r"在[^，。；]{1,12}$", before):
            continue
        clause = sentence[_clause_start(sentence, start) : start]
        if (
            _MODAL_BEFORE.search(before)
            or _FUTURE_AFTER.match(after)
            or _PLANNED.search(clause) is not None
        ):
            verdicts.append(("intent", start))
            continue
        verdicts.append(("signed", start))
    return verdicts


def _background(sentence: str, ctx: Context) -> bool:
    if _BACKGROUND.search(sentence):
        return True
    if ctx.ref_year is not None:
        for match in _YEAR.finditer(sentence):
            if int(match.group(1)) < ctx.ref_year and not _LEAD.search(
                sentence[match.end() : match.end() + 8]
            ):
                # "2019年，A与B签署" is background in a later article; "2019年4月28日" is a
                # full date, read by the date step, and counts only if it is the article year.
                return True
    return False


def _clean_party(raw: str) -> str:
    text = raw.strip(" \u3000")
    text = _TRAIL.sub("", text)
    text = re.sub(
        r"^(?:由|经|在|于|将|让|使|同|与|和|其中|并|并与|还与|分别与|共同|我市|双方)", "", text
    )
    text = re.sub(r"(?:双方|两地|等|分别|共同|一起)$", "", text)
    return text


def _split_parties(raw: str) -> list[str]:
    out: list[str] = []
    for part in _PARTY_SPLIT.split(raw):
        name = _clean_party(part)
        if 2 <= len(name) <= 40 and not _BAD_PARTY.search(name) and name not in out:
            out.append(name)
    return out


# A batch ceremony ("集中签约", "共签约项目12个"): the umbrella of the deals signed at it.
_BATCH = re.compile(
    r"集中签约|共签约|批量签约|签约项目\d+个|\d+个[^，。；]{0,12}项目[^，。；]{0,6}签约|"
    r"签约[^，。；]{0,4}\d+个(?:项目|企业)"
)
# "精密模具、显示面板等6个项目签约": the subject is the projects, not the parties.
_PROJECT_SUBJECT = re.compile(r"项目$|等\d*个?[^，。；]{0,8}项目")


def _respectively(sentence: str, verb: int) -> list[list[str]]:
    """ "A分别与B、C签约" → [[A, B], [A, C]]; "A、B分别与企业签约" → [[A], [B]]."""
    clause = sentence[_clause_start(sentence, verb) : verb]
    at = clause.find("分别与")
    if at < 0:
        at = clause.find("分别同")
    if at < 0 and clause.endswith("分别") and "与" in clause:
        # "A与B、C分别签署": the list between 与 and 分别
        split = clause.index("与")
        left = _split_parties(_LEAD.split(clause[:split])[-1])
        right = _split_parties(clause[split + 1 : -2])
        return [[*left[:1], r] for r in right] if len(right) >= 2 else []
    if at < 0:
        return []
    left = _split_parties(_LEAD.split(clause[:at])[-1])
    right = _split_parties(clause[at + 3 :])
    if len(right) >= 2:
        return [[*left[:1], r] for r in right]
    if len(left) >= 2:
        return [[party, *right] for party in left]
    return []


def _signing_parties(sentence: str, verb: int) -> list[str]:
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
    for match in _LEAD.finditer(left):
        lead_end = match.end()
    left = left[lead_end:]
    parties = _split_parties(left) + _split_parties(right)
    return list(dict.fromkeys(parties))


def org_names(sentence: str) -> list[str]:
    """Organisation-shaped names: a run of characters ending in an organisation suffix."""
    names: list[str] = []
    for match in _ORG.finditer(sentence):
        end = match.end()
        start = match.start()
        while start > 0 and end - start < 24 and sentence[start - 1] not in _ORG_STOP:
            start -= 1
        name = sentence[start:end]
        verb = _ORG_VERBS.match(name)
        if verb is not None:
            name = name[verb.end() :]
        name = _LEAD.split(name)[-1]
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


_TALK_CODES = frozenset({"030", "031", "040", "042", "043", "046"})
_COOP_ANCHOR = re.compile(r"与|同|跟")
_ORG_END = re.compile(_ORG.pattern + "$")


def _cooperation(sentence: str, ctx: Context, intent_from_sign: bool) -> Candidate | None:
    economic = _ECONOMIC.search(sentence) is not None
    cameo = ""
    strength = 0.0
    anchor = -1
    launch = _LAUNCH.search(sentence)
    if launch and _LAUNCH_OBJECT.search(sentence) and _COOP_WORD.search(sentence):
        if _MODAL_COOP.search(sentence[max(0, launch.start() - 10) : launch.start()]):
            cameo, strength = ("031" if economic else "030"), 0.6
        else:
            cameo, strength = ("061" if economic else "060"), 0.8
        anchor = launch.start() if _COOP_ANCHOR.search(sentence, 0, launch.start()) else -1
    if not cameo:
        partner = _PARTNER.search(sentence)
        if partner and not _NEG_BEFORE.search(
            sentence[max(0, partner.start() - 6) : partner.start()]
        ):
            modal = _MODAL_COOP.search(sentence[max(0, partner.start() - 14) : partner.start()])
            # Forming a relationship (建立友好城市关系, 联合成立) is a step; 携手, 共建 and
            # 开展合作 alone say how parties mean to work together.
            formed = _FORMED.match(partner.group(0)) is not None
            if modal or not formed:
                cameo = "031" if economic else "030"
            else:
                cameo = "061" if economic else "060"
            strength = 0.6 if modal else 0.8
            anchor = partner.start() if cameo else -1
    if not cameo and _AGREE_INTENT.search(sentence):
        cameo, strength = ("031" if economic else "030"), 0.65
    if not cameo and intent_from_sign:
        cameo, strength = ("031" if economic else "030"), 0.6
    if not cameo and (ctx.meeting or _MEETING.search(sentence)) and _INTENT.search(sentence):
        cameo, strength = ("031" if economic else "030"), 0.65
        if _VISIT.search(sentence):
            cameo = "042"
        elif _HOST.search(sentence):
            cameo = "043"
    if not cameo:
        return None
    founders = _FOUNDERS.search(sentence)
    core = _split_parties(founders.group(1)) if founders else []
    core = core or (_signing_parties(sentence, anchor) if anchor > 0 else [])
    core = core or [p for p in _with_parties(sentence) if _ORG_END.search(p)]
    parties = list(dict.fromkeys(core + org_names(sentence)))
    if not core and cameo in _TALK_CODES and ctx.lead_parties:
        parties = list(ctx.lead_parties)  # a visit's hosts and visitors, named in the lead
    if not parties:
        return None
    return Candidate("cooperation", cameo, strength, core, parties)


def _with_parties(sentence: str) -> list[str]:
    """ "A与B" pairs in a cooperation sentence (携手, 共建, 合作)."""
    match = re.search(
        r"([^，。；：“”、]{2,20}?)(?:与|同|和)([^，。；：“”、]{2,20}?)(?:携手|共建|联合|合作|共同|签署|就|在)",
        sentence,
    )
    if match is None:
        return []
    left = _LEAD.split(match.group(1))[-1]
    return _split_parties(left) + _split_parties(match.group(2))
