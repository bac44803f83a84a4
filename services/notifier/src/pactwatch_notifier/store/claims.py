"""The delivery ledger's rules, as pure functions: may this replica make this attempt now?

A ledger row per alert (subscription, event, and for an `updates: true` subscription the
article) says where the alert is:

- `claimed`: a replica (`claimed_by`) is attempting it until `lease_until`; nobody else may
  send it meanwhile. A claim whose lease ran out belongs to a replica that died (or hung):
  the next one takes it over.
- `sent`: a receiver accepted it. Final: nothing is sent for it again.
- `failed`: attempt `attempt` of retry chain `chain` failed and its outcome (a retry record,
  a dead letter) is durable; a later attempt (or another chain, e.g. a replay) may claim it,
  a replay of that same attempt may not.
- `released`: a replica gave a claim back without sending (its partition was revoked, or it
  stopped); anyone may claim it at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from pactwatch_schemas import ArticleRef, limits

State = Literal["claimed", "sent", "failed", "released"]


@dataclass(frozen=True, slots=True, order=True)
class AlertKey:
    """One alert: a subscription and an event, and for a subscription that wants updates the
    article reporting it (it gets one alert per article); `article_id` is "" otherwise."""

    subscription_id: str
    event_id: str
    article_id: str = ""

    def columns(self) -> tuple[str, str, str]:
        """The key in the order of the ledger's primary-key columns (bound parameters)."""
        return (self.subscription_id, self.event_id, self.article_id)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """What the ledger holds about one alert."""

    state: State
    claimed_by: str | None
    lease_until: datetime | None
    chain: str  # the last attempt handed on ("" and 0: none yet)
    attempt: int


@dataclass(frozen=True, slots=True)
class ClaimRequest:
    """A replica wants to make attempt `attempt` of chain `chain` for `alert`; `first` is the
    event's article (the head of the alert's sources)."""

    alert: AlertKey
    first: ArticleRef
    chain: str
    attempt: int


@dataclass(frozen=True, slots=True)
class Go:
    """The claim is this replica's: send. `update`: an earlier article's alert for this event
    went out already (an update alert); `sources`: the event's articles, its own first."""

    update: bool
    sources: list[ArticleRef]


@dataclass(frozen=True, slots=True)
class Busy:
    """Another attempt holds a live claim: ask again in `retry_in` seconds (it is sent by
    then, or failed, or its lease has run out)."""

    retry_in: float


class Skip:
    """Nothing to do: the alert was sent, or this attempt was handed on already."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SKIP"


SKIP = Skip()
Claim = Go | Busy | Skip
Decision = Literal["claim", "busy", "skip"]

#: How long a replica waits at most before asking about a busy claim again.
BUSY_POLL_SECONDS = 0.5


def decide(row: LedgerRow | None, chain: str, attempt: int, at: datetime) -> Decision:
    """May attempt `attempt` of `chain` be made at `at`, given the alert's row?"""
    if row is None:
        return "claim"
    if row.state == "sent":
        return "skip"
    if row.state == "claimed" and row.lease_until is not None and row.lease_until > at:
        return "busy"  # also when it is this replica's own: that attempt is under way
    if row.chain == chain and attempt <= row.attempt:
        return "skip"  # this attempt (or a later one) of the chain was handed on already
    return "claim"  # new, failed before, released, or a dead replica's claim


def busy_for(row: LedgerRow, at: datetime) -> float:
    """Seconds to wait before asking about a busy claim again."""
    assert row.lease_until is not None
    left = (row.lease_until - at).total_seconds()
    return max(0.05, min(BUSY_POLL_SECONDS, left))


def lease_end(at: datetime, lease_seconds: float) -> datetime:
    return at + timedelta(seconds=lease_seconds)


# -- one batch: what the workers ask, what the ledger answers ---------------------------
@dataclass(frozen=True, slots=True)
class Outcome:
    """After an attempt: `sent` (accepted), `failed` (attempt `attempt` of `chain` handed on
    to a retry record or a dead letter) or `released` (given back unsent)."""

    alert: AlertKey
    state: Literal["sent", "failed", "released"]
    chain: str = ""
    attempt: int = 0
    channel: str | None = None


@dataclass
class LedgerBatch:
    outcomes: list[Outcome] = field(default_factory=list)
    sources: list[tuple[str, ArticleRef]] = field(default_factory=list)
    claims: list[ClaimRequest] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.outcomes) + len(self.sources) + len(self.claims)


@dataclass
class BatchResult:
    claims: list[Claim]  # one per request, in order


def unique_sources(
    sources: list[tuple[str, ArticleRef]],
) -> list[tuple[tuple[str, str], ArticleRef]]:
    """A batch's sources once each, by (event, article): the order they are stored in."""
    unique = {(event_id, ref.id): ref for event_id, ref in sources}
    return sorted(unique.items(), key=lambda kv: kv[0])


def first_requests(requests: list[ClaimRequest]) -> dict[AlertKey, ClaimRequest]:
    """Each alert's first request in a batch (`answers` gives the others "busy")."""
    first: dict[AlertKey, ClaimRequest] = {}
    for request in requests:
        first.setdefault(request.alert, request)
    return first


def gos(
    granted: list[ClaimRequest],
    refs: dict[str, list[tuple[str, str]]],
    sent_before: set[tuple[str, str]],
) -> dict[AlertKey, Go]:
    """The claims granted, given each event's stored sources (article id, ref as JSON) and
    the (subscription, event) pairs sent before: an update alert or not, and its sources."""
    result: dict[AlertKey, Go] = {}
    for r in granted:
        others = [ref for a, ref in refs.get(r.alert.event_id, []) if a != r.first.id]
        sources = [
            r.first,
            *map(ArticleRef.model_validate_json, others[: limits.MAX_ALERT_SOURCES - 1]),
        ]
        update_alert = (r.alert.subscription_id, r.alert.event_id) in sent_before
        result[r.alert] = Go(update_alert and bool(r.alert.article_id), sources)
    return result


def answers(requests: list[ClaimRequest], outcome: dict[AlertKey, Claim]) -> list[Claim]:
    """One answer per request, in order; the same alert asked twice in one batch gets its
    answer once (the other asks again shortly)."""
    results: list[Claim] = []
    answered: set[AlertKey] = set()
    for request in requests:
        if request.alert in answered:
            results.append(Busy(BUSY_POLL_SECONDS))
            continue
        answered.add(request.alert)
        results.append(outcome.get(request.alert, Busy(BUSY_POLL_SECONDS)))
    return results
