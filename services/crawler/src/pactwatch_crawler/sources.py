"""The sources file: what to poll, checked at start; errors name the file, source and field."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationError,
    model_validator,
)

SourceKind = Literal["rss", "atom", "html", "sitemap"]


class SourcesFileError(ValueError):
    """The sources file is missing or wrong; the message names the file, source and field."""


class Source(BaseModel):
    """One place to poll.

    `kind` says how to read it: `rss`/`atom` feeds, an `html` listing page whose article
    links are discovered (optionally only those matching `link_selector`), or a `sitemap`
    (including Google News sitemaps). `interval_seconds` is the starting poll interval; the
    schedule adapts between `min_interval_seconds` and `max_interval_seconds`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")]
    url: HttpUrl
    kind: SourceKind = "rss"
    interval_seconds: Annotated[float, Field(gt=0)] | None = None
    min_interval_seconds: Annotated[float, Field(gt=0)] | None = None
    max_interval_seconds: Annotated[float, Field(gt=0)] | None = None
    language: Annotated[str, StringConstraints(max_length=16)] | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    # CSS selector for article links on an `html` listing page (e.g. "ul.news a").
    link_selector: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    # Fetch each new article's page for its main text (feeds that carry the full text skip it).
    fetch_pages: bool = True

    @model_validator(mode="after")
    def _bounds_in_order(self) -> Source:
        low, high = self.min_interval_seconds, self.max_interval_seconds
        if low is not None and high is not None and low > high:
            raise ValueError("min_interval_seconds must not exceed max_interval_seconds")
        if self.link_selector is not None and self.kind != "html":
            raise ValueError("link_selector only applies to kind 'html'")
        return self


def load_sources(path: Path) -> list[Source]:
    """Read and validate the sources file. Raises `SourcesFileError` with a precise message."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SourcesFileError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise SourcesFileError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), list):
        raise SourcesFileError(f"{path}: expected a mapping with a 'sources' list")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw["sources"]):
        name = entry.get("id", f"#{index + 1}") if isinstance(entry, dict) else f"#{index + 1}"
        try:
            source = Source.model_validate(entry)
        except ValidationError as exc:
            problems = "; ".join(
                f"field '{'.'.join(str(p) for p in e['loc']) or '(entry)'}': {e['msg']}"
                for e in exc.errors()
            )
            raise SourcesFileError(f"{path}: source {name}: {problems}") from None
        if source.id in seen:
            raise SourcesFileError(f"{path}: source {source.id}: field 'id': duplicate id")
        seen.add(source.id)
        sources.append(source)
    return sources
