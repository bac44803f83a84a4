"""Settings from environment variables (prefix `PACTWATCH_CLASSIFIER_`), with sane defaults."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from pactwatch_runtime import ServiceSettings, shared_env
from pactwatch_schemas import ARTICLES_TOPIC, DEAD_LETTER_TOPIC, EVENTS_TOPIC

_shared = shared_env("PACTWATCH_CLASSIFIER_")


class Settings(ServiceSettings):
    """HTTP_HOST, LOG_LEVEL and LOG_FORMAT come from `ServiceSettings`."""

    model_config = SettingsConfigDict(env_prefix="PACTWATCH_CLASSIFIER_")

    kafka_bootstrap: str = Field("127.0.0.1:9092", validation_alias=_shared("KAFKA_BOOTSTRAP"))
    articles_topic: str = Field(ARTICLES_TOPIC, validation_alias=_shared("ARTICLES_TOPIC"))
    events_topic: str = Field(EVENTS_TOPIC, validation_alias=_shared("EVENTS_TOPIC"))
    dead_letter_topic: str = Field(DEAD_LETTER_TOPIC, validation_alias=_shared("DEAD_LETTER_TOPIC"))
    # The faust app id is the consumer group: replicas with the same id share partitions.
    app_id: str = "pactwatch-classifier"
    # faust keeps its local state here (the classifier has no tables; it still wants the folder).
    data_dir: Path = Path(".data/classifier")
    topic_partitions: int = Field(6, gt=0)
    # A replica that dies without leaving is noticed after this long and its partitions move
    # (faust's 60 s default stalls a crashed replica's partitions for a minute).
    session_timeout_seconds: float = Field(10.0, gt=0)
    heartbeat_interval_seconds: float = Field(3.0, gt=0)
    http_port: int = 8002
    batch_size: int = Field(500, gt=0)
    batch_within_seconds: float = Field(0.05, gt=0)
    # faust's per-event stream sensors halve throughput (measured); our metrics cover the service.
    faust_metrics: bool = False
    # How often the consumer group's lag is read from the broker for /metrics.
    lag_interval_seconds: float = Field(15.0, gt=0)
