"""Settings from environment variables (prefix `PACTWATCH_CRAWLER_`), with sane defaults."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from pactwatch_runtime import ServiceSettings, shared_env
from pactwatch_schemas import ARTICLES_TOPIC

_shared = shared_env("PACTWATCH_CRAWLER_")


class Settings(ServiceSettings):
    """HTTP_HOST, LOG_LEVEL and LOG_FORMAT come from `ServiceSettings`."""

    model_config = SettingsConfigDict(env_prefix="PACTWATCH_CRAWLER_")

    # Kafka
    kafka_bootstrap: str = Field("127.0.0.1:9092", validation_alias=_shared("KAFKA_BOOTSTRAP"))
    articles_topic: str = Field(ARTICLES_TOPIC, validation_alias=_shared("ARTICLES_TOPIC"))
    # Compacted, keyed by source id: each source's schedule state; its partitions shard sources.
    sources_topic: str = "pactwatch.crawler.sources"
    sources_topic_partitions: int = Field(12, gt=0)
    # Compacted, keyed by article id: every article published, read whole by every replica.
    seen_topic: str = "pactwatch.crawler.seen"
    seen_topic_partitions: int = Field(12, gt=0)
    group_id: str = "pactwatch-crawler"
    # How soon a dead replica's sources move to the others (the broker's minimum is 6 s).
    session_timeout_seconds: float = Field(10.0, ge=6)
    # On SIGTERM, in-flight polls get this long to finish; then they are cancelled (their
    # unacknowledged articles are not marked seen, so they are published again later).
    shutdown_grace_seconds: float = Field(10.0, gt=0)

    # Files and the ops endpoints
    sources_file: Path = Path("sources.yaml")
    data_dir: Path = Path(".data/crawler")
    http_port: int = 8001

    # Schedule: a source starts at its interval_seconds (else the default) and adapts between
    # its min/max bounds (else these).
    default_interval_seconds: float = Field(300.0, gt=0)
    min_interval_seconds: float = Field(60.0, gt=0)
    max_interval_seconds: float = Field(3600.0, gt=0)
    failing_after: int = Field(3, gt=0)  # consecutive failures before a source is "failing"

    # Fetching
    user_agent: str = "PactwatchBot/0.1 (+https://github.com/pactwatch/pactwatch)"
    fetch_timeout_seconds: float = Field(15.0, gt=0)
    max_response_bytes: int = Field(10 * 1024 * 1024, gt=0)
    max_redirects: int = Field(5, ge=0)
    per_host_concurrency: int = Field(1, gt=0)
    per_host_delay_seconds: float = Field(1.0, ge=0)
    global_concurrency: int = Field(64, gt=0)
    robots_ttl_seconds: float = Field(3600.0, gt=0)
    obey_robots: bool = True
    max_entries_per_listing: int = Field(5000, gt=0)
    # Article pages fetched per poll; the rest wait (unseen) for the next polls.
    max_pages_per_poll: int = Field(50, gt=0)
    max_child_sitemaps: int = Field(10, ge=0)

    # Near-duplicates
    near_duplicate_max_distance: int = Field(3, ge=0, le=64)
    near_duplicate_window_days: float = Field(14.0, gt=0)
    near_duplicate_min_chars: int = Field(200, ge=0)  # shorter texts get no fingerprint

    @model_validator(mode="after")
    def _bounds_in_order(self) -> Settings:
        if self.min_interval_seconds > self.max_interval_seconds:
            raise ValueError("min_interval_seconds must not exceed max_interval_seconds")
        return self
