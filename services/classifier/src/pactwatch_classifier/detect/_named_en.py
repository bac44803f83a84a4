"""English: the sides an agreement names itself, when the people who sign it stand for them.

Two shapes: the relationship the agreement sets up ("signed an agreement to establish a
sister-province relationship between Sindh and Hubei": the provinces are parties beside the
signatories), and a title naming the pair ("the two signed the Action Plan for the
Gyeonggi-Queensland Sisterhood Agreement"). Both are tested with a literal first
("relationship between", "ties between", a hyphen in the sentence), so sentences
without them pay one substring test.
"""

from __future__ import annotations

import re

from . import _slots_en as slots
from ._tokens import Entity, Token
from ._words_en import names

_RELATION = re.compile(
    r"\b(?:sister|twin(?:ning)?|friendship|friendly)(?:[- ](?:city|cities|province|provinces|"
    r"state|states|port|ports|county|counties|region|regions|town|towns))?[- ]"
    r"(?:relations(?:hip)?s?|ties|partnership)\s+between\b"
)
_TITLE = re.compile(
    r"\b([A-Z][a-z]{2,})-([A-Z][a-z]{2,})\s+(?:(?:[A-Z][a-z]+|of|and)\s+){0,4}?"
    r"(?:Agreement|Accord|Memorandum|Treaty|Pact|Charter|Protocol)\b"
)
_BETWEEN_LITERALS = ("relationship between", "relations between", "ties between")
# Prefixes that are not a side of their own ("Sino-US", "Indo-Pacific").
_NOT_SIDES = frozenset({"Sino", "Indo", "Afro", "Euro", "Anglo", "Franco", "Trans", "Inter"})


def agreement_sides(sentence: str, toks: list[Token], ents: list[Entity], named: int) -> list[str]:
    """The sides the agreement's relationship names, and those its title names when the
    slots gave fewer than two (`named`); [] when it names none."""
    found: list[str] = []
    if any(word in sentence for word in _BETWEEN_LITERALS):
        relation = _RELATION.search(sentence.lower())
        if relation is not None:
            k = next((n for n, t in enumerate(toks) if t.start >= relation.end() - 7), -1)
            if k >= 0:
                between = slots.after_word(toks, ents, frozenset({"between"}), k, 2)
                found += names(between)
    if named < 2 and "-" in sentence:
        for match in _TITLE.finditer(sentence):
            left, right = match.group(1), match.group(2)
            if left not in _NOT_SIDES and right not in _NOT_SIDES:
                found += [left, right]
    return list(dict.fromkeys(found))
