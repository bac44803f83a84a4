"""Settings from environment variables (prefix `PACTWATCH_CRAWLER_`), with sane defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pactwatch_schemas import ARTICLES_TOPIC


def _shared(name: str) -> AliasChoices:
    """Accept the service's own variable or the one every service reads."""
    return AliasChoices(f"PACTWATCH_CRAWLER_{name}", f"PACTWATCH_{name}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PACTWATCH_CRAWLER_", extra="ignore")

    kafka_bootstrap: str = Field("127.0.0.1:9092", validation_alias=_shared("KAFKA_BOOTSTRAP"))
    articles_topic: str = Field(ARTICLES_TOPIC, validation_alias=_shared("ARTICLES_TOPIC"))
    sources_file: Path = Path("sources.yaml")
    data_dir: Path = Path(".data/crawler")
    http_host: str = "127.0.0.1"
    http_port: int = 8001
    default_interval_seconds: float = Field(300.0, gt=0)
    user_agent: str = "PactwatchBot/0.1 (+https://github.com/pactwatch/pactwatch)"
    fetch_timeout_seconds: float = Field(15.0, gt=0)
    max_response_bytes: int = Field(10 * 1024 * 1024, gt=0)
    max_concurrent_fetches: int = Field(16, gt=0)
    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"
