"""The settings every service reads the same way, on top of pydantic-settings.

Each service reads environment variables under its own prefix (`PACTWATCH_CRAWLER_…`); a few
that every service needs alike (the broker, the topics) may also be given once, unprefixed
(`PACTWATCH_KAFKA_BOOTSTRAP`), so one line configures a whole deployment.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import AliasChoices
from pydantic_settings import BaseSettings, SettingsConfigDict

from ._logging import LogFormat


def shared_env(prefix: str) -> Callable[[str], AliasChoices]:
    """For a service with env prefix `prefix` (`"PACTWATCH_CRAWLER_"`), a function naming a
    setting's two variables: `aliases("KAFKA_BOOTSTRAP")` accepts
    `PACTWATCH_CRAWLER_KAFKA_BOOTSTRAP`, else `PACTWATCH_KAFKA_BOOTSTRAP`."""

    def aliases(name: str) -> AliasChoices:
        return AliasChoices(f"{prefix}{name}", f"PACTWATCH_{name}")

    return aliases


class ServiceSettings(BaseSettings):
    """Base of a service's settings: subclass it with the service's `env_prefix`.

    Unknown variables are ignored, not refused: one environment (a compose file, a
    ConfigMap) carries every service's variables, and each reads its own.
    """

    model_config = SettingsConfigDict(extra="ignore")

    # Where `/metrics`, `/healthz` and `/readyz` listen (the port is the service's own).
    http_host: str = "127.0.0.1"
    log_level: str = "INFO"
    # `console` renders readable lines for a person at a terminal.
    log_format: LogFormat = "json"
