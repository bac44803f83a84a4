"""A source's schedule state: what a replica taking the source over needs to carry on.

Stored as JSON in the compacted sources topic, keyed by source id, written after every poll.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(slots=True)
class SourceState:
    source_id: str
    url: str  # the URL the validators belong to; a changed URL starts afresh
    interval: float  # current adaptive interval, seconds
    next_due: float = 0.0  # Unix time of the next poll; 0 = never polled
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0  # consecutive
    last_success: float | None = None
    last_error: str | None = None
    polls: int = 0
    spacing: float | None = None  # median seconds between the source's recent entries
    extra: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":")).encode()

    @classmethod
    def decode(cls, raw: bytes) -> SourceState | None:
        """The state in `raw`, or None when it is unreadable (an older or foreign record)."""
        try:
            data = json.loads(raw)
            return cls(
                source_id=str(data["source_id"]),
                url=str(data["url"]),
                interval=float(data["interval"]),
                next_due=float(data.get("next_due") or 0.0),
                etag=data.get("etag"),
                last_modified=data.get("last_modified"),
                failures=int(data.get("failures") or 0),
                last_success=data.get("last_success"),
                last_error=data.get("last_error"),
                polls=int(data.get("polls") or 0),
                spacing=data.get("spacing"),
                extra=dict(data.get("extra") or {}),
            )
        except (ValueError, KeyError, TypeError):
            return None
