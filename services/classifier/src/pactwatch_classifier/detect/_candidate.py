"""The per-sentence finding that the rules hand to the merger."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._model import EventType


@dataclass(slots=True)
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
    spans: list[tuple[int, int]] = field(default_factory=list)
    paragraph: int = 0
    sentence: int = 0
    explicit: bool = True  # an agreement noun or a concrete step was named
    headline: bool = False  # the article's headline line
    restates: bool = False  # a definite reference: "the agreement", 该协议, 此次签约
    new: bool = False  # "also", "another", 同时, 还与: a further agreement
    umbrella: bool = False  # a batch ceremony or "several signings": specific ones win
    deal: str = ""  # the agreement's title, when a sentence lists several by title
