"""Waiting for a condition in tests and demos, with a message that says what never happened."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(
    condition: Callable[[], object], timeout: float, what: str, interval: float = 0.2
) -> None:
    """Poll `condition` until it is truthy; raise `TimeoutError` naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except Exception as exc:  # the thing polled may not be up yet
            last: object = exc
        else:
            last = None
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"not within {timeout}s: {what}" + (f" (last error: {last})" if last else "")
            )
        time.sleep(interval)
