"""From sentence candidates to events: one event per real-world agreement or step.

News says the same thing several times: the headline, the lead, a later paragraph ("The
memorandum was signed by ..."), the ceremony it happened at. Each of those sentences yields
a candidate; the subscriber wants one alert. Distinct counterparts stay distinct ("A signed
with B; A also signed with C" is two signings). The rules here, in order:

1. Signings cluster among themselves. A candidate joins an event when its parties are a
   subset of the event's (or the other way round), when it restates the agreement (a
   definite reference, "the agreement", 该协议, or the headline) and shares a party or names
   none, or when it names no party and follows the event closely. A "new" marker ("also",
   "another", 同时, 还与, 此外) keeps a candidate with new parties apart.
2. A party-less signing mention ("witnessed the signing of several projects", a batch
   ceremony) is the umbrella of the specific signings when there are any: it is dropped
   unless it names a party they don't.
3. Cooperation next to a signing is usually its setting (the visit, the talks, the forum):
   talks and intentions are absorbed by the signings; a concrete step (a joint centre or an
   alliance launched) is a step of its own.
4. Without a signing, the talks and intentions of one article are one event (the visit), and
   concrete steps cluster like signings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ._candidate import Candidate
from ._fingerprint import normalise_party
from ._model import EventType
from ._places import is_place
from ._text import words

TALK_CODES = frozenset({"030", "031", "040", "042", "043", "046"})
_HAN = re.compile(r"[\u4e00-\u9fff]")
_GENERIC = words(
    """international china chinese national global new hightech zone district city group
    university park center centre innovation industrial development technology science fund
    company bank the"""
)


@dataclass(slots=True, init=False)  # its own __init__ is compiled with the module (mypyc)
class Event:
    type: EventType
    cameo: str
    strength: float
    core: list[str]
    parties: list[str]
    spans: list[tuple[int, int]]
    sentences: list[int]
    paragraphs: set[int]
    explicit: bool
    headline_only: bool
    umbrella: bool
    new: bool
    deal: str

    def __init__(self, cand: Candidate) -> None:
        """The event a candidate starts (`start`)."""
        self.type, self.cameo, self.strength = cand.type, cand.cameo, cand.strength
        self.core, self.parties = list(cand.core), list(cand.parties)
        self.spans, self.sentences, self.paragraphs = (
            list(cand.spans),
            [cand.sentence],
            {cand.paragraph},
        )
        self.explicit, self.headline_only = cand.explicit, cand.headline
        self.umbrella, self.new, self.deal = cand.umbrella, cand.new, cand.deal

    @classmethod
    def start(cls, cand: Candidate) -> Event:
        return cls(cand)

    def absorb(self, cand: Candidate, *, evidence: bool = True) -> None:
        """Take `cand` in: its parties (fuller names win), and its sentence as evidence."""
        if evidence:
            self.spans.extend(cand.spans)
            self.sentences.append(cand.sentence)
            self.paragraphs.add(cand.paragraph)
            self.headline_only = self.headline_only and cand.headline
        if not self.core and cand.core:
            self.core = list(cand.core)
        self.deal = self.deal or cand.deal
        # A restatement that names no side in a slot ("The memorandum was signed in Rotterdam
        # during a visit by a delegation from Zhejiang Province") tells where and when: the
        # names it holds are no new sides of an agreement whose two sides are known.
        setting_only = cand.restates and not cand.core and len(self.core) >= 2
        for party in cand.parties:
            same = [i for i, p in enumerate(self.parties) if same_party(party, p)]
            if not same:
                if not setting_only:
                    self.parties.append(party)
            elif len(party) > len(self.parties[same[0]]) and _contains(
                party, self.parties[same[0]]
            ):
                self.parties[same[0]] = party
        if evidence and cand.strength > self.strength:
            self.strength, self.cameo = cand.strength, cand.cameo
        self.explicit = self.explicit or cand.explicit
        self.umbrella = self.umbrella and cand.umbrella


@lru_cache(maxsize=8192)
def _key(name: str) -> str | None:
    for token in normalise_party(name).split():
        if token not in _GENERIC and not is_place(token.title()) and len(token) > 2:
            return token
    return None


@lru_cache(maxsize=16384)
def same_party(a: str, b: str) -> bool:
    """Whether two names plausibly name one party ("Wuxi Municipal Government" / "Wuxi")."""
    na, nb = normalise_party(a), normalise_party(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, long_ = (na, nb) if len(na) <= len(nb) else (nb, na)
    if _HAN.search(short):
        short, long_ = short.replace(" ", ""), long_.replace(" ", "")
        if len(short) >= 2 and short in long_:
            return True
        if _abbreviates(short, long_):
            return True
    elif len(short) >= 3 and f" {short} " in f" {long_} ":
        return True
    ka, kb = _key(a), _key(b)
    return ka is not None and ka == kb


_ADMIN_END = re.compile(r"(?:市|省|县|区|州|镇|乡|盟|旗|政府|委|局|厅|办|署|部|处)$")
_GOVERNMENT_END = re.compile(r"(?:人民政府|省政府|市政府|县政府|区政府|省|市|县)$")


def _named_after(a: str, b: str) -> bool:
    """青川省政府 and 青川钢铁, 北行青川省分行: one name is a place or its government, the
    other a body that only carries the place in its name (a company, a bank's branch), so
    a signing between them is not the place's own (a district or department may be)."""
    na, nb = normalise_party(a), normalise_party(b)
    if na == nb or not _HAN.search(a):
        return False
    (place, short), (other, _) = sorted(((a, na), (b, nb)), key=lambda pair: len(pair[1]))
    government = is_place(short) or _GOVERNMENT_END.search(place) is not None
    return government and _ADMIN_END.search(other) is None


def _abbreviates(short: str, long_: str) -> bool:
    """ "招标集团" for 福建省招标采购集团, "仪科中心" for 仪器科技研究中心: the short form keeps
    the long one's characters in order and its suffix. 南京大学 is not short for 南京工业大学:
    a place and a suffix make a name of its own."""
    if len(short) < 4 or short[-2:] != long_[-2:] or is_place(short[:-2]):
        return False
    rest = iter(long_)
    return all(char in rest for char in short)


def _contains(longer: str, shorter: str) -> bool:
    return normalise_party(shorter) in normalise_party(longer)


def covers(small: list[str], large: list[str], *, bodies: bool = False) -> bool:
    """Every party of `small` is one of `large` (with `bodies`, a body named after a place
    is not that place: two signings, not one)."""
    return all(
        any(same_party(p, q) and not (bodies and _named_after(p, q)) for q in large) for p in small
    )


def overlaps(a: list[str], b: list[str]) -> bool:
    return any(same_party(p, q) for p in a for q in b)


def _joins(event: Event, cand: Candidate) -> bool:
    """Whether `cand` reports the same agreement or step as `event`."""
    if cand.deal and event.deal and cand.deal != event.deal:
        return False  # two titles listed in one sentence: two agreements
    if not cand.parties or not event.parties:
        close = cand.paragraph in event.paragraphs and cand.sentence - event.sentences[-1] <= 2
        if cand.parties:  # a party-less mention takes named parties only from close by
            return not cand.new and (close or event.headline_only)
        return not cand.new and (close or cand.restates or cand.headline or event.headline_only)
    small, large = sorted((cand.parties, event.parties), key=len)
    if covers(small, large, bodies=cand.type == "signing"):
        return True
    if cand.new:
        return False
    if cand.headline or event.headline_only:
        # A headline and the report under it: they share a party, or one names only one side.
        return overlaps(cand.parties, event.parties) or (
            min(len(cand.parties), len(event.parties)) < 2
        )
    return cand.restates and overlaps(cand.parties, event.parties)


def _cluster(cands: list[Candidate]) -> list[Event]:
    events: list[Event] = []
    for cand in cands:
        # An event with parties in common first; a party-less one only failing that.
        named = [e for e in reversed(events) if e.parties]
        target = next((e for e in named if cand.parties and _joins(e, cand)), None)
        if target is None:
            target = next((e for e in reversed(events) if _joins(e, cand)), None)
        if target is None and events and cand.restates and not cand.new:
            target = events[-1]  # "The memorandum was signed by ...": the one just reported
        if target is None:
            events.append(Event.start(cand))
        else:
            target.absorb(cand)
    return events


def _talks(cands: list[Candidate]) -> list[Event]:
    """Talks and intentions of one article: one event, unless two named pairs are disjoint."""
    events: list[Event] = []
    for cand in cands:
        target = next(
            (
                e
                for e in events
                if not (
                    len(e.parties) >= 2
                    and len(cand.parties) >= 2
                    and not overlaps(e.parties, cand.parties)
                )
            ),
            None,
        )
        if target is None:
            events.append(Event.start(cand))
        else:
            target.absorb(cand)
    return events


def _one_ceremony(events: list[Event]) -> list[Event]:
    kept: list[Event] = []
    for event in events:
        target = next((k for k in kept if not event.new or not (k.parties or event.parties)), None)
        if target is None or (event.new and kept):
            kept.append(event)
            continue
        target.spans.extend(event.spans)
        target.sentences.extend(event.sentences)
        target.paragraphs |= event.paragraphs
        for party in event.parties:
            if not any(same_party(party, p) for p in target.parties):
                target.parties.append(party)
    return kept


def merge(cands: list[Candidate]) -> list[Event]:
    """The events an article's candidates (in text order) report."""
    signings = _cluster([c for c in cands if c.type == "signing"])
    specific = [p for e in signings if e.parties and not e.umbrella for p in e.parties]
    if not specific:
        # Only party-less or umbrella mentions: one ceremony, however often it is mentioned,
        # plus any batch reported as a further one.
        signings = _one_ceremony(signings)
    if specific:
        # Umbrella mentions (a batch ceremony, "witnessed several signings") give way to the
        # specific signings, unless they name a party none of those has.
        signings = [
            e
            for e in signings
            if (e.umbrella and e.new)  # "另有14个项目签约": a further batch, counted
            or (e.parties and (not e.umbrella or not covers(e.parties, specific)))
            or (e.deal and not e.umbrella)  # a listed agreement whose title names no side
        ]
    coops = [c for c in cands if c.type == "cooperation"]
    steps = [c for c in coops if c.cameo not in TALK_CODES]
    talks = [c for c in coops if c.cameo in TALK_CODES]
    if signings:
        # A joint thing launched is a step of its own beside the signing; what only restates
        # the signing's parties without a launch is its setting.
        events = signings + _cluster([c for c in steps if c.parties and not c.restates])
    else:
        events = _cluster(steps)
        for event in _talks(talks):
            host = next((e for e in events if overlaps(e.parties, event.parties)), None)
            if (
                host is None
                and len(events) == 1
                and not event.new
                and event.sentences[0] > events[0].sentences[0]
            ):
                host = events[0]  # talks after the one step reported are its setting
            if host is None:
                events.append(event)
    return sorted(events, key=lambda e: e.sentences[0])
