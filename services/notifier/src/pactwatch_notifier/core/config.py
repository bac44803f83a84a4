"""Settings from environment variables (prefix `PACTWATCH_NOTIFIER_`), with sane defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, HttpUrl, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from pactwatch_runtime import ServiceSettings, shared_env
from pactwatch_schemas import DEAD_LETTER_TOPIC, EVENTS_TOPIC, NOTIFIER_RETRY_TOPIC

from ..addresses import parse_allowlist

_shared = shared_env("PACTWATCH_NOTIFIER_")

#: Standard Webhooks' suggested schedule after the immediate first try: 5 s, 5 min, 30 min,
#: 2 h, 5 h, 10 h, 14 h, 20 h, 24 h (ten attempts over about three days).
DEFAULT_RETRY_SCHEDULE = [5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 50400.0, 72000.0, 86400.0]


class Settings(ServiceSettings):
    """HTTP_HOST, LOG_LEVEL and LOG_FORMAT come from `ServiceSettings`."""

    model_config = SettingsConfigDict(env_prefix="PACTWATCH_NOTIFIER_")

    kafka_bootstrap: str = Field("127.0.0.1:9092", validation_alias=_shared("KAFKA_BOOTSTRAP"))
    events_topic: str = Field(EVENTS_TOPIC, validation_alias=_shared("EVENTS_TOPIC"))
    dead_letter_topic: str = Field(DEAD_LETTER_TOPIC, validation_alias=_shared("DEAD_LETTER_TOPIC"))
    retry_topic: str = NOTIFIER_RETRY_TOPIC
    group_id: str = "pactwatch-notifier"
    subscriptions_file: Path = Path("subscriptions.yaml")
    # Only the default SQLite subscriptions database lives here (nothing with PostgreSQL).
    data_dir: Path = Path(".data/notifier")
    # SQLAlchemy URL of the subscriptions database; default a SQLite file in DATA_DIR.
    # PostgreSQL: postgresql+psycopg://user:password@host:5432/pactwatch
    database_url: str | None = None
    # How often the workers look for new or changed subscriptions in the store.
    subscriptions_refresh_seconds: float = Field(2.0, gt=0)
    # Digests: how often the digest loop looks for due digests; how long a claimed digest
    # belongs to its worker before another one may take it over (a crashed worker).
    digest_check_seconds: float = Field(30.0, gt=0)
    digest_lease_seconds: float = Field(300.0, gt=0)
    # TEST/DEMO ONLY: make every digest period this many seconds (epoch-aligned) instead of
    # an hour or a day, so a test sees a digest go out without waiting an hour.
    digest_period_seconds_override: float | None = Field(None, gt=0)
    # The delivery ledger: a replica's claim on an alert (made right before its send) lasts
    # this long; a claim of a replica that died is taken over when it runs out. At least
    # twice the longest channel timeout, so a send under way never outlives its claim.
    delivery_lease_seconds: float = Field(60.0, gt=0)
    # Who holds a claim (default: host name, process id and a random part).
    replica_id: str | None = Field(None, max_length=200)
    # Kafka consumer group session: how soon the group notices a replica that died (and
    # hands its partitions on); heartbeats every third of it.
    session_timeout_seconds: float = Field(10.0, ge=1)
    # Webhook address guard at send time (DNS rebinding): the addresses a webhook connects
    # to must be public unless these CIDRs cover them (the API's guard, same setting).
    webhook_allowlist: list[str] = Field(default_factory=list)
    # Consecutive permanent failures (4xx, SMTP 5xx) after which a subscription is disabled.
    disable_after_permanent_failures: int = Field(5, ge=1)
    http_port: int = 8003
    batch_size: int = Field(500, gt=0)
    # Event records being worked on at once; past it the events partitions are paused.
    max_in_flight: int = Field(2000, gt=0)
    # Retry records held in memory until due; past it the retry partitions are paused.
    max_held_retries: int = Field(20000, gt=0)
    max_concurrent_deliveries: int = Field(100, gt=0)
    # One endpoint (subscription) never gets more than this many of the slots above.
    max_concurrent_per_subscription: int = Field(50, gt=0)
    commit_interval_seconds: float = Field(0.5, gt=0)
    # On SIGTERM, deliveries under way (and the final commit, and each client's close) get
    # this long; then they are abandoned: not committed, so done again after the restart.
    shutdown_grace_seconds: float = Field(10.0, gt=0)
    # A record whose work raises unexpectedly (a bug, not a receiver or the database away:
    # those are waited out where they happen) is tried this often, pausing 1, 2, 4 … s, then
    # dead-lettered as processing_error so its partition's commits move on.
    record_tries: int = Field(5, ge=1)
    record_retry_pause_seconds: float = Field(1.0, gt=0)
    # How often the consumer group's lag is read from the broker for /metrics.
    lag_interval_seconds: float = Field(15.0, gt=0)
    webhook_timeout_seconds: float = Field(15.0, gt=0)
    # Delays before attempts 2, 3, ...: the number of attempts is 1 + len(schedule).
    retry_schedule_seconds: list[float] = Field(
        default_factory=lambda: list(DEFAULT_RETRY_SCHEDULE)
    )
    retry_jitter: float = Field(0.2, ge=0, lt=1)
    retry_after_max_seconds: float = Field(86400.0, ge=0)
    alert_max_bytes: int = Field(20_000, ge=4000)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    smtp_timeout_seconds: float = Field(30.0, gt=0)
    mail_from: str = "Pactwatch <alerts@pactwatch.localhost>"
    # List-Id is "<subscription>.<list_id_domain>".
    list_id_domain: str = Field("alerts.pactwatch.localhost", pattern=r"^[A-Za-z0-9.-]+$")
    # One-click unsubscribe (RFC 8058): https base URL of the public API and the HMAC secret(s)
    # signing the token; the first signs, all verify (rotation). No URL: no List-Unsubscribe.
    public_base_url: HttpUrl | None = None
    unsubscribe_secrets: list[SecretStr] = Field(default_factory=list)

    @field_validator("retry_schedule_seconds")
    @classmethod
    def _non_negative(cls, value: list[float]) -> list[float]:
        if any(v < 0 for v in value) or len(value) > 48:
            raise ValueError("delays must be >= 0, at most 48 of them")
        return value

    @field_validator("public_base_url")
    @classmethod
    def _https(cls, value: HttpUrl | None) -> HttpUrl | None:
        # http only for a local API (tests, a developer's machine): mail clients refuse it.
        local = value is not None and value.host in ("127.0.0.1", "localhost", "::1", "[::1]")
        if value is not None and value.scheme != "https" and not local:
            raise ValueError("one-click unsubscribe URLs must be https (RFC 8058)")
        return value

    @field_validator("webhook_allowlist")
    @classmethod
    def _cidrs(cls, value: list[str]) -> list[str]:
        parse_allowlist(value)  # raises naming the wrong entry
        return value

    @model_validator(mode="after")
    def _lease_outlives_a_send(self) -> Settings:
        longest = max(self.webhook_timeout_seconds, self.smtp_timeout_seconds)
        if self.delivery_lease_seconds < 2 * longest:
            raise ValueError(
                f"DELIVERY_LEASE_SECONDS ({self.delivery_lease_seconds:g}) must be at least twice"
                f" the longest channel timeout ({longest:g} s): a send under way must never"
                " outlive its claim"
            )
        return self

    @model_validator(mode="after")
    def _unsubscribe_needs_a_secret(self) -> Settings:
        if self.public_base_url is not None and not self.unsubscribe_secrets:
            raise ValueError("PUBLIC_BASE_URL needs UNSUBSCRIBE_SECRETS to sign one-click links")
        if any(len(s.get_secret_value()) < 16 for s in self.unsubscribe_secrets):
            raise ValueError("each unsubscribe secret needs at least 16 characters")
        return self

    @property
    def database_url_resolved(self) -> str:
        """The configured database URL, or the embedded SQLite file in DATA_DIR."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'subscriptions.sqlite3').resolve()}"

    @property
    def max_attempts(self) -> int:
        return 1 + len(self.retry_schedule_seconds)
