"""What the Chinese signing and cooperation rules both read: the signing verbs and the
negations before a verb."""

from __future__ import annotations

import re

SIGN = re.compile(r"签约|签署|签订|签定|签下|缔结|签字|洽签")
# 别 alone says "don't"; inside 分别, 特别, 个别 … it does not.
NEG_BEFORE = re.compile(
    r"(?:未|没有|尚未|拒绝|未能|不|无法|暂停|放弃|(?<![分区特类级性识辨告个派])别|勿|不要)[^，。；]{0,4}$"
)
