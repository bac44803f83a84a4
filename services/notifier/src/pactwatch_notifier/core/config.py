"""Settings from environment variables (prefix `PACTWATCH_NOTIFIER_`), with sane defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pactwatch_schemas import DEAD_LETTER_TOPIC, EVENTS_TOPIC


def _shared(name: str) -> AliasChoices:
    """Accept the service's own variable or the one every service reads."""
    return AliasChoices(f"PACTWATCH_NOTIFIER_{name}", f"PACTWATCH_{name}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PACTWATCH_NOTIFIER_", extra="ignore")

    kafka_bootstrap: str = Field("127.0.0.1:9092", validation_alias=_shared("KAFKA_BOOTSTRAP"))
    events_topic: str = Field(EVENTS_TOPIC, validation_alias=_shared("EVENTS_TOPIC"))
    dead_letter_topic: str = Field(DEAD_LETTER_TOPIC, validation_alias=_shared("DEAD_LETTER_TOPIC"))
    group_id: str = "pactwatch-notifier"
    subscriptions_file: Path = Path("subscriptions.yaml")
    data_dir: Path = Path(".data/notifier")
    http_host: str = "127.0.0.1"
    http_port: int = 8003
    batch_size: int = Field(200, gt=0)
    max_concurrent_deliveries: int = Field(50, gt=0)
    webhook_timeout_seconds: float = Field(15.0, gt=0)
    # Foundation retry policy: a few quick tries, then the dead-letter topic.
    delivery_attempts: int = Field(3, ge=1)
    retry_base_seconds: float = Field(1.0, ge=0)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    smtp_timeout_seconds: float = Field(30.0, gt=0)
    mail_from: str = "Pactwatch <alerts@pactwatch.localhost>"
    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"
