"""A service's console entry point: settings, logging, the run, and the exit code.

Every long-running service starts the same way, and a wrong environment variable or a bad
bootstrap file must end in one clear line and exit status 2 (a configuration error an
orchestrator should not restart into), never in a traceback.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, TypeVar

import structlog
from pydantic import ValidationError
from pydantic_settings import BaseSettings

from ._gc import tune_gc
from ._logging import configure_logging
from ._settings import ServiceSettings

B = TypeVar("B", bound=BaseSettings)
S = TypeVar("S", bound=ServiceSettings)

#: A start-up failure the service names: the exception type, the log event, the exit status.
Fatal = Mapping[type[BaseException], tuple[str, int]]


def load_settings(name: str, settings_type: Callable[[], B]) -> B:
    """Read the settings from the environment; on a bad value say which and exit 2."""
    try:
        return settings_type()
    except ValidationError as exc:
        print(f"{name}: bad settings: {exc}", file=sys.stderr)
        sys.exit(2)


def run_service(
    name: str,
    settings_type: Callable[[], S],
    run: Callable[[S], Coroutine[Any, Any, None]],
    fatal: Fatal | None = None,
) -> None:
    """Load the settings, set up logging and run `run(settings)` until it returns.

    An exception of a type in `fatal` is logged as its event (with the error, cut to 1,000
    characters) and ends the process with its status; anything else is a bug and raises.
    """
    settings = load_settings(name, settings_type)
    configure_logging(settings.log_level, settings.log_format)
    tune_gc()
    try:
        asyncio.run(run(settings))
    except tuple(fatal or ()) as exc:
        event, status = next(v for t, v in (fatal or {}).items() if isinstance(exc, t))
        structlog.get_logger(name).error(event, error=str(exc)[:1000])
        sys.exit(status)
