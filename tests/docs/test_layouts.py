"""Each service README's "Layout" section names every module of the service, and names no
module that is gone: a newcomer who reads it finds every file, and a file moved or added
without its line in the README fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["crawler", "classifier", "notifier"]


def layout_section(service: str) -> str:
    readme = (ROOT / "services" / service / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^## Layout\n(.*?)(?=^## )", readme, re.S | re.M)
    assert found, f"services/{service}/README.md has no '## Layout' section"
    return found.group(1)


def modules(service: str) -> list[Path]:
    package = ROOT / "services" / service / "src" / f"pactwatch_{service}"
    return sorted(p.relative_to(package) for p in package.rglob("*.py"))


@pytest.mark.parametrize("service", SERVICES)
def test_every_module_is_named(service: str) -> None:
    section = layout_section(service)
    named = set(re.findall(r"`([^`\s]+)`", section))
    missing = []
    for module in modules(service):
        if module.name == "__init__.py":
            continue  # a package is named by its folder
        if "versions" in module.parts[:-1] and "migrations" in module.parts:
            continue  # Alembic revisions: named together as the migrations folder
        parts = module.parts
        # Named by its path, by its name within a row about its folder, or with its folder.
        candidates = {str(module), module.name, "/".join(parts[-2:])}
        if not candidates & named:
            missing.append(str(module))
    assert missing == [], f"services/{service}/README.md layout does not name {missing}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_named_module_exists(service: str) -> None:
    package = ROOT / "services" / service / "src" / f"pactwatch_{service}"
    files = {p.relative_to(package) for p in package.rglob("*.py")}
    names = {f.name for f in files} | {str(f) for f in files}
    named = {n for n in re.findall(r"`([\w/]+\.py)`", layout_section(service))}
    gone = sorted(n for n in named if n not in names)
    assert gone == [], f"services/{service}/README.md layout names missing modules {gone}"
