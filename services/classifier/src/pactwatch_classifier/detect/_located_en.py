"""Places that say where a party is, not who it is, in English prose: "the Indian
Institute of Technology (IIT), Hyderabad", "U.K.-based North Fish", a press release's
dateline ("CLEVELAND, Feb. 1, 2021 /PRNewswire/"). Slots take coordinated names, so these
come along with the parties; real news showed each shape.
"""

from __future__ import annotations

import re

from ._places import is_place
from ._vocab_en import ORG_WORDS

_HAN = re.compile(r"[\u4e00-\u9fff]")


def described_places(names: list[str], sentence: str) -> list[str]:
    """The names minus places that only say where another party is: "the Indian Institute of
    Technology (IIT), Hyderabad, and NIMS, Japan", "Lincoln University, Kuala Lumpur,
    Malaysia", "U.K.-based North Fish". A place after another place ("Long Beach, Busan")
    stays: there both are parties."""
    if len(names) < 2 or ("," not in sentence and "-based" not in sentence):
        return names
    if _HAN.search(sentence):
        return names
    dropped: set[str] = set()
    for name in names:
        plain = name.rstrip(".")
        # cheap tests first: a name neither before "-based" nor after a comma is kept
        if (
            "-based" not in sentence
            and ", " + plain not in sentence
            and "," + plain not in sentence
        ):
            continue
        bare = re.escape(plain)
        if re.search(r"\b" + bare + r"\.?-based\b", sentence):
            dropped.add(name)
            continue
        # A gazetteer place, or one capitalised word set off by commas after an organisation
        # ("the National Institute of Virology (NIV), Pune, and ...").
        single = " " not in name and re.search(r",\s*" + bare + r"\s*(?:,|and\b)", sentence)
        if not is_place(name.rstrip(".")) and not single:
            continue
        for match in re.finditer(r"([\w)’'.]+)\s*,\s*" + bare + r"\b", sentence):
            head = sentence[: match.end(1)]
            host = next((o for o in names if o != name and head.endswith(o.rstrip("."))), None)
            if host is not None and (
                host in dropped
                or (not is_place(host.rstrip(".")) and (not single or _organisation(host)))
            ):
                dropped.add(name)
                break
    return [n for n in names if n not in dropped]


def _organisation(name: str) -> bool:
    last = name.split()[-1].lower().strip(".,") if name.split() else ""
    return name.endswith(")") or last in ORG_WORDS


_EN_DATELINE = re.compile(
    r"\b([A-Z][A-Z.'-]{2,}(?: [A-Z][A-Z.'-]{2,})*),\s+(?:[A-Z][a-z]{2}\.?|[A-Z][a-z]+)\s+\d{1,2}\b"
)


def dateline_places(text: str) -> frozenset[str]:
    """Cities named as a press release's dateline ("CLEVELAND, Feb. 1, 2021 /PRNewswire/")."""
    return frozenset(m.group(1) for m in _EN_DATELINE.finditer(text[:600]))
