"""One signing per counterpart: "A signed friendship agreements with B, C and D" (a plural
object, "respectively", or one verb with several deals), and "the companies that signed
MoUs include B, C and D"."""

from __future__ import annotations

import re

from . import _slots_en as slots
from ._parties import gate
from ._tokens import Entity, Token
from ._words_en import names, tok_at

_PLURAL_OBJECT = re.compile(
    r"^\W*(?:\w+\s+){0,4}?(?:agreements|contracts|mous|memoranda|memorandums|deals|pacts|"
    r"letters of intent|accords)\b[^.;]{0,60}?\bwith\b|^[^.;]{0,160}?\brespectively\b"
    # "signed a contract with A, and a framework agreement with B": one agreement each
    r"|^[^.;]{0,120}?\bwith\b[^.;]{1,80}?,?\s+and\s+(?:an?\s+)?(?:(?!(?:sign|ink|seal)\w*\b)[\w-]+\s+){0,5}?"
    r"(?:agreements?|contracts?|mous?|memorand(?:ums?|a)|letters? of intent|deals?)\b"
    r"[^.;]{0,40}?\bwith\b"
)


def each_counterpart(
    lowered: str, toks: list[Token], ents: list[Entity], verb_start: int
) -> list[list[str]]:
    """ "A signed friendship agreements with B, C and D": A × B, A × C, A × D (a plural
    object, or "respectively", distributes the counterparts)."""
    after = lowered[verb_start:]
    verb_end = after.find(" ")
    if verb_end < 0 or _PLURAL_OBJECT.match(after[verb_end:]) is None:
        return []
    verb_tok = tok_at(toks, verb_start)
    subject = names(slots.subject(toks, ents, verb_tok))
    others = names(slots.after_word(toks, ents, frozenset({"with"}), verb_tok, 25))
    others += names(slots.more_with(toks, ents, verb_tok))
    # "with A and B" read as one name ("Northgate College London and Skills Partners
    # Development Corporation"): the gate's split gives one counterpart each.
    others = [p for o in others for p in (gate(o) if " and " in o else (o,))]
    others = [o for o in dict.fromkeys(others) if o not in subject]
    if len(others) < 2:
        return []
    return [[*subject[:1], other] for other in others]


# "the companies that signed MoUs include A, B and C": one signing each.
_SIGNERS_BEFORE = re.compile(
    r"\b(?:companies|firms|enterprises|partners|investors|organi[sz]ations|institutions|"
    r"universities|signatories)\s+(?:that|which|who)\s+(?:have\s+|had\s+)?$"
)
_SIGNERS_AFTER = re.compile(
    r"^\S+\s+(?:\w+\s+){0,3}?(?:mous|agreements|contracts|deals|memorand(?:a|ums))\b[^.;]{0,40}?"
    r"\b(?:include|includes|included|are|were)\b"
)
_LIST_WORDS = frozenset({"include", "includes", "included", "are", "were"})


def signers_listed(
    lowered: str, toks: list[Token], ents: list[Entity], verb_start: int
) -> list[list[str]]:
    if not _SIGNERS_BEFORE.search(lowered, max(0, verb_start - 40), verb_start):
        return []
    if not _SIGNERS_AFTER.match(lowered[verb_start:]):
        return []
    listed = names(slots.after_word(toks, ents, _LIST_WORDS, tok_at(toks, verb_start), 30))
    listed = [p for o in listed for p in (gate(o) if " and " in o else (o,))]
    return [[name] for name in listed] if len(listed) >= 2 else []
