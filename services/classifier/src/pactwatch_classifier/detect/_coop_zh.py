"""Cooperation rules for Chinese: a joint thing launched (揭牌, 成立, 启动 + 平台/中心/联盟 …)
with its founders, a relationship formed (建立友好城市关系), or, in an article about a
visit, meeting or forum, named parties stating the intent to cooperate (双方表示将深化合作).
携手, 共建 and 开展合作 alone say how parties mean to work together: intentions.
"""

from __future__ import annotations

import re

from ._candidate import Candidate
from ._context import Context
from ._parties import clean
from ._sides_zh import sides
from ._slots_zh import LEAD, ORG, org_names, signing_parties, split_parties
from ._words_zh import NEG_BEFORE, SIGN

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
# "A与B共同打造“X服务平台”": a joint thing built, like one launched
_BUILT_TOGETHER = r"共同打造(?=[^，。；]{0,24}(?:平台|中心|基地|实验室|产业园|园区|联盟|研究院))"
_PARTNER = re.compile(
    r"(?:携手|结成.{0,6}伙伴|建立.{0,8}(?:合作关系|伙伴关系|友好城市|友城|合作机制)|"
    r"正式合作|战略合作伙伴|联合成立|联合打造|共建|开展.{0,6}合作|" + _BUILT_TOGETHER + ")"
)
_FORMED = re.compile(r"结成|建立|正式合作|联合成立|联合打造|共同打造")
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
# "推动成果落地转化", "助力项目早日落地": a launch wished for, not one reported.
_MODAL_COOP = re.compile(
    r"(?:将|拟|计划|准备|有望|预计|即将|将于|打算|推动|促进|加快|助力|尽快|早日|更好)[^，。；]{0,10}$"
)


def launched_step(sentence: str, parties: list[str]) -> Candidate | None:
    """ "……签订合作协议，苏北心血管专科联盟正式成立": a joint thing launched beside the
    signing, in a clause of its own, is a step of its own (by the signing's parties)."""
    for clause in re.split(r"[，,；]", sentence):
        if SIGN.search(clause) or not parties:
            continue
        launch = _LAUNCH.search(clause)
        if (
            launch
            and _LAUNCH_OBJECT.search(clause[: launch.start()])
            and not _MODAL_COOP.search(clause[max(0, launch.start() - 10) : launch.start()])
            and not _named_in_deal(clause[: launch.start()], sentence)
        ):
            cameo = "061" if _ECONOMIC.search(sentence) else "060"
            return Candidate("cooperation", cameo, 0.8, list(parties), list(parties))
    return None


_STEP_OBJECT = re.compile(r"([\u4e00-\u9fff]{4,16}?)(?:举行|进行)?(?:仪式)?$")


def _named_in_deal(before_launch: str, sentence: str) -> bool:
    """ "签署「三校联合中心合作备忘录」，并为三校联合中心揭牌": the thing unveiled is the
    subject of the agreement just signed, one cooperation with it."""
    obj = _STEP_OBJECT.search(re.sub(r"^(?:并|同时|还|随后)?(?:为|对)?", "", before_launch))
    if obj is None:
        return False
    name = obj.group(1)
    return any(f"{name}{noun}" in sentence for noun in ("合作", "协议", "备忘录", "共建"))


# A host named by a city official without the city's name: 市长, 市委书记, 市委、市政府.
_AFTER_LAUNCH = re.compile(r"(?:之?后|以后|以来)")
_HOST_OFFICIAL = re.compile(r"(?<![\u4e00-\u9fff])(?:市委书记|市委副书记|市长|市委|市政府|我市)")
_TALK_CODES = frozenset({"030", "031", "040", "042", "043", "046"})
_COOP_ANCHOR = re.compile(r"与|同|跟")
ORG_END = re.compile(r"(?:" + ORG.pattern + r"|联盟|园|研究所|联合会)$")


def cooperation(sentence: str, ctx: Context, intent_from_sign: bool) -> Candidate | None:
    economic = _ECONOMIC.search(sentence) is not None
    cameo = ""
    strength = 0.0
    anchor = -1
    launch = _LAUNCH.search(sentence)
    if launch and _LAUNCH_OBJECT.search(sentence) and _COOP_WORD.search(sentence):
        # "「…联盟」成立后，…": a clause of time about a launch reported elsewhere
        after = _AFTER_LAUNCH.match(sentence, launch.end()) is not None
        if after or _MODAL_COOP.search(sentence[max(0, launch.start() - 10) : launch.start()]):
            cameo, strength = ("031" if economic else "030"), 0.6
        else:
            cameo, strength = ("061" if economic else "060"), 0.8
        anchor = launch.start() if _COOP_ANCHOR.search(sentence, 0, launch.start()) else -1
    if not cameo:
        partner = _PARTNER.search(sentence)
        if partner and _framed(sentence, partner.start()):
            partner = None
        if partner and not NEG_BEFORE.search(
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
    core = split_parties(founders.group(1)) if founders else []
    core = core or (signing_parties(sentence, anchor) if anchor > 0 else [])
    core = core or [p for p in with_parties(sentence) if ORG_END.search(p)]
    parties = list(dict.fromkeys(core + org_names(sentence)))
    if not core and cameo in _TALK_CODES and ctx.lead_parties:
        parties = list(ctx.lead_parties)  # a visit's hosts and visitors, named in the lead
        if (
            ctx.home
            and (ctx.hosted or _HOST_OFFICIAL.search(sentence))
            and ctx.home not in "".join(parties)
        ):
            parties.append(ctx.home)  # "市长X会见了Y": the host is the article's city
    if not parties and cameo in _TALK_CODES:
        parties = sides(sentence)  # "柬方愿同中方深化合作"
    if cameo in _TALK_CODES and ctx.visitors:
        # "昌都市副市长X一行到访": the visiting government is a side of the talks.
        named = clean(parties)
        parties += [v for v in ctx.visitors if not any(v in p or p in v for p in named)]
    if not parties:
        return None
    return Candidate("cooperation", cameo, strength, core, parties)


# "在黑龙江省与广东省开展对口合作的总体框架下": the frame of what is reported, not the step.
_FRAME_BEFORE = re.compile(r"在[^，。；]{0,30}$")
_FRAME_AFTER = re.compile(r"^[^，。；]{0,16}?(?:框架|背景|领导|指导|带动|推动)下")


def _framed(sentence: str, pos: int) -> bool:
    before = _FRAME_BEFORE.search(sentence, max(0, pos - 30), pos)
    return before is not None and _FRAME_AFTER.match(sentence[pos:]) is not None


def with_parties(sentence: str) -> list[str]:
    """ "A与B" pairs in a cooperation sentence (携手, 共建, 合作)."""
    match = re.search(
        r"([^，。；：“”、]{2,20}?)(?:与|同|和)([^，。；：“”、]{2,20}?)(?:携手|共建|联合|合作|共同|签署|就|在)",
        sentence,
    )
    if match is None:
        # "A携手B、C，联合启动…": 携手 joins the sides itself
        match = re.search(
            r"([^，。；：“”、]{2,20}?)携手([^，。；：“”]{2,60}?)(?:[，,]|共同|联合)", sentence
        )
        if match is None:
            return []
    left = LEAD.split(match.group(1))[-1]
    left = re.sub(r"^(?:此外|另外|同时|其中)", "", left)
    return split_parties(left) + split_parties(match.group(2))
