"""Classifier test configuration (the root pyproject also registers the markers)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "unit: fast tests of pure logic, no I/O beyond files")
