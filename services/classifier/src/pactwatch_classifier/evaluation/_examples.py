"""Labelled articles, read from the three places they live.

* The repository corpus (`tests/classifier/corpus/*.jsonl`): articles written for the
  repository, one per line, with `expected` = {label, accept, events, parties}.
* The shared seeds (`../shared/seeds/`): `*.txt` articles with `labels.json`, whose
  expectations are the older partial form (parties_any, min_signings): checked as written.
* The real development set: third-party articles whose texts stay outside the repository
  (a JSON Lines file of {url, title, text}), joined by URL to the facts the repository keeps
  about them (`tests/classifier/real/sources.jsonl`: label, events, gold parties, no text).

A gold party is a name with its aliases, spelled as in the article.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

LABELS = ("signing", "cooperation", "none")


class CorpusError(ValueError):
    """A labelled file that cannot be read: names the file, the line and what is wrong."""


@dataclass(frozen=True, slots=True)
class GoldParty:
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled article. `events` and `parties` are None where the labels are partial
    (the seeds): such an example counts for label measures only, and `parties_any` /
    `min_signings` are checked instead."""

    id: str
    title: str
    text: str
    published_at: datetime | None
    label: str
    accept: tuple[str, ...]
    language: str
    script: str
    kind: str
    events: int | None
    parties: tuple[GoldParty, ...] | None
    parties_any: tuple[str, ...] = ()
    min_signings: int = 0
    source: str = ""

    @property
    def positive(self) -> bool:
        return self.label != "none"


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _language(text: str) -> str:
    han = sum(1 for ch in text[:2000] if "\u4e00" <= ch <= "\u9fff")
    return "zh" if han >= 20 else "en"


def _parties(raw: Any, where: str) -> tuple[GoldParty, ...]:
    if not isinstance(raw, list):
        raise CorpusError(f"{where}: parties must be a list")
    out = []
    for item in raw:
        if isinstance(item, str):
            out.append(GoldParty(item))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            out.append(GoldParty(item["name"], tuple(str(a) for a in item.get("aliases", ()))))
        else:
            raise CorpusError(f"{where}: a party is a name or {{name, aliases}}, not {item!r}")
    return tuple(out)


def _expectations(expected: dict[str, Any], where: str) -> dict[str, Any]:
    label = expected.get("label")
    if label not in LABELS:
        raise CorpusError(f"{where}: label must be one of {LABELS}, not {label!r}")
    accept = tuple(expected.get("accept", ()))
    events = expected.get("events")
    parties = expected.get("parties")
    if events is not None and (not isinstance(events, int) or events < 0):
        raise CorpusError(f"{where}: events must be a count, not {events!r}")
    if events is not None and (label == "none") != (events == 0):
        raise CorpusError(f"{where}: a {label} article cannot report {events} events")
    return {
        "label": label,
        "accept": accept,
        "events": events,
        "parties": _parties(parties, where) if parties is not None else None,
        "parties_any": tuple(expected.get("parties_any", ())),
        "min_signings": int(expected.get("min_signings", 0)),
    }


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path}:{number}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise CorpusError(f"{path}:{number}: a line must hold a JSON object")
            yield number, record


def load_corpus(folder: Path) -> list[Example]:
    """Every record of every `*.jsonl` file in `folder`, sorted by file name."""
    examples: list[Example] = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, record in _lines(path):
            where = f"{path.name}:{number}"
            expected = _expectations(record.get("expected") or {}, where)
            text = record["text"]
            examples.append(
                Example(
                    id=str(record["id"]),
                    title=record.get("title", ""),
                    text=text,
                    published_at=_time(record.get("published_at")),
                    language=record.get("language") or _language(record.get("title", "") + text),
                    script=record.get("script", ""),
                    kind=record.get("kind", ""),
                    source=where,
                    **expected,
                )
            )
    return examples


def load_seeds(folder: Path) -> list[Example]:
    """The shared seed articles with their (partial) labels from `labels.json`."""
    labels_path = folder / "labels.json"
    if not labels_path.is_file():
        return []
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    examples: list[Example] = []
    for name, expected in sorted(labels.items()):
        if name.startswith("_") or not (folder / name).is_file():
            continue
        text = (folder / name).read_text(encoding="utf-8")
        title = next((line.strip() for line in text.splitlines() if line.strip()), "")
        fields = _expectations(expected, name)
        fields["events"] = fields["parties"] = None  # the seeds' labels are partial
        examples.append(
            Example(
                id=f"seed:{name}",
                title=title,
                text=text,
                published_at=None,
                language=_language(text),
                script="",
                kind="",
                source=str(folder / name),
                **fields,
            )
        )
    return examples


def load_real(texts: Path, facts: Path) -> list[Example]:
    """The real development set: texts (outside the repository) joined by URL to facts.

    A fact without a text is an error (the set would silently shrink); a text without a fact
    is ignored (a texts file may hold more than one set).
    """
    by_url: dict[str, dict[str, Any]] = {}
    for number, record in _lines(texts):
        url = record.get("url")
        if not isinstance(url, str) or not isinstance(record.get("text"), str):
            raise CorpusError(f"{texts}:{number}: a text line needs url and text")
        by_url[url] = record
    examples: list[Example] = []
    missing: list[str] = []
    for number, fact in _lines(facts):
        where = f"{facts.name}:{number}"
        article = by_url.get(fact.get("url", ""))
        if article is None:
            missing.append(str(fact.get("url")))
            continue
        expected = _expectations(fact, where)
        examples.append(
            Example(
                id=fact["url"],
                title=article.get("title", ""),
                text=article["text"],
                published_at=_time(article.get("published_at")),
                language=fact.get("language") or _language(article["text"]),
                script=fact.get("script", ""),
                kind=fact.get("kind", ""),
                source=where,
                **expected,
            )
        )
    if missing:
        raise CorpusError(
            f"{len(missing)} articles of {facts} have no text in {texts}, e.g. {missing[0]}"
        )
    return examples
