"""Who a person in a party slot acts for: "Wang Taihui, the mayor of Xiangyang" speaks for
Xiangyang, "his Russian counterpart Sergey Lavrov" for Russia, "Pakistan's Foreign Minister
Qureshi" for Pakistan. A person is a party only when nobody else is named for them."""

from __future__ import annotations

from ._entities import entity_ending_at, entity_starting_at, is_party
from ._places import DEMONYMS
from ._tokens import Entity, Token
from ._vocab_en import TITLE_WORDS

_APPOSITION_SKIP = frozenset({"the", "a", "an", "city", "province", "county", "of", "state"})


def speaks_for(toks: list[Token], entities: list[Entity], ent: Entity) -> Entity:
    """A person followed by ", the mayor of the city of Xiangyang": the organisation they
    speak for; a name after "his Russian counterpart": that country (the person themself
    otherwise)."""
    country = _counterpart_country(toks, ent)
    if country is not None:
        return country
    holder = _title_holder(toks, entities, ent)
    if holder is not None:
        return holder
    if ent.kind != "person":
        return ent
    k = ent.tok_end
    if k >= len(toks) or toks[k].text != ",":
        return ent
    k += 1
    steps = 0
    while k < len(toks) and steps < 5 and toks[k].lower not in TITLE_WORDS:
        if not toks[k].text.islower():
            return ent
        k, steps = k + 1, steps + 1
    if k >= len(toks) or toks[k].lower not in TITLE_WORDS:
        return ent
    k += 1
    if k >= len(toks) or toks[k].lower != "of":
        return ent
    while k < len(toks) and toks[k].lower in _APPOSITION_SKIP:
        k += 1
    found = entity_starting_at(entities, k)
    return entities[found] if found >= 0 and is_party(entities[found]) else ent


COUNTERPART = frozenset({"counterpart", "counterparts"})


def _title_holder(toks: list[Token], entities: list[Entity], ent: Entity) -> Entity | None:
    """ "Pakistan's Foreign Minister Shah Mahmood Qureshi": an office holder named after a
    possessor acts for the possessor, which is the party."""
    head = [t.lower for t in toks[ent.tok_start : min(ent.tok_end, ent.tok_start + 3)]]
    if not any(w in TITLE_WORDS for w in head[:-1]):
        return None
    before = entity_ending_at(entities, ent.tok_start)
    if before < 0 or not entities[before].possessive or not is_party(entities[before]):
        return None
    return entities[before]


def _counterpart_country(toks: list[Token], ent: Entity) -> Entity | None:
    """ "his Russian counterpart Sergey Lavrov", "Indian counterpart Narendra Modi": the
    person acts for the country the demonym names; that country is the party."""
    k = ent.tok_start - 1
    if k < 1 or toks[k].lower not in COUNTERPART:
        return None
    demonym = toks[k - 1]
    country = DEMONYMS.get(demonym.lower)
    if country is None:
        return None
    return Entity(country, demonym.start, demonym.end, k - 1, k, "name", False, ent.quoted)
