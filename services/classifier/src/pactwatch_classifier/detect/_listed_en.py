"""English agreements listed as items below the sentence that reports their signing.

Press releases often report a ceremony in one sentence ("Six framework agreements were
signed on Friday:") and then list the agreements, one per line, each a noun phrase without a
verb of its own ("- A framework agreement for cooperation between A and B", "2. A memorandum
of understanding with C"). Each item is one signing, with the parties its "between" or "with"
names; the lines are short and unpunctuated, so the layout reads them as a list (furniture),
and no sentence rule sees them. Read only after a signing sentence whose next line opens
with a bullet or a number: one character test per signing sentence.
"""

from __future__ import annotations

import re

from ._candidate import Candidate
from ._entities import entities, is_party
from ._places import is_place
from ._text import Layout
from ._tokens import Entity, Token

_BULLET = re.compile(r"\s*(?:[-–—•*·▪●]|\(?\d{1,2}[.)]|\(?[a-h]\))\s+")
BULLET_FIRST = frozenset("-–—•*·▪●(0123456789abcdefgh")
_NUMBER_ONLY = re.compile(r"\(?\d{1,2}[.)]")
_ITEM_AGREEMENT = re.compile(
    r"\b(?:agreements?|contracts?|memorand(?:ums?|a)|mous?|letters? of intent|accords?|"
    r"protocols?|deals?)\b[^:]{0,80}?\b(?:between|with)\b"
)
_UNITS = frozenset(
    {"region", "province", "city", "county", "district", "state", "prefecture", "municipality"}
)
_LOCATIVE = frozenset({"in", "at", "from", "near", "based"})
_MIN_ITEMS = 2
_INTRO_MAX = 60
_MAX_ITEMS = 30


def listed_agreements(text: str, lay: Layout, after: int, lead: list[str]) -> list[Candidate]:
    """The agreements listed one per line right after sentence `after` (a signing whose
    parties are `lead`), or after a short line introducing them ("They are:"). An item with
    "with" names the counterpart of the lead's first party."""
    found: list[Candidate] = []
    idx = after + 1
    if idx < len(lay.sentences) and intro(text, lay, idx):
        idx += 1
    while idx < len(lay.sentences) and len(found) < _MAX_ITEMS:
        start, end = lay.sentences[idx]
        line = text[start:end]
        if line[:1] not in BULLET_FIRST and not line[:1].isspace():
            break
        step = 1
        if _NUMBER_ONLY.fullmatch(line) and idx + 1 < len(lay.sentences):
            # "1." ends a sentence of its own (a full stop before a capital): the item follows
            end = lay.sentences[idx + 1][1]
            line, step = text[start:end], 2
        bullet = _BULLET.match(line)
        if bullet is None:
            break
        item = line[bullet.end() :]
        if _ITEM_AGREEMENT.search(item.lower()) is None:
            break
        parties, counterpart = _item_parties(item)
        if counterpart and lead and lead[0] not in parties:
            parties = [lead[0], *parties]
        cand = Candidate("signing", "057", 0.85, parties, parties, explicit=True, new=True)
        cand.spans = [(start, end)]
        cand.paragraph, cand.sentence = lay.paragraph_of(start), idx
        found.append(cand)
        idx += step
    return found if len(found) >= _MIN_ITEMS else []


def intro(text: str, lay: Layout, idx: int) -> bool:
    """A short line that introduces a list ("They are:", "The agreements include:")."""
    start, end = lay.sentences[idx]
    line = text[start:end].rstrip()
    return len(line) <= _INTRO_MAX and line.endswith((":", "："))


def _item_parties(item: str) -> tuple[list[str], bool]:
    """The names after the item's "between" or "with" (whether it was "with"), less the places
    that only say where a party is ("... in Niger", "the Nyari province of Congo")."""
    toks, ents = entities(item)
    k = next((n for n, t in enumerate(toks) if t.lower in ("between", "with")), -1)
    names: list[str] = []
    for ent in ents:
        if ent.tok_start <= k or not is_party(ent) or _where(toks, ent):
            continue
        name = ent.text
        s = ent.tok_start
        if (
            s >= 3
            and toks[s - 1].lower == "of"
            and toks[s - 2].lower in _UNITS
            and toks[s - 3].lower == "the"
        ):  # "the province of Lindmoor": its name
            name = item[toks[s - 2].start : ent.end]
        if name not in names:
            names.append(name)
    return names, k >= 0 and toks[k].lower == "with"


def _where(toks: list[Token], ent: Entity) -> bool:
    s = ent.tok_start
    if s > 0 and toks[s - 1].lower == "the":
        s -= 1  # "in the Union of the Comoros"
    prev = toks[s - 1].lower if s > 0 else ""
    if prev in _LOCATIVE:
        return True
    if prev == ",":
        return is_place(ent.text)  # "the University of Ghent, Belgium"
    if prev == "of" and s >= 3 and s == ent.tok_start:
        # "the region of Gaba": the name; "the Nyari province of Congo": where Nyari is.
        return toks[s - 2].text.islower() and toks[s - 3].text[:1].isupper()
    return False
