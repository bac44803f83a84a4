"""Chinese sides named by one-character abbreviations: 京澳双方 (Beijing and Macao),
中方/柬方 (the Chinese and the Cambodian side), 中柬双边合作文件. Government news names the
parties of a visit or a signing this way as often as by full name.
"""

from __future__ import annotations

import re

# Places named by their one-character abbreviations: "京澳双方" is Beijing and Macao.
_ZH_ABBREVIATIONS = {
    "京": "北京", "沪": "上海", "津": "天津", "渝": "重庆", "港": "香港", "台": "台湾",
    "穗": "广州", "深": "深圳", "苏": "江苏", "浙": "浙江", "粤": "广东", "鲁": "山东",
    "川": "四川", "闽": "福建", "皖": "安徽", "赣": "江西", "湘": "湖南", "鄂": "湖北",
    "豫": "河南", "冀": "河北", "晋": "山西", "陕": "陕西", "桂": "广西", "琼": "海南",
    "黔": "贵州", "滇": "云南", "辽": "辽宁", "吉": "吉林", "黑": "黑龙江", "蒙": "内蒙古",
    "新": "新疆", "藏": "西藏", "甘": "甘肃", "青": "青海", "宁": "宁夏",
    "中": "中国", "美": "美国", "日": "日本", "韩": "韩国", "俄": "俄罗斯", "英": "英国",
    "法": "法国", "德": "德国", "葡": "葡萄牙", "柬": "柬埔寨", "越": "越南", "泰": "泰国",
    "缅": "缅甸", "老": "老挝",
}  # fmt: skip


def abbreviation_pair(name: str) -> list[str] | None:
    """ "京澳" → 北京, 澳门; "中澳" → 中国, 澳大利亚 (澳 is Macao beside a Chinese place)."""
    if len(name) != 2 or name[0] == name[1]:
        return None
    first, second = name[0], name[1]
    if first == "澳" and second in _ZH_ABBREVIATIONS and second != "中":
        return ["澳门", _ZH_ABBREVIATIONS[second]]  # "澳沪双方": Macao and Shanghai
    if first not in _ZH_ABBREVIATIONS or second not in {*_ZH_ABBREVIATIONS, "澳"}:
        return None
    if second == "澳":
        return [_ZH_ABBREVIATIONS[first], "澳大利亚" if first == "中" else "澳门"]
    return [_ZH_ABBREVIATIONS[first], _ZH_ABBREVIATIONS[second]]


_ZH_SIDE = re.compile(r"(?<![双各对我])([中美日韩俄英法德葡柬越泰缅老])方")


def sides(sentence: str) -> list[str]:
    """ "中方愿同柬方共同努力": the countries named as sides (中方 → 中国, 柬方 → 柬埔寨)."""
    found = [_ZH_ABBREVIATIONS[m.group(1)] for m in _ZH_SIDE.finditer(sentence)]
    return list(dict.fromkeys(found))


_ZH_PAIR_SIDES = re.compile(r"([\u4e00-\u9fff]{2})(?:双边|两国|两地|两市|两省)")


def paired_sides(sentence: str) -> list[str]:
    """ "多项中柬双边合作文件", "京澳两地": the two places an abbreviation pair names."""
    for match in _ZH_PAIR_SIDES.finditer(sentence):
        pair = abbreviation_pair(match.group(1))
        if pair is not None:
            return pair
    return []
