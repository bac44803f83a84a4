"""What the Chinese signing and cooperation rules and the party gate read: the signing
verbs, the negations before a verb, the subjects a university's colleges are named after."""

from __future__ import annotations

import re

SIGN = re.compile(r"签约|签署|签订|签定|签下|缔结|签字|洽签")
# 别 alone says "don't"; inside 分别, 特别, 个别 … it does not.
NEG_BEFORE = re.compile(
    r"(?:未|没有|尚未|拒绝|未能|不|无法|暂停|放弃|(?<![分区特类级性识辨告个派])别|勿|不要)[^，。；]{0,4}$"
)

# The subject a college of a university teaches ("化学学院"); a place before 学院 names a
# college of its own ("云州学院").
DISCIPLINE = (
    r"(?:化学|物理|数学|经济|经管|管理|商学|法学|文学|理学|工学|医学|药学|农学|艺术|音乐|美术|体育|外语|"
    r"教育|新闻|传媒|机电|机械|电气|电子|信息|土木|建筑|材料|能源|环境|生命|护理|人文|社科|历史|"
    r"哲学|政治|国际|软件|计算|外国|设计|化工|金融|会计|统计|海洋|地理|交通|航空|光电|生物|考古|"
    r"轻工|纺织|食品|水利|矿业|冶金|石油|地质|测绘|林学|园林|兽医|动物|植物|资源|公共|城建|汽车|"
    r"商务|旅游|法政|文法|数理|数统|体艺|人工智能|马克思主义|继续教育|职业技术)"
)
