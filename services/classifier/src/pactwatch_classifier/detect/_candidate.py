"""The per-sentence finding that the rules hand to the merger."""

from __future__ import annotations

from dataclasses import dataclass

from ._model import EventType


# Made for every reading of a sentence: an `__init__` of its own is compiled with the module
# (mypyc), where the one dataclasses writes is not.
@dataclass(slots=True, init=False)
class Candidate:
    """One sentence's evidence for an event, before merging and enrichment.

    `core` are the parties found in grammatical slots (subject, "with" object, "between X and
    Y"); they feed the fingerprint. `parties` adds names found elsewhere in the sentence when
    the slots were empty.
    """

    type: EventType
    cameo: str
    strength: float
    core: list[str]
    parties: list[str]
    spans: list[tuple[int, int]]
    paragraph: int = 0
    sentence: int = 0
    explicit: bool = True  # an agreement noun or a concrete step was named
    headline: bool = False  # the article's headline line
    restates: bool = False  # a definite reference: "the agreement", 该协议, 此次签约
    new: bool = False  # "also", "another", 同时, 还与: a further agreement
    umbrella: bool = False  # a batch ceremony or "several signings": specific ones win
    deal: str = ""  # the agreement's title, when a sentence lists several by title

    def __init__(
        self,
        type: EventType,
        cameo: str,
        strength: float,
        core: list[str],
        parties: list[str],
        *,
        explicit: bool = True,
        new: bool = False,
        umbrella: bool = False,
        deal: str = "",
    ) -> None:
        self.type, self.cameo, self.strength = type, cameo, strength
        self.core, self.parties, self.spans = core, parties, []
        self.paragraph = self.sentence = 0
        self.explicit, self.headline, self.restates = explicit, False, False
        self.new, self.umbrella, self.deal = new, umbrella, deal
