"""`pactwatch-classifier`: run the faust worker with settings from the environment."""

from __future__ import annotations

import faust

from pactwatch_runtime import load_settings, logging_config, tune_gc

from .app import create_app
from .core.config import Settings


def main() -> None:
    settings = load_settings("pactwatch-classifier", Settings)
    app = create_app(settings)
    # mode's Worker handles SIGTERM/SIGINT: it stops the agents, commits, and exits.
    worker = faust.Worker(
        app,
        loglevel=settings.log_level,
        logging_config=logging_config(settings.log_level, settings.log_format),
        quiet=True,
    )
    tune_gc()
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
