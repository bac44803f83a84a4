"""`pactwatch-notifier-api`: the subscriptions API under uvicorn; SIGTERM stops it cleanly
(requests under way finish, then exit code 0)."""

from __future__ import annotations

import signal
import sys

import structlog
import uvicorn

from pactwatch_runtime import configure_logging, load_settings

from .config import ApiSettings
from .main import create_app

log = structlog.get_logger("pactwatch.notifier.api")


def main() -> None:
    settings = load_settings("pactwatch-notifier-api", ApiSettings)
    configure_logging(settings.log_level, settings.log_format)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,  # our structlog handlers, not uvicorn's
        access_log=False,  # requests are counted in /metrics
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=10,
    )
    server = uvicorn.Server(config)
    # uvicorn re-raises the signal it caught once it has shut down; with a handler of ours in
    # place that ends in a normal return (exit code 0) instead of death by SIGTERM.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    server.run()
    if not server.started:
        sys.exit(1)  # e.g. the port was taken, or start-up (the database) failed
    sys.exit(0)


if __name__ == "__main__":
    main()
