"""Where a Chinese name holds the characters that otherwise join two names (与, 和): two
fields of one institute (材料工程与信息科学研究院) and a brand that holds 和 (常州德和材料科技
有限公司). The slot rules and the party gate split names at 与/和 only where these say the
two pieces are not one name. Also what a bare personal name looks like (a surname and one or
two characters), which the gate drops.
"""

from __future__ import annotations

import re

from ._places import is_place, place_prefix

# "材料工程与信息科学研究院": two fields joined inside one institute's name.
_FIELD_END = re.compile(
    r"(?:工程|科学|技术|科技|经济|管理|文化|艺术|教育|信息|材料|能源|环境|生物|化学|医学|农业|"
    r"法律|旅游|体育|卫生|健康|青年|发展)$"
)
_INSTITUTE_END = re.compile(r"(?:研究院|研究所|研究中心|学院|大学|实验室|中心|学会|局|厅|委员会)$")
_COMPANY_END = re.compile(r"(?:有限公司|公司|集团)$")
_NAME_END_CHARS = frozenset("市区县省局院所司团行部厅委会心校学馆站园镇乡村州国")


def one_name(left: str, right: str) -> bool:
    """Whether "left与right" / "left和right" is one name cut at a character of its own:
    two fields of one institute (材料工程与信息科学研究院), or a company whose brand holds
    与/和 (常州德和材料科技有限公司: the left part is a place and one or two characters)."""
    right = re.sub(r"\s*[（(][^（()）]*[）)]$", "", right)  # "…研究院(IBN)"
    if _FIELD_END.search(left) and _INSTITUTE_END.search(right):
        return True
    place = place_prefix(left)
    return (
        bool(place)
        and 1 <= len(left) - len(place) <= 2
        and left[-1] not in _NAME_END_CHARS
        and _COMPANY_END.search(right) is not None
    )


def split_names(splitter: re.Pattern[str], raw: str) -> list[str]:
    """`raw` split at `splitter`, keeping together the names `one_name` recognises."""
    pieces = re.split(f"({splitter.pattern})", raw)
    out = [pieces[0]]
    for sep, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        if sep in "与和" and one_name(out[-1], piece):
            out[-1] += sep + piece
        else:
            out.append(piece)
    return out


_ZH_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕"
    "丁任姚沈钟崔谭范金石廖贾夏傅方邹熊白孟秦邱侯尹薛闫段雷龙陶毛郝顾龚邵万钱赖孔文齐常葛康牛"
    "洪莫庄耿邢江殷岳汪"
)


def is_person(name: str) -> bool:
    """A personal name left in front of a title ("张兆勇院长" → 张兆勇)."""
    return len(name) in (2, 3) and name[0] in _ZH_SURNAMES and not is_place(name)


_ZH_PLACE_END = frozenset("市区县省局院所司团行部城山湖江河港岛湾园厂社馆站")


def is_bare_person(name: str) -> bool:
    """A three-character personal name standing alone as a party ("刘志庆签约")."""
    return (
        len(name) == 3
        and name[0] in _ZH_SURNAMES
        and name[-1] not in _ZH_PLACE_END
        and not is_place(name)
    )
