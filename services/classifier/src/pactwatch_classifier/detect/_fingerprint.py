"""Stable event ids: the same signing reported by several sources gets the same fingerprint.

The fingerprint hashes the event type, the normalised keys of the parties (`_keys`: case,
punctuation, legal forms and government filler dropped, Chinese in pinyin) and the date.
Parties are sorted, so the order of mention does not matter; the English and the Chinese
report of one signing meet when their keys and date agree.

`normalise_party` is the merger's comparison form within one article (it keeps characters,
so 无锡市人民政府 and 无锡 compare by containment).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from ._keys import party_key

_EN_FILLER = re.compile(
    r"\b(?:the|co|ltd|inc|corp|corporation|limited|llc|plc|gmbh|ag|sa|company|municipal|"
    r"people'?s|government|city|municipality|of|and|&)\b"
)
_ZH_FILLER = re.compile(
    r"股份有限公司|有限责任公司|有限公司|公司|人民政府|政府|管理委员会|管委会|委员会$"
)
_ZH_ADMIN_SUFFIX = re.compile(r"(?<=..)(?:市|省)$")
_PUNCT = re.compile(r"[^\w\u4e00-\u9fff]+")


@lru_cache(maxsize=8192)
def normalise_party(name: str) -> str:
    """A comparison key for a party name."""
    text = (
        name.lower()
        .replace("’", "'")
        .replace("high-tech", "hightech")
        .replace("high tech", "hightech")
    )
    text = re.sub(r"\([^)]*\)|（[^）]*）", " ", text)
    text = _EN_FILLER.sub(" ", text)
    text = _ZH_FILLER.sub("", text)
    text = _PUNCT.sub(" ", text).strip()
    text = _ZH_ADMIN_SUFFIX.sub("", text)
    return " ".join(text.split())


def fingerprint(
    event_type: str, parties: list[str] | tuple[str, ...], date: str | None, extra: str = ""
) -> str:
    """32 hex characters of SHA-256 over type, sorted party keys and date.

    `extra` (the normalised evidence) is used only when an event has no parties, so two
    unrelated party-less events of the same day do not collide.
    """
    keys = sorted({party_key(p) for p in parties} - {""})
    material = "|".join([event_type, ";".join(keys), date or "", "" if keys else extra])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]
