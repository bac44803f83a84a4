"""Party slots of an English clause: the subject before a verb, the "with" object, the pair
after "between", the agent after "by", possessives after a "signing of".

Slots are read from the token sequence around the trigger verb rather than by parsing: news
sentences about agreements are formulaic ("A signed a strategic cooperation agreement with
B", "A and B inked a deal", "an agreement between A and B was signed"), and a slot reading is
far more precise than taking every name in the sentence, which matters for fingerprints.
"""

from __future__ import annotations

from ._entities import entity_ending_at, entity_starting_at, is_party
from ._places import DEMONYMS, is_place
from ._speakers_en import COUNTERPART, speaks_for
from ._text import words
from ._tokens import Entity, Token

_SKIP_BEFORE_VERB = words(
    """has have had also formally officially jointly successfully today yesterday recently
    finally further then both all respectively separately each once again subsequently on
    monday tuesday wednesday thursday friday saturday sunday just newly already this week
    month that same day earlier later tonight is are was were been be being will would"""
)
_PREPOSITIONS = words(
    """at on in by from of with to for during after before under over into via among amid about
    around near across between behind through toward towards this that these those its his
    her their our"""
)
_LIST_GLUE = frozenset({",", "and", "&", "as", "well"})


def _list_forward(toks: list[Token], entities: list[Entity], idx: int, limit: int) -> list[Entity]:
    """Entity at `idx` and the ones coordinated after it ("A, B and C")."""
    found = [entities[idx]]
    cur = entities[idx].tok_end
    while True:
        k = cur
        if k + 1 < min(limit, len(toks)) and toks[k].lower in ("in", "of"):
            # "Siem Reap in Kampuchea, Biratnagar in Nepal and ...": skip each one's place
            where = entity_starting_at(entities, k + 1)
            if where >= 0:
                k = cur = entities[where].tok_end
        while k < limit and k < len(toks) and toks[k].lower in _LIST_GLUE:
            k += 1
        if k == cur or k >= limit:
            return found
        if k < len(toks) and toks[k].lower == "the":
            k += 1
        nxt = entity_starting_at(entities, k)
        steps = 0
        while nxt < 0 and steps < 3 and k < limit and _descriptor(toks, k):
            k += 1
            steps += 1
            nxt = entity_starting_at(entities, k)
        if nxt >= 0 and entities[nxt].possessive:
            after = entity_starting_at(entities, entities[nxt].tok_end)
            if after >= 0:
                nxt = after
        if nxt < 0:
            return found
        if _appositive_place(toks, entities[nxt], cur):
            cur = entities[nxt].tok_end  # "IIT, Hyderabad, and NIMS, Japan": where A is
            continue
        found.append(entities[nxt])
        cur = entities[nxt].tok_end


def _appositive_place(toks: list[Token], ent: Entity, prev_end: int) -> bool:
    """A known place set off by commas right after a name ("NIMS, Japan, and ...", "the
    consulate in San Francisco, USA,"): where the name is, not a party of its own."""
    return (
        ent.tok_start == prev_end + 1
        and toks[prev_end].text == ","
        and (ent.tok_end >= len(toks) or toks[ent.tok_end].text in (",", ";", ")"))
        and is_place(ent.text)
    )


def _list_backward(toks: list[Token], entities: list[Entity], idx: int) -> list[Entity]:
    """Entity at `idx` and the ones coordinated before it ("A and carmaker B", "A, a city of
    C, and B")."""
    found = [entities[idx]]
    cur = entities[idx].tok_start
    while True:
        k = _skip_counterpart(toks, cur - 1)
        k = _skip_possessor(toks, entities, k)
        k = _skip_descriptors(toks, k)
        glue: list[str] = []
        while k >= 0 and toks[k].lower in _LIST_GLUE:
            glue.append(toks[k].lower)
            k -= 1
        if not glue or k < 0:
            return found
        k = _skip_descriptors(toks, k)
        prev = entity_ending_at(entities, k + 1)
        if prev < 0:
            return found
        before = toks[entities[prev].tok_start - 1].lower if entities[prev].tok_start > 0 else ""
        if before == "with":
            return found
        # "A, a city of C, and B" (commas): C describes A. "a consortium of C and B": C is a party.
        if before in _APPOSITIVE_PREPS and "," in glue:
            # "A, a county-level city of C, and B": C describes A; jump to A.
            jump = _appositive_head(toks, entities, entities[prev].tok_start)
            if jump < 0:
                return found
            prev = jump
        found.append(entities[prev])
        cur = entities[prev].tok_start


_APPOSITIVE_PREPS = frozenset({"of", "in", "at", "from", "for", "near"})
_DESCRIPTOR_STOP = (
    _PREPOSITIONS
    | _LIST_GLUE
    | frozenset(
        {
            "signed",
            "inked",
            "said",
            "has",
            "have",
            "had",
            "is",
            "are",
            "was",
            "were",
            "which",
            "who",
        }
    )
)


def _skip_descriptors(toks: list[Token], k: int, limit: int = 3) -> int:
    """Step back over up to `limit` lower-case words ("the provincial government")."""
    steps = 0
    while (
        k >= 0
        and steps < limit
        and (
            (
                toks[k].text[:1].islower()
                and toks[k].text.isalpha()
                and toks[k].lower not in _DESCRIPTOR_STOP
            )
            or toks[k].lower.endswith("-based")  # "and Gainesville-based University of ..."
        )
    ):
        k -= 1
        steps += 1
    if k >= 0 and toks[k].lower == "the":
        k -= 1
    return k


def _skip_counterpart(toks: list[Token], k: int) -> int:
    """Step back over "his Russian counterpart" before a name (the name stands for Russia,
    and what is listed before it is the other side)."""
    if k >= 1 and toks[k].lower in COUNTERPART and toks[k - 1].lower in DEMONYMS:
        k -= 2
        if k >= 0 and toks[k].lower in ("his", "her", "their", "its"):
            k -= 1
    return k


def _skip_possessor(toks: list[Token], entities: list[Entity], k: int) -> int:
    """Step back over a possessor right before a name ("Hong Kong's MTR")."""
    idx = entity_ending_at(entities, k + 1)
    if idx >= 0 and entities[idx].possessive:
        return entities[idx].tok_start - 1
    return k


def _appositive_head(toks: list[Token], entities: list[Entity], tok: int) -> int:
    for k in range(tok - 1, max(-1, tok - 10), -1):
        if toks[k].text == ",":
            return entity_ending_at(entities, k)
    return -1


_ANNOUNCING = frozenset(
    {"announced", "announces", "celebrated", "celebrates", "marked", "marks", "completed",
     "completes", "finalised", "finalized", "confirmed", "confirms"}
)  # fmt: skip
_PRONOUNS = frozenset({"it", "they", "company", "firm", "group", "companies", "firms", "we"})


def subject(toks: list[Token], entities: list[Entity], verb_tok: int) -> list[Entity]:
    """The names acting as subject of the verb at token `verb_tok`."""
    k = verb_tok - 1
    if k >= 1 and toks[k].lower in ("the", "a") and toks[k - 1].lower in _ANNOUNCING:
        # "Port Freeport announced the signing of ...": the announcer signed.
        return subject(toks, entities, k - 1)
    while k >= 0 and (
        toks[k].lower in _SKIP_BEFORE_VERB
        or (toks[k].lower.endswith("ly") and toks[k].text.islower() and len(toks[k].lower) > 4)
    ):  # "has also formally signed", "sincerely hopes"
        k -= 1
    if k < 0:
        return []
    idx = entity_ending_at(entities, k + 1)
    if idx >= 0 and located(toks, entities[idx]) and entities[idx].kind == "name":
        return []  # "enterprises from Southeast Asia signed": where the subject is from
    if idx >= 0:
        listed = [speaks_for(toks, entities, e) for e in _list_backward(toks, entities, idx)]
        return [e for e in listed if is_party(e)]
    if toks[k].lower in _PRONOUNS:
        # "X said on Tuesday it had signed ...": the pronoun stands for the first
        # organisation named before it.
        before = [e for e in entities if e.tok_end <= k and is_party(e)]
        orgs = [e for e in before if e.kind == "org"]
        return (orgs or before)[:1]
    if toks[k].text == ",":
        # Appositive between subject and verb: take the first name of the clause that is
        # not inside a leading prepositional phrase, and the names listed with it.
        for idx, ent in enumerate(entities):
            if ent.tok_end > verb_tok:
                break
            prev1 = toks[ent.tok_start - 1].lower if ent.tok_start > 0 else ""
            prev2 = toks[ent.tok_start - 2].lower if ent.tok_start > 1 else ""
            if prev1 in _PREPOSITIONS or prev2 in _PREPOSITIONS or not is_party(ent):
                continue
            return [e for e in _list_forward(toks, entities, idx, verb_tok) if is_party(e)]
    return []


# A relative clause or an infinitive after the object starts another predicate: "signed an
# agreement on Wednesday that will allow flights between Shanghai and ..." names no party.
_CLAUSE_END = frozenset({"that", "which", "who", "where", "to", "so", "allowing", "enabling"})
_AGENT_SPAN = 3  # "signed by X", "was inked by X": the agent follows the verb closely
# "with three cities of Dalarna": the body they belong to
_GROUPS = words("cities towns municipalities counties districts regions members companies firms")


def after_word(
    toks: list[Token], entities: list[Entity], words: frozenset[str], start_tok: int, span: int
) -> list[Entity]:
    """Names right after the first of `words` found within `span` tokens of `start_tok`,
    in the verb's own clause ("by" only as the agent right after the verb)."""
    end = min(len(toks), start_tok + span)
    for k in range(start_tok, end):
        if k > start_tok and toks[k].lower in _CLAUSE_END and toks[k - 1].lower != "importance":
            return []  # ("attaches importance to cooperation with X": a preposition)
        if toks[k].lower == "by" and k - start_tok > _AGENT_SPAN:
            continue
        if toks[k].lower in words:
            m = k + 1
            while m < len(toks) and toks[m].lower in ("the", "a", "an", "both", "its", "their"):
                m += 1
            idx = entity_starting_at(entities, m)
            steps = 0
            while idx < 0 and steps < 4 and m < len(toks) and _descriptor(toks, m):
                m += 1
                steps += 1
                idx = entity_starting_at(entities, m)
                grouped = m < len(toks) and toks[m - 1].lower in _GROUPS
                if idx < 0 and grouped and toks[m].lower == "of":
                    m += 1
                    idx = entity_starting_at(entities, m)
                if idx < 0 and m + 1 < len(toks) and toks[m].text == ",":
                    # "with Chinese electronics giant, the Foxconn Technology Group"
                    m += 2 if toks[m + 1].lower in ("the", "a", "an") else 1
                    idx = entity_starting_at(entities, m)
            if idx >= 0 and entities[idx].possessive:
                nxt = entity_starting_at(entities, entities[idx].tok_end)
                if nxt >= 0:
                    idx = nxt
            if idx >= 0:
                found = _list_forward(toks, entities, idx, len(toks))
                return [e for e in found if is_party(e)]
    return []


def _descriptor(toks: list[Token], m: int) -> bool:
    """Whether token m describes the name after it rather than being the name."""
    tok = toks[m]
    if tok.text[:1].islower() and tok.text.isalpha() and tok.lower not in _DESCRIPTOR_STOP:
        return True
    if m + 1 < len(toks) and toks[m + 1].lower == "based":
        return True  # "with U.K.-based North Fish" ("based" itself is lower-case)
    # A demonym before the name ("with Serbian utility EPS"), or where it is based.
    return tok.text[:1].isupper() and tok.lower.endswith(("ian", "ese", "ish", "ean", "-based"))


def between(toks: list[Token], entities: list[Entity]) -> list[Entity]:
    for k, tok in enumerate(toks):
        if tok.lower == "between":
            return after_word(toks, entities, frozenset({"between"}), k, 1)
    return []


def possessives(entities: list[Entity], from_tok: int) -> list[Entity]:
    return [e for e in entities if e.possessive and e.tok_start >= from_tok and is_party(e)]


_LOCATIVE = frozenset({"in", "at", "near", "from", "across", "throughout", "around", "to", "as"})


def located(toks: list[Token], entity: Entity) -> bool:
    """Whether `entity` is named as a place or a description: after "in", "at", "to", "known
    as" ... ("in Xi'an", "known as the Capital of Ceramics")."""
    k = entity.tok_start - 1
    if k >= 0 and toks[k].lower == "the":
        k -= 1
    if k >= 1 and toks[k].lower == "from" and toks[k - 1].lower in _VISITORS:
        return False  # "a delegation from X": X is the visiting side, not a place
    return k >= 0 and toks[k].lower in _LOCATIVE


_VISITORS = words("delegation delegations")


def fallback(toks: list[Token], entities: list[Entity]) -> list[Entity]:
    """The organisations and brands of a sentence whose slots are empty; a place named only
    as a place ("in Xi'an", "Beijing" in a list) is no party without a slot."""
    return [
        e
        for e in entities
        if is_party(e) and not located(toks, e) and not is_place(e.text.rstrip("'’s"))
    ]


def between_pairs(toks: list[Token], entities: list[Entity]) -> list[list[Entity]]:
    """ "signed between A and B; C and D; and E and F": one pair per agreement, when the list
    after "between" is cut by semicolons (a single "between A and B" is one pair: [])."""
    start = next((k for k, t in enumerate(toks) if t.lower == "between"), -1)
    if start < 0 or not any(t.text == ";" for t in toks[start:]):
        return []
    pairs: list[list[Entity]] = []
    chunk: list[Entity] = []
    last_end = start
    for ent in entities:
        if ent.tok_start <= start:
            continue
        gap = toks[(chunk[-1].tok_end if chunk else start) : ent.tok_start]
        if any(t.text == ";" for t in gap):
            if chunk:
                pairs.append(chunk)
            chunk = []
        appositive = _appositive_place(toks, ent, last_end)  # "University of St. Louis, US;"
        last_end = ent.tok_end
        if is_party(ent) and not located(toks, ent) and not appositive:
            chunk.append(ent)
    if chunk:
        pairs.append(chunk)
    if len(pairs) < 2:
        return []
    # "; Central Hill University and Steppe National University Almaty, Kazakhstan;":
    # a pair the name spotter read as one name, split as the party gate splits it.
    return [
        _split_pair(p) if len(p) == 1 else p for p in pairs if len(p) >= 2 or _EN_AND in p[0].text
    ]


_EN_AND = " and "
_PLAIN = (False, False)  # not possessive, not quoted


def _split_pair(pair: list[Entity]) -> list[Entity]:
    ent = pair[0]
    cut = ent.text.find(_EN_AND)
    left = Entity(
        ent.text[:cut], ent.start, ent.start + cut, ent.tok_start, ent.tok_start, "org", *_PLAIN
    )
    at = cut + len(_EN_AND)
    right = Entity(
        ent.text[at:], ent.start + at, ent.end, ent.tok_end, ent.tok_end, ent.kind, False, False
    )
    return [left, right] if left.text and right.text else pair


def more_with(toks: list[Token], entities: list[Entity], verb_tok: int) -> list[Entity]:
    """The objects of further "with"s in the verb's sentence: "signed a contract with A, and
    a framework agreement with B and C" (the first "with" is read by `after_word`)."""
    withs = [k for k in range(verb_tok, len(toks)) if toks[k].lower == "with"]
    found: list[Entity] = []
    for k in withs[1:]:
        found += after_word(toks, entities, frozenset({"with"}), k, 2)
    return found
