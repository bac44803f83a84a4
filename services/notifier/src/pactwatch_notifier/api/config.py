"""Settings of the subscriptions API process (prefix `PACTWATCH_NOTIFIER_API_`), plus the
names it shares with the delivery workers (database, SMTP, Kafka, link secrets)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from pactwatch_schemas import DEAD_LETTER_TOPIC, NOTIFIER_RETRY_TOPIC


def _worker(name: str) -> AliasChoices:
    """A variable the workers read too: `PACTWATCH_NOTIFIER_<name>` (or `PACTWATCH_<name>`)."""
    return AliasChoices(
        f"PACTWATCH_NOTIFIER_API_{name}", f"PACTWATCH_NOTIFIER_{name}", f"PACTWATCH_{name}"
    )


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PACTWATCH_NOTIFIER_API_", extra="ignore", populate_by_name=True
    )

    host: str = "127.0.0.1"
    port: int = Field(8004, ge=0, le=65535)
    # Operator bearer tokens (JSON list); empty means every operator call is refused.
    tokens: list[SecretStr] = Field(default_factory=list)
    # Signs the confirmation links (itsdangerous). Without it the first unsubscribe secret does.
    secret: SecretStr | None = None
    # Shared with the workers: they sign the one-click unsubscribe / manage links in alert
    # emails with the first; all of them verify (rotation).
    unsubscribe_secrets: list[SecretStr] = Field(
        default_factory=list, validation_alias=_worker("UNSUBSCRIBE_SECRETS")
    )
    # Where people reach this API: the links in emails start with it.
    public_base_url: str = "http://127.0.0.1:8004"
    # CIDRs (or single addresses) a webhook may point at despite being private/loopback.
    webhook_allowlist: list[str] = Field(
        default_factory=list, validation_alias=_worker("WEBHOOK_ALLOWLIST")
    )
    # Public endpoints, per client IP (`limits` notation, e.g. "10/minute;100/hour").
    rate_limit: str = "10/minute"
    # `memory://` (per process) or e.g. `redis://host:6379` to share counts between replicas.
    rate_limit_storage: str = "memory://"
    # Client addresses trusted to set X-Forwarded-For (uvicorn's forwarded_allow_ips).
    forwarded_allow_ips: str = "127.0.0.1"
    confirm_max_age_seconds: int = Field(3 * 86400, gt=0)
    dead_letters_max: int = Field(500, gt=0, le=10_000)

    data_dir: Path = Field(Path(".data/notifier"), validation_alias=_worker("DATA_DIR"))
    database_url: str | None = Field(None, validation_alias=_worker("DATABASE_URL"))
    kafka_bootstrap: str = Field("127.0.0.1:9092", validation_alias=_worker("KAFKA_BOOTSTRAP"))
    dead_letter_topic: str = Field(DEAD_LETTER_TOPIC, validation_alias=_worker("DEAD_LETTER_TOPIC"))
    retry_topic: str = Field(NOTIFIER_RETRY_TOPIC, validation_alias=_worker("RETRY_TOPIC"))
    smtp_host: str = Field("127.0.0.1", validation_alias=_worker("SMTP_HOST"))
    smtp_port: int = Field(25, validation_alias=_worker("SMTP_PORT"))
    smtp_username: str | None = Field(None, validation_alias=_worker("SMTP_USERNAME"))
    smtp_password: SecretStr | None = Field(None, validation_alias=_worker("SMTP_PASSWORD"))
    smtp_tls: Literal["none", "starttls", "tls"] = Field(
        "none", validation_alias=_worker("SMTP_TLS")
    )
    smtp_timeout_seconds: float = Field(
        30.0, gt=0, validation_alias=_worker("SMTP_TIMEOUT_SECONDS")
    )
    mail_from: str = Field(
        "Pactwatch <alerts@pactwatch.localhost>", validation_alias=_worker("MAIL_FROM")
    )
    webhook_timeout_seconds: float = Field(
        15.0, gt=0, validation_alias=_worker("WEBHOOK_TIMEOUT_SECONDS")
    )
    log_level: str = Field("INFO", validation_alias=_worker("LOG_LEVEL"))
    log_format: Literal["json", "console"] = Field("json", validation_alias=_worker("LOG_FORMAT"))

    @field_validator("public_base_url")
    @classmethod
    def _web_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("PUBLIC_BASE_URL must be an http(s) URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _secrets(self) -> ApiSettings:
        if not self.link_secrets:
            raise ValueError(
                "set PACTWATCH_NOTIFIER_UNSUBSCRIBE_SECRETS (shared with the workers) or "
                "PACTWATCH_NOTIFIER_API_SECRET: they sign the links in emails"
            )
        if any(len(s) < 16 for s in self.link_secrets):
            raise ValueError("each link secret needs at least 16 characters")
        return self

    @property
    def link_secrets(self) -> list[str]:
        """Every secret that verifies a link; the first signs the links the API makes."""
        own = [self.secret.get_secret_value()] if self.secret is not None else []
        return own + [s.get_secret_value() for s in self.unsubscribe_secrets]

    @property
    def database_url_resolved(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'subscriptions.sqlite3'}"
