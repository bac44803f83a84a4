"""The sources file: which feeds to poll, validated at start with errors that point at the line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StringConstraints, ValidationError


class SourcesFileError(ValueError):
    """The sources file is missing or wrong; the message names the file, source and field."""


class Source(BaseModel):
    """One place to poll."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")]
    url: HttpUrl
    kind: Literal["rss", "atom"] = "rss"
    interval_seconds: Annotated[float, Field(gt=0)] | None = None
    language: Annotated[str, StringConstraints(max_length=16)] | None = None
    tags: dict[str, str] = Field(default_factory=dict)


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
