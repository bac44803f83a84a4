"""Where the JSON Schema files live, installed or in a source checkout."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_FILES = {
    "article": "article.v1.json",
    "event": "event.v1.json",
    "alert": "alert.v1.json",
    "dead_letter": "dead_letter.v1.json",
    "notifier_retry": "notifier_retry.v1.json",
}


def schema_dir() -> Path:
    """The folder holding the schema files: inside the wheel, or `schemas/json` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "json", here.parents[1] / "json"):
        if (candidate / SCHEMA_FILES["article"]).is_file():
            return candidate
    raise FileNotFoundError("pactwatch JSON Schema files not found next to the package")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The parsed JSON Schema named `article`, `event`, `alert`, `dead_letter` or
    `notifier_retry`."""
    data: dict[str, Any] = json.loads((schema_dir() / SCHEMA_FILES[name]).read_text("utf-8"))
    return data
