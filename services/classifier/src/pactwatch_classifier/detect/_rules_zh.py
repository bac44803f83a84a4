"""Sentence rules for Chinese (traditional pages arrive as their simplified copy): the
signing rules here, cooperation in `_coop_zh`, the parties' clause slots in `_slots_zh`.

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
from ._coop_zh import cooperation, launched_step
from ._parties import clean
from ._sides_zh import paired_sides
from ._slots_zh import (
    LEAD,
    clause_start,
    deal_pairs,
    listed_pairs,
    org_names,
    respectively,
    signing_parties,
    title_pair,
    title_parties,
    titled_deals,
)
from ._words_zh import NEG_BEFORE, SIGN

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
    r"早在|曾于|曾经|此前|之前曾|过去|多年来|近年来|历史上|先后|自[^，。；]{1,40}以来|"
    r"(?:\d{1,2}|[两二三四五六七八九十几多])年前"
)
_YEAR = re.compile(r"((?:19|20)\d\d)年")


def analyse(sentence: str, ctx: Context, has_sign: bool, has_coop: bool) -> list[Candidate]:
    """Read one Chinese sentence; return its event candidates."""
    if has_sign and not _VETO.search(sentence):
        listed = _listed_deals(sentence)
        if listed:
            return listed
    item = _NUMBERED_TITLE.search(sentence)
    if item is not None and _AGREEMENT_TITLE.search(item.group(1)) and not _VETO.search(sentence):
        # "二、《A、B关于…合作备忘录》，促进…": one item of a list of agreements signed
        parties = title_parties(item.group(1))
        return [Candidate("signing", "057", 0.85, parties, parties, new=True, deal=item.group(1))]
    found = _analyse(sentence, ctx, has_sign, has_coop)
    if found is None:
        return []
    return found if isinstance(found, list) else [found]


_NUMBERED_TITLE = re.compile(
    r"(?:^|[:：]\s*)(?:[一二三四五六七八九十]{1,3}|\d{1,2})[、.．]\s*《([^《》]{4,80})》"
)
_AGREEMENT_TITLE = re.compile(r"(?:协议|备忘录|合同|意向书|协定)(?:书)?$")


def _listed_deals(sentence: str) -> list[Candidate]:
    """One signing per pair when a sentence about signing lists two or more pairs."""
    # Each listed pair is a deal of its own, even under "此次签约的项目还包括…"; each listed
    # title is one, even when two titles share their parties.
    titled = titled_deals(sentence) if sentence.count("《") >= 2 else []
    if titled:
        return [Candidate("signing", "057", 0.9, p, p, new=True, deal=title) for title, p in titled]
    pairs = deal_pairs(sentence)
    if pairs and any(
        _PROCEDURE_AFTER.match(sentence[m.end() : m.end() + 30]) for m in SIGN.finditer(sentence)
    ):
        return []  # "A与B签署协约后，再度与C签署的第二个协议": what came after a signing
    return [Candidate("signing", "057", 0.9, p, p, new=True) for p in pairs]


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
            clause = sentence[clause_start(sentence, verb) : verb]
            new = _NEW.search(clause) is not None or (
                bool(found)
                and (
                    _BATCH.search(sentence[verb : verb + 20]) is not None
                    or clause.startswith(("以及", "及", "另"))  # the next deal of a list
                    or _listed(sentence, verb)
                )
            )
            named = _named_deals(sentence, verb)
            if named:  # "签订了A、B以及C等3个子协议": each listed agreement is one
                sides = signing_parties(sentence, verb)
                found += [
                    Candidate("signing", "057", 0.9, sides, sides, new=True, deal=deal)
                    for deal in named
                ]
                continue
            each = respectively(sentence, verb) or listed_pairs(sentence, verb)
            if each:  # "A分别与B、C签约": one signing with each
                found += [
                    Candidate("signing", "057", 0.9, p, p, new=new or bool(found)) for p in each
                ]
                continue
            # The title of the agreement signed names its parties better than the people
            # who signed it ("钟山与乔博签署了《中国商务部与澳大利亚外交贸易部…》").
            titled = re.match(r"..(?:了|下)?", sentence[verb:]).end()  # type: ignore[union-attr]
            core = signing_parties(sentence, verb)
            if len(clean(core)) < 2 or _SIGNATORIES.search(clause):  # "公司与B": one side
                core = title_pair(sentence[verb + titled :]) or core
            umbrella = _BATCH.search(sentence[max(0, verb - 20) : verb + 20]) is not None
            if not clean(core) and _COUNTED_LIST.match(sentence, verb):
                found.append(Candidate("signing", "057", 0.9, [], [], umbrella=True))
                continue  # the deals listed after it have the parties
            # A batch named after another signing ("……协议，另有14个项目签约") has no parties
            # of its own: the names in the sentence belong to the first.
            parties = core or ([] if found and umbrella else org_names(sentence))
            if not clean(parties):  # "李克强和洪森见证了多项中柬双边合作文件的签署"
                parties = paired_sides(sentence) or parties
            if not clean(parties) and "双方" in clause and 2 <= len(ctx.lead_parties) <= 3:
                parties = list(ctx.lead_parties)  # "座谈后，双方签订了…": the sides of the lead
            found.append(
                Candidate("signing", "057", 0.9, core, parties, umbrella=umbrella, new=new)
            )
        if found:
            step = launched_step(sentence, found[0].core or found[0].parties)
            return found + ([step] if step is not None else [])
    if not (has_coop or intent) or ctx.sports or _ELABORATION.match(sentence):
        return None
    return cooperation(sentence, ctx, intent)


# People sign for their organisations: "部长A与部长B签署了《C与D…》" names C and D.
_SIGNATORIES = re.compile(r"部长|市长|省长|校长|院长|董事长|总经理|总裁|主席|大使|主任")
_BATCH = re.compile(
    r"集中签约|共签约|批量签约|签约项目\d+个|\d+个[^，。；]{0,12}项目[^，。；]{0,6}签约|"
    r"签约[^，。；]{0,4}\d+个(?:项目|企业)"
)
_NEW = re.compile(r"另有|还有|此外|同时|还与|还同|并与|也与|又与|另外|分别与|其中")


def _signing(sentence: str) -> list[tuple[str, int]]:
    verdicts: list[tuple[str, int]] = []
    for match in SIGN.finditer(sentence):
        verb = match.group(0)
        start, end = match.span()
        before = sentence[max(0, start - 14) : start]
        after = sentence[end : end + 30]
        if _BLOCK_OBJECT.match(after) or (after.startswith("的") and not _listed(sentence, start)):
            continue  # "签订的合同" describes a contract; it does not report a signing
        noun = _AGREEMENT_PHRASE.match(after)
        if noun is not None and _CONSUMER.search(noun.group(0)):
            continue
        if verb == "缔结":
            if not re.search(r"友好城市|友城|结好|条约|协定|伙伴|关系", after):
                continue
        elif verb != "签约" and not (
            _NOUN_AFTER.search(after[:25])
            or _NOUN_BEFORE.search(before)
            or _LONG_TITLE.match(sentence, end)  # "签署了《A市人民政府、B集团股份有限公司…协议》"
            or _NAMED_COUNT.match(sentence, start)  # "签订了A、B以及C等3个子协议"
        ):
            continue
        if NEG_BEFORE.search(before) or _PROCEDURE_AFTER.match(after):
            continue
        if _ATTENDANCE.search(before) and after.startswith(("仪式", "活动")):
            continue  # "……参加签约仪式": who attended, not a signing of its own
        if after.startswith(("仪式上", "活动上", "大会上")) and SIGN.search(sentence, end):
            continue  # "在签约仪式上，A与B签订…": the setting of the signings reported after it
        if before.endswith(("的", "的成功", "的顺利", "的正式")) and "见证" not in before:
            continue  # "对协议的成功签署表示祝贺": a comment on a signing already reported
        if _CONDITION_BEFORE.search(before) and not re.search(r"在[^，。；]{1,12}$", before):
            continue
        clause = sentence[clause_start(sentence, start) : start]
        if (
            _MODAL_BEFORE.search(before)
            or _FUTURE_AFTER.match(after)
            or _PLANNED.search(clause) is not None
        ):
            verdicts.append(("intent", start))
            continue
        verdicts.append(("signed", start))
    return verdicts


# A title that names both sides in full runs past the window before its agreement noun.
_LONG_TITLE = re.compile(r"[了下]?《[^《》]{20,80}?(?:协议|合同|备忘录|意向书|协定)(?:书)?》")
_NAMED_COUNT = re.compile(
    r"..[了下]?([^，。；：]{4,120}?)等([2-9]|[两二三四五六七八九])[个项份](?:子|合作)?"
    r"(?:协议|合同|备忘录|意向书)"
)
_DEAL_NOUN = r"(?:合作协议|协议书|协议|备忘录|意向书|合同)"
_TWO_DEALS = re.compile(
    r"..[了下]?((?:[^，。；：、和及与]{2,16}?)" + _DEAL_NOUN + r")(?:和|以及|及)"
    r"((?:[^，。；：、和及与]{2,16}?)" + _DEAL_NOUN + r")(?![^，。；]{0,4}(?:书|等))"
)
_COUNT = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ITEM_SPLIT = re.compile(r"、|以及|及|和")


def _named_deals(sentence: str, verb: int) -> list[str]:
    """The agreements a signing lists by name with their count ("签订了A、B以及C等3个子协议"),
    or [] unless the names listed are as many as the count says."""
    window = sentence[verb : verb + 130]
    if "等" not in window and "和" not in window and "及" not in window:
        return []  # neither a counted list nor two deals joined: most signings
    match = _NAMED_COUNT.match(sentence, verb) if "等" in window else None
    if match is None:
        pair = _TWO_DEALS.match(sentence, verb)  # "签署学术合作备忘录和学生交换协议"
        return [pair.group(1), pair.group(2)] if pair is not None else []
    count = _COUNT.get(match.group(2)) or int(match.group(2))
    items = [item for item in _ITEM_SPLIT.split(match.group(1)) if len(item) >= 2]
    return items if len(items) == count else []


_LIST_HEAD = re.compile(r"(?:包括|其中|分别是|分别为|即)[:：]?$")


def _listed(sentence: str, verb: int) -> bool:
    """ "签署了两项文件，包括：A与B签署的意向书": a deal listed by the pair that signed it."""
    start = clause_start(sentence, verb)
    clause = sentence[start:verb]
    head = _LIST_HEAD.search(sentence, max(0, start - 4), start) is not None
    if not head and clause.startswith("以及"):  # "；以及A与B签订的港口合作协议"
        head = _AGREEMENT_NEXT.match(sentence, verb + 2) is not None
    return head and re.search(r"与|同", clause) is not None


_AGREEMENT_NEXT = re.compile(r"的[^，。；]{0,10}(?:协议|备忘录|意向书|合同)")


# "签署了两项重要文件，包括：…": a count of the deals whose list follows.
_COUNTED_LIST = re.compile(
    r"..[了下]?[\d一二三四五六七八九十两几多]+[项份个批][^，。；]{0,12}?[，,]?(?:包括|其中|分别是|即)"
)


def _background(sentence: str, ctx: Context) -> bool:
    if _BACKGROUND.search(sentence):
        return True
    if ctx.ref_year is not None:
        for match in _YEAR.finditer(sentence):
            if int(match.group(1)) < ctx.ref_year and not LEAD.search(
                sentence[match.end() : match.end() + 8]
            ):
                # "2019年，A与B签署" is background in a later article; "2019年4月28日" is a
                # full date, read by the date step, and counts only if it is the article year.
                return True
    return False
