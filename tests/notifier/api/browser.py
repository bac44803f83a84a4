"""Headless Chromium (Debian's /usr/bin/chromium) driven through Playwright's Python API;
Playwright never downloads a browser here, it is given the system one."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
#: What Chromium needs to run headless as root in a container, and to stay off the network.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium_page() -> Iterator[Page]:
    """A page in a fresh headless Chromium profile (no cookies, no cache from earlier runs)."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make system-deps`")
    with (
        tempfile.TemporaryDirectory(prefix="pactwatch-chromium-") as profile,
        sync_playwright() as p,
    ):
        context = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        try:
            context.set_default_timeout(20_000)
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
