"""Result types of the detector.

They are frozen, slotted dataclasses rather than pydantic models on purpose: the detector is
pure logic that runs thousands of times a second, and the Kafka service maps these to its own
schema types at the edge. `to_dict` gives JSON-ready values (lists, not tuples) so the CLI and
the service serialise the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

EventType = Literal["signing", "cooperation"]
Label = Literal["signing", "cooperation", "none"]


class InvalidArticle(ValueError):
    """Raised for input that cannot be classified at all (wrong types, binary data)."""


@dataclass(frozen=True, slots=True)
class Amount:
    """A money amount normalised to a plain number and an ISO 4217 currency code."""

    value: int | float
    currency: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "currency": self.currency}


@dataclass(frozen=True, slots=True)
class Detection:
    """One signing or cooperation event found in an article, with the evidence for it."""

    type: EventType
    cameo: str
    confidence: float
    parties: tuple[str, ...]
    party_keys: tuple[str, ...]  # one normalised key per party, in the same order
    evidence: str
    evidence_spans: tuple[tuple[int, int], ...]
    locations: tuple[str, ...]
    amount: Amount | None
    date: str | None
    sectors: tuple[str, ...]
    fingerprint: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "cameo": self.cameo,
            "confidence": self.confidence,
            "parties": list(self.parties),
            "party_keys": list(self.party_keys),
            "evidence": self.evidence,
            "evidence_spans": [list(span) for span in self.evidence_spans],
            "locations": list(self.locations),
            "amount": self.amount.to_dict() if self.amount is not None else None,
            "date": self.date,
            "sectors": list(self.sectors),
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True, slots=True)
class Classification:
    """The verdict on one article: the strongest event type and every event found."""

    label: Label
    language: str
    events: tuple[Detection, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "language": self.language,
            "events": [event.to_dict() for event in self.events],
        }
