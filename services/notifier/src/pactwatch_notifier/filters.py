"""Does a subscriber want this event? A pure function of the subscription's filters and the
event (with its article), fast enough to run for 10,000 subscriptions per event.

What each filter list is matched against (all case-insensitive; include lists need one hit,
exclude lists reject on any hit, empty lists constrain nothing):

| filter                  | matched against                                                  |
|-------------------------|------------------------------------------------------------------|
| event_types             | event.type                                                       |
| min_confidence          | event.confidence >= min_confidence                               |
| parties(_exclude)       | each of event.parties                                            |
| regions(_exclude)       | event.locations and the article's source_tags["region"]          |
| sectors(_exclude)       | event.sectors and the article's source_tags["sector"]            |
| keywords(_exclude)      | the article title and the event's evidence text                  |
| languages               | the article's language (else the event's); "zh" takes "zh-CN"    |
| source_ids              | article.source_id, exactly                                       |
| source_tags             | article.source_tags: every named tag has one of its values       |

Terms match as words in Latin script ("port" does not hit "Portugal", "Wuxi" hits "Wuxi
Municipal Government") and as substrings in CJK text, which has no spaces ("签约" hits
"无锡市政府与辉瑞签约").

    compiled = CompiledFilter.compile(filters)   # once per subscription (see FilterCache)
    view = EventView.of(event)                   # once per event
    compiled.matches(view)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from pactwatch_schemas import Event

from .models import Filters

# Characters that make a Latin term part of a longer word: letters (with accents) and digits.
_WORDCHAR = "0-9a-z\u00c0-\u024f"
_LATIN_EDGE = re.compile(f"[{_WORDCHAR}]")
_SEP = "\n"  # joins several values into one haystack; no term contains it


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for a list of terms (alternation), or None for an empty list."""
    parts = []
    for raw in terms:
        term = " ".join(raw.casefold().split())
        if not term:
            continue
        body = re.escape(term).replace(r"\ ", r"[^\S\n]+")  # not across values
        # Word boundaries only on the edges that are Latin letters or digits.
        start = f"(?<![{_WORDCHAR}])" if _LATIN_EDGE.match(term[0]) else ""
        end = f"(?![{_WORDCHAR}])" if _LATIN_EDGE.match(term[-1]) else ""
        parts.append(f"{start}{body}{end}")
    if not parts:
        return None
    return re.compile("|".join(sorted(set(parts), key=len, reverse=True)))


def _language_tags(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(v.casefold() for v in values)


class EventView:
    """The parts of an event the filters look at, case-folded once per event and only when a
    filter asks (most subscriptions check the type and confidence only)."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.type: str = event.type
        self.confidence: float = event.confidence

    @classmethod
    def of(cls, event: Event) -> EventView:
        return cls(event)

    @staticmethod
    def _joined(values: Iterable[str]) -> str:
        return _SEP.join(v.casefold() for v in values if v)

    @cached_property
    def source_tags(self) -> dict[str, str]:
        return {k.casefold(): v.casefold() for k, v in self.event.article.source_tags.items()}

    @cached_property
    def parties(self) -> str:
        return self._joined(self.event.parties)

    @cached_property
    def regions(self) -> str:
        return self._joined([*self.event.locations, self.source_tags.get("region", "")])

    @cached_property
    def sectors(self) -> str:
        return self._joined([*self.event.sectors, self.source_tags.get("sector", "")])

    @cached_property
    def text(self) -> str:
        return self._joined([self.event.article.title, self.event.evidence])

    @cached_property
    def language(self) -> str:
        return (self.event.article.language or self.event.language or "").casefold()

    @cached_property
    def source_id(self) -> str:
        return self.event.article.source_id.casefold()


@dataclass(frozen=True, slots=True)
class CompiledFilter:
    """A subscription's filters, ready to match (regexes built once)."""

    event_types: frozenset[str]
    min_confidence: float
    parties: re.Pattern[str] | None
    parties_exclude: re.Pattern[str] | None
    regions: re.Pattern[str] | None
    regions_exclude: re.Pattern[str] | None
    sectors: re.Pattern[str] | None
    sectors_exclude: re.Pattern[str] | None
    keywords: re.Pattern[str] | None
    keywords_exclude: re.Pattern[str] | None
    languages: tuple[str, ...]
    source_ids: frozenset[str]
    source_tags: tuple[tuple[str, frozenset[str]], ...]
    # (include, exclude, EventView attribute) of the text lists that are not empty
    text_checks: tuple[tuple[re.Pattern[str] | None, re.Pattern[str] | None, str], ...]

    @classmethod
    def compile(cls, filters: Filters) -> CompiledFilter:
        checks = (
            (_pattern(filters.parties), _pattern(filters.parties_exclude), "parties"),
            (_pattern(filters.regions), _pattern(filters.regions_exclude), "regions"),
            (_pattern(filters.sectors), _pattern(filters.sectors_exclude), "sectors"),
            (_pattern(filters.keywords), _pattern(filters.keywords_exclude), "text"),
        )
        return cls(
            event_types=frozenset(filters.event_types),
            min_confidence=filters.min_confidence,
            parties=checks[0][0],
            parties_exclude=checks[0][1],
            regions=checks[1][0],
            regions_exclude=checks[1][1],
            sectors=checks[2][0],
            sectors_exclude=checks[2][1],
            keywords=checks[3][0],
            keywords_exclude=checks[3][1],
            languages=_language_tags(filters.languages),
            source_ids=frozenset(s.casefold() for s in filters.source_ids),
            source_tags=tuple(
                (name.casefold(), frozenset(v.casefold() for v in values))
                for name, values in sorted(filters.source_tags.items())
                if values
            ),
            text_checks=tuple(c for c in checks if c[0] is not None or c[1] is not None),
        )

    def matches(self, view: EventView) -> bool:
        """Cheap checks first, the regexes last."""
        if view.type not in self.event_types or view.confidence < self.min_confidence:
            return False
        if self.source_ids and view.source_id not in self.source_ids:
            return False
        if self.languages and not any(
            view.language == lang or view.language.startswith(lang + "-") for lang in self.languages
        ):
            return False
        for name, accepted in self.source_tags:
            if view.source_tags.get(name) not in accepted:
                return False
        for include, exclude, part in self.text_checks:
            haystack: str = getattr(view, part)
            if include is not None and include.search(haystack) is None:
                return False
            if exclude is not None and exclude.search(haystack) is not None:
                return False
        return True


def matches(filters: Filters, event: Event) -> bool:
    """Whether a subscription with `filters` wants `event` (compiles on every call: the
    workers use `FilterCache` and `EventView` to do the work once)."""
    return CompiledFilter.compile(filters).matches(EventView.of(event))


class FilterCache:
    """Compiled filters by subscription id, rebuilt when the subscription's `updated_at`
    changes."""

    def __init__(self) -> None:
        self._compiled: dict[str, tuple[datetime, CompiledFilter]] = {}

    def get(self, sub_id: str, updated_at: datetime, filters: Filters) -> CompiledFilter:
        hit = self._compiled.get(sub_id)
        if hit is not None and hit[0] == updated_at:
            return hit[1]
        compiled = CompiledFilter.compile(filters)
        self._compiled[sub_id] = (updated_at, compiled)
        return compiled

    def forget(self, sub_id: str) -> None:
        self._compiled.pop(sub_id, None)

    def __len__(self) -> int:
        return len(self._compiled)
