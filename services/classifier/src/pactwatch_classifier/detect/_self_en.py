"""A side the sentence names only by what it is: "our city signed ...", "the president of the
group held a signing ceremony with ...", "their nonprofit entered a partnership with ...".

The article names that side elsewhere (its headline, lead or later paragraphs), so the
referent is the name of that kind the article uses most, among those not already a party.
The article's names are read once, on first use (`Context.named`): most articles never ask.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ._entities import entities, is_party
from ._places import is_place
from ._text import Layout

_SELF = re.compile(
    r"\b(?:our|the|its|their|her|his)\s+(?:own\s+)?(city|municipality|province|county|prefecture|"
    r"town|group|company|firm|corporation|nonprofit|non-profit|charity|foundation|"
    r"university|college)\b"
)
# "signed in the city", "visited the company": a place or a visit, not a side.
_LOCATIVE = re.compile(
    r"\b(?:in|at|to|from|into|across|around|throughout|near|outside|within|visit(?:ed|ing|s)?|"
    r"toured|for|with|by|between)\s+$"
)
_PLACE_HEADS = frozenset({"city", "municipality", "province", "county", "prefecture", "town"})
_ORG_HEADS = frozenset({"group", "company", "firm", "corporation"})
_CHARITY_ENDS = frozenset({"foundation", "charity", "trust", "fund", "nonprofit"})
_ACADEMIC_ENDS = frozenset({"university", "college"})
_GOVERNMENT = frozenset(
    {"government", "city", "municipality", "province", "county", "committee", "council"}
)
_MAX_SENTENCES = 60


@dataclass(frozen=True, slots=True)
class Named:
    """A party-like name of the article: how often the text says it, and its kind."""

    text: str
    count: int
    kind: str


def article_names(title: str, text: str, lay: Layout) -> tuple[Named, ...]:
    """The organisations and bare names of the title and the first sentences, with counts."""
    kinds: dict[str, str] = {}
    chunks: Iterable[str] = [title] if title else []
    chunks = [*chunks, *(text[s:e] for s, e in lay.sentences[:_MAX_SENTENCES])]
    for chunk in chunks:
        if not chunk.isascii() and not chunk.replace("’", "'").isascii():
            continue
        for ent in entities(chunk)[1]:
            if is_party(ent) and len(ent.text) > 2:
                kinds.setdefault(ent.text, ent.kind)
    return tuple(Named(name, text.count(name), kind) for name, kind in kinds.items())


def self_head(sentence: str, lowered: str, before: int) -> str | None:
    """The noun of a side named only by its kind before offset `before` ("our city")."""
    if "our " not in lowered and "the " not in lowered and "r " not in lowered:
        return None  # (cheap: "their", "her" end in "r ")
    for match in _SELF.finditer(lowered, 0, before):
        if _LOCATIVE.search(lowered, max(0, match.start() - 25), match.start()):
            continue
        if re.match(r"\s+of\s+[A-Z]", sentence[match.end() :]):
            continue  # "the city of Corvale" names itself
        return match.group(1)
    return None


def _fits(head: str, named: Named) -> bool:
    words = named.text.lower().split()
    if head in _PLACE_HEADS:
        return (named.kind == "name" and not named.text.isupper()) or is_place(named.text)
    if head in _ORG_HEADS:
        return not is_place(named.text) and not _GOVERNMENT.intersection(words)
    if head in _ACADEMIC_ENDS:
        return bool(_ACADEMIC_ENDS.intersection(words))
    return words[-1] in _CHARITY_ENDS


def referent(head: str, names: tuple[Named, ...], taken: list[str]) -> str | None:
    """The name the article uses most for a side of this kind, not one of `taken`."""
    best: Named | None = None
    for named in names:
        if not _fits(head, named):
            continue
        if any(named.text in t or t in named.text for t in taken):
            continue
        if best is None or named.count > best.count:
            best = named
    if best is None or (best.count < 2 and head in _PLACE_HEADS | _ORG_HEADS):
        return None
    return best.text


def with_self(
    sentence: str,
    lowered: str,
    before: int,
    names: Callable[[], tuple[Named, ...]],
    core: list[str],
) -> list[str]:
    """`core` with the side the sentence calls "our city" (or "the group") first; [] when
    the sentence names no such side or the article no fitting name. `names` is the
    article's names (`Context.named`), asked only when the sentence has such a side."""
    head = self_head(sentence, lowered, before)
    if head is None:
        return []
    name = referent(head, names(), core)
    return [name, *core] if name is not None else []
