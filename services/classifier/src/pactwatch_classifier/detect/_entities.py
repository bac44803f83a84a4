"""Named-entity spotting for English news prose, by capitalisation and name shape.

No statistical NER model fits the budget (spaCy's smallest English pipeline alone costs more
time per article than the whole detector may spend), and organisation names in this domain
have a regular shape: capitalised words, joined by "of", "for", "and", "the", possibly a
parenthesised place and a legal suffix ("Pfizer Pharmaceuticals (Wuxi) Co., Ltd."). Each
entity is typed as an organisation, a person, an event or a bare name (a place or brand),
from its last word, the title words before it and, for Chinese names in pinyin, the surname.
"""

from __future__ import annotations

import re

from ._places import PLACE_FIRST_PAIRS, PLACE_FIRST_WORDS, PLACE_NAMES
from ._text import words
from ._tokens import Entity, Kind, Token, tokenize
from ._vocab_en import (
    ADJECTIVES,
    CN_SURNAMES,
    CURRENCIES,
    EVENT_WORDS,
    ORG_HEADS,
    ORG_WORDS,
    PINYIN,
    PLURAL_TITLES,
    PURPOSE_TAIL,
    SPEECH_VERBS,
    TITLE_WORDS,
)

_CONNECTORS = frozenset({"of", "for", "and", "the", "de", "du", "la", "des", "&", "tech", "on"})
_LEGAL_AFTER_COMMA = frozenset(
    {"ltd", "ltd.", "inc", "inc.", "llc", "limited", "corp", "corp.", "plc", "co.", "ltd.,"}
)
_STOP = words(
    """a an the at on in by for with during after before according to as this that these those
    several various numerous multiple
    he she it they we our its their his her him them both all each some many more most other
    such also but and or if when while since from into of under over about after across
    however meanwhile moreover furthermore besides thus therefore then there here today
    yesterday tomorrow now currently recently previously last next new first second third mr
    mrs ms dr prof sir madam english january february march april may june july august
    september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday breaking news update updated
    photo video source image file what who why how where which whose i you your my me us let
    please click read tags focusing nearly around over under within through via per among
    amid following including led together looking based located arriving speaking
    addressing"""
)


def _is_cap(tok: Token) -> bool:
    text = tok.text
    first = text[0]
    if first.isupper():
        return True
    if first.islower() and text.islower():
        return False
    if first.islower():
        return any(c.isupper() for c in text[1:4])  # iPhone, i·Campus, eBay
    return first.isdigit() and any(c.isupper() for c in text)  # 3M, 5G? (digit + capital)


def _bare(lower: str) -> str:
    if lower.endswith(("'s", "’s")):
        lower = lower[:-2]
    return lower.rstrip(".")


# The names of one article's sentences, kept while it is read: its rules, its lead and its
# own names ask for the same sentence up to five times. Cleared per article (`forget`), so
# a figure never rests on sentences that another article happened to share.
_READ: dict[str, tuple[list[Token], list[Entity]]] = {}
_READ_MAX = 1_024


def forget() -> None:
    """Drop the sentences read so far: the next article starts afresh."""
    _READ.clear()


def entities(sentence: str) -> tuple[list[Token], list[Entity]]:
    """Find the capitalised names of `sentence` and type each one (callers must not change
    the lists: a sentence asked again gets the same ones)."""
    read = _READ.get(sentence)
    if read is None:
        if len(_READ) >= _READ_MAX:
            _READ.clear()
        read = _READ[sentence] = _entities(sentence)
    return read


def _entities(sentence: str) -> tuple[list[Token], list[Entity]]:
    toks = tokenize(sentence)
    found: list[Entity] = []
    quoted = _quote_mask(toks)
    i = 0
    n = len(toks)
    while i < n:
        tok = toks[i]
        if not _is_cap(tok) or (
            _bare(tok.lower) in _STOP
            # "New York", "New Zealand": a stop word that starts a known place name
            and not (i + 1 < n and f"{tok.text} {toks[i + 1].text}" in PLACE_FIRST_PAIRS)
        ):
            i += 1
            continue
        j = i + 1
        has_of = False
        while j < n:
            prev = toks[j - 1].lower
            if prev.endswith(("'s", "’s")) and prev not in ("people's", "people’s"):
                break
            cur = toks[j]
            if _is_cap(cur) and _bare(cur.lower) not in _BREAK:
                if (
                    toks[j - 1].text.startswith("(")
                    and _bare(cur.lower) not in ORG_WORDS
                    and not _where_in_brackets(toks[j - 1].text)
                ):
                    break  # "Union of ... Municipalities (TDBB) Uğur Altay": a person follows
                j += 1
                continue
            if cur.text.startswith("(") and len(cur.text) > 2 and _is_cap_text(cur.text[1:]):
                j += 1
                continue
            if cur.text == "," and j + 1 < n and toks[j + 1].lower in _LEGAL_AFTER_COMMA:
                j += 2
                continue
            if (
                cur.lower == "at"
                and toks[i].lower == "university"
                and has_of
                and j + 1 < n
                and _is_cap(toks[j + 1])
            ):  # "University of Alabama at Birmingham", "University of Texas at Austin"
                j += 1
                continue
            if cur.lower in _CONNECTORS and cur.lower != "on":
                k = j
                while k < n and toks[k].lower in _CONNECTORS:
                    k += 1
                ok = k < n and _is_cap(toks[k]) and _bare(toks[k].lower) not in _BREAK
                if cur.lower == "and" and ok:
                    left_last = _bare(toks[j - 1].lower)
                    ok = (
                        left_last not in ORG_WORDS
                        and (has_of or _org_ahead(toks, k))
                        # "Orbitum Aerospace and Nantong University": a place starts a new name.
                        and _bare(toks[k].lower) not in PLACE_FIRST_WORDS
                        # "University of Mumbai and University of St. Louis": two bodies;
                        # "Ministry of Industry and Information Technology": one.
                        and not (has_of and _second_body(toks, i, j, k))
                    )
                if cur.lower == "the" and not (j > i and toks[j - 1].lower in ("of", "for")):
                    ok = False
                if ok:
                    if cur.lower in ("of", "for"):
                        has_of = True
                    j = k
                    continue
            break
        j_name = _before_purpose(toks, i, j)
        if j_name < j:  # "the Corps of Engineers for the Harbor Deepening Project"
            entity = _make_entity(sentence, toks, i, j_name, quoted[i])
            if entity is not None:
                found.append(entity)
            i = j_name + 1
            continue
        entity = _make_entity(sentence, toks, i, j, quoted[i])
        if entity is not None and not _dateline(toks, i, j, entity):
            found.append(entity)
        i = j
    return toks, found


_BREAK = words(
    """sign signs signed signing inks inked seals sealed launches launched unveils unveiled
    teams joins visits visited meets met deepen deepens with and to on says said agree
    agrees agreed"""
)


def _second_body(toks: list[Token], i: int, j: int, k: int) -> bool:
    """After "X of Y and", whether the capitalised run from token k is a body of its own:
    it begins with a head word ("and University of St. Louis") or, when the left name has
    one, ends with one ("University of Lucknow and Lincoln University")."""
    if _bare(toks[k].lower) in ORG_HEADS:
        return True
    end = k
    while end < len(toks) and _is_cap(toks[end]) and _bare(toks[end].lower) not in _BREAK:
        end += 1
    left_has_head = any(_bare(t.lower) in ORG_HEADS for t in toks[i:j])
    return left_has_head and end > k and _bare(toks[end - 1].lower) in ORG_HEADS


def _before_purpose(toks: list[Token], i: int, j: int) -> int:
    """Where a name ends before "for the ... Project": the project is what the named body
    works for, not part of its name. `j` when there is no such tail."""
    if j - i < 4 or _bare(toks[j - 1].lower) not in PURPOSE_TAIL:
        return j
    for k in range(i + 1, j - 2):
        if toks[k].lower == "for" and toks[k + 1].lower == "the":
            return k
    return j


_STAMP = re.compile(r"\d[\d\-/.:]*|date|updated|published|posted|[,:|]")


def _dateline(toks: list[Token], i: int, j: int, entity: Entity) -> bool:
    """ "BELGRADE, March 3 --", "WUXI, China, Dec. 10": the place opening a news item, not a
    name in it."""
    after = j < len(toks) and toks[j].text in (",", "–", "—")
    if i == 0 or all(_STAMP.fullmatch(t.lower) for t in toks[:i]):
        # At the start, or after nothing but a date stamp ("2021-02-01 CLEVELAND, Feb. 1").
        return entity.text.isupper() and len(entity.text) > 3 and after
    opened = len(toks) > 1 and toks[0].text.isupper() and len(toks[0].text) > 3
    return i == 2 and opened and toks[1].text == "," and after and entity.text in PLACE_NAMES


def _org_ahead(toks: list[Token], k: int) -> bool:
    """Whether the capitalised run starting at token k contains an organisation word."""
    while k < len(toks) and _is_cap(toks[k]) and _bare(toks[k].lower) not in _BREAK:
        if _bare(toks[k].lower) in ORG_WORDS:
            return True
        k += 1
    return False


def _is_cap_text(text: str) -> bool:
    return bool(text) and text[0].isupper()


def _quote_mask(toks: list[Token]) -> list[bool]:
    mask = [False] * len(toks)
    inside = False
    for idx, tok in enumerate(toks):
        if tok.text in ("“", "”", '"'):
            if tok.text == "“":
                inside = True
            elif tok.text == "”":
                inside = False
            else:
                inside = not inside
            continue
        mask[idx] = inside
    return mask


def _where_in_brackets(text: str) -> bool:
    """ "(Fla.)", "(Wuxi)": a place inside a name ("Jupiter (Fla.) Medical Center"), which the
    name goes on after, unlike an acronym ("(TDBB)") that a person's name may follow."""
    inner = text[1:-1].strip()
    return inner.endswith(".") or inner in PLACE_NAMES


def _title_word(lower: str) -> bool:
    """A title, also the plurals that name a group of people ("Members of the Council"; not
    "Kings College")."""
    word = _bare(lower)
    return word in TITLE_WORDS or word in PLURAL_TITLES


def _before_holder(toks: list[Token], i: int, j: int) -> int:
    """ "(Secretary of the) Bao Son Party Committee Tran Van Minh": the title's body ends at its
    last organisation word, and the two to four capitalised words after it are the person
    who holds the title. `j` when no person follows."""
    last = next((k for k in range(j - 1, i, -1) if _bare(toks[k].lower) in ORG_WORDS), -1)
    if last < 0 or not 2 <= j - 1 - last <= 4:
        return j
    tail = toks[last + 1 : j]
    if any(t.lower in _CONNECTORS or _bare(t.lower) in ORG_WORDS or t.text[0] == "(" for t in tail):
        return j
    return last + 1


def _make_entity(sentence: str, toks: list[Token], i: int, j: int, quoted: bool) -> Entity | None:
    # Strip title words in front ("Vice Mayor Zhou Wendong", "Secretary of the ... Committee").
    start_tok = i
    titled = False
    while start_tok < j and _title_word(toks[start_tok].lower):
        start_tok += 1
        titled = True
    tok_end = j  # the holder's name stays inside the slot the organisation fills
    if titled:
        while start_tok < j and toks[start_tok].lower in _CONNECTORS:
            start_tok += 1
            titled = False  # "President of X": X is the organisation, not a person
        if not titled:
            j = _before_holder(toks, start_tok, j)
    elif i > 0 and toks[i - 1].lower.endswith(("'s", "’s")):
        j = _before_holder(toks, start_tok, j)  # "the Party's Economic Commission Nguyen Van Thanh"
    while start_tok < j - 1 and toks[start_tok].lower.endswith("-based"):
        start_tok += 1  # "Hyderabad-based Sarvam Generics": where it is based, then the name
    if start_tok >= j or (j < len(toks) and toks[j].lower == "based"):
        return None  # "U.K.-based": a place describing the name that follows
    last = toks[j - 1]
    possessive = last.lower.endswith(("'s", "’s")) and last.lower not in (
        "people's",
        "people’s",
    )
    start = toks[start_tok].start
    end = last.end - (2 if possessive else 0)
    text = sentence[start:end]
    if text.endswith(".") and _bare(text.rsplit(" ", 1)[-1].lower()) not in _LEGAL_AFTER_COMMA | {
        "co",
        "ltd",
        "inc",
        "corp",
    }:
        text = text[:-1]
        end -= 1
    words = [_bare(t.lower) for t in toks[start_tok:j]]
    if possessive:
        words[-1] = _bare(words[-1])
    kind = _kind(words, titled, sentence, end, toks, j)
    if len(text) < 2:
        return None
    if (
        len(words) == 1
        and text not in PLACE_NAMES
        and (
            # A demonym or an adverb, not a name; a known place that looks like one is a place
            # ("Dalian", "Fujian", "Suqian").
            words[0] in ADJECTIVES
            or (words[0].endswith(("ian", "ese", "ish")) and not text.isupper())
            or (len(words[0]) > 5 and words[0].endswith("ly") and words[0] != "italy")
        )
    ):
        return None
    if j < len(toks) and _bare(toks[j].lower) in CURRENCIES:
        return None  # "8 billion U.S. dollars", "Hong Kong dollars": a currency, not a party
    return Entity(text, start, end, start_tok, tok_end, kind, possessive, quoted)


def _kind(
    words: list[str], titled: bool, sentence: str, end: int, toks: list[Token], j: int
) -> Kind:
    last = words[-1]
    head = words[: words.index("of")] if "of" in words else words
    if (
        last in EVENT_WORDS
        or (len(words) > 1 and words[-1].isdigit() and words[-2] in EVENT_WORDS)
        or (len(head) < len(words) and any(w in EVENT_WORDS for w in head))
    ):  # "Annual Meeting of Summer Davos" is a meeting
        return "event"
    has_org = any(w in ORG_WORDS for w in words)
    if has_org:
        return "org"
    if titled:
        return "person"
    if (
        2 <= len(words) <= 3
        and words[0] in CN_SURNAMES
        and all(PINYIN.fullmatch(w) for w in words[1:])
    ):  # "Li Wenhai", not "Long Beach": the given name is pinyin too
        return "person"
    nxt = toks[j].lower if j < len(toks) else ""
    if nxt == "," and j + 1 < len(toks) and _bare(toks[j + 1].lower) in TITLE_WORDS:
        return "person"
    if 2 <= len(words) <= 3 and nxt in SPEECH_VERBS:
        return "person"
    return "name"


def is_party(entity: Entity) -> bool:
    """Organisations and bare names (cities, brands) can be parties; people and events not."""
    return entity.kind in ("org", "name") and not entity.quoted


def entity_ending_at(entities: list[Entity], tok_end: int) -> int:
    for idx, ent in enumerate(entities):
        if ent.tok_end == tok_end:
            return idx
    return -1


def entity_starting_at(entities: list[Entity], tok_start: int) -> int:
    for idx, ent in enumerate(entities):
        if ent.tok_start == tok_start:
            return idx
    return -1
