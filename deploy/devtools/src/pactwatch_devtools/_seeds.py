"""The example articles the project was created from, with the labels they must get."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SEEDS_DIR = Path(__file__).resolve().parents[4].parent / "shared" / "seeds"


def load_seeds(folder: Path = SEEDS_DIR) -> list[dict[str, Any]]:
    """Seed articles as dicts: name, title, text, and the expected labels.

    The files are raw page text; the title is taken as the first line of six words or
    more with no run-together word (over 20 letters), which skips navigation crumbs
    like "Log in" or "Breaking news" and glued menu bars.
    """
    labels = json.loads((folder / "labels.json").read_text("utf-8"))
    seeds = []
    for name, expected in sorted(labels.items()):
        if name.startswith("_"):
            continue
        lines = (folder / name).read_text("utf-8").strip().splitlines()
        title = next((line.strip() for line in lines if _looks_like_title(line.split())), lines[0])
        seeds.append({"name": name, "title": title, "text": "\n".join(lines), **expected})
    return seeds


def _looks_like_title(words: list[str]) -> bool:
    return len(words) >= 6 and max(len(w) for w in words) <= 20
