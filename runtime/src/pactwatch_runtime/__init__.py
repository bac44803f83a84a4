"""What every Pactwatch service runs on, and nothing of what any one of them does.

JSON logs, the garbage collector tuned for a streaming process, the ops endpoints
(`/metrics`, `/healthz`, `/readyz`), the broker watch behind `/readyz`, bounded shutdown,
the standard Kafka metrics (see `runtime/README.md`), dead letters, `Retry-After`, and a
settings base. No topic names and no domain logic: those
belong to the services (and the contract to `pactwatch_schemas`).
"""

from ._broker import BrokerWatch
from ._clients import CountingConsumer, CountingProducer
from ._deadletter import ConsumedRecord, DeadLetterSink, letter_for
from ._gc import tune_gc
from ._http import parse_retry_after
from ._lag import LagWatch, lag_per_partition
from ._logging import QUIET_LOGGERS, LogFormat, configure_logging, logging_config
from ._main import load_settings, run_service
from ._metrics import (
    DEFAULT_BUCKETS,
    ErrorsCollector,
    ErrorsFrom,
    StandardMetrics,
    register_build_info,
    register_dead_letter_counter,
    register_standard_metrics,
)
from ._ops import Checks, health_response, metrics_response, ready_response, start_ops_server
from ._settings import ServiceSettings, shared_env
from ._shutdown import bounded, finish_or_cancel

__all__ = [
    "DEFAULT_BUCKETS",
    "QUIET_LOGGERS",
    "BrokerWatch",
    "Checks",
    "ConsumedRecord",
    "CountingConsumer",
    "CountingProducer",
    "DeadLetterSink",
    "ErrorsCollector",
    "ErrorsFrom",
    "LagWatch",
    "LogFormat",
    "ServiceSettings",
    "StandardMetrics",
    "bounded",
    "configure_logging",
    "finish_or_cancel",
    "health_response",
    "lag_per_partition",
    "letter_for",
    "load_settings",
    "logging_config",
    "metrics_response",
    "parse_retry_after",
    "ready_response",
    "register_build_info",
    "register_dead_letter_counter",
    "register_standard_metrics",
    "run_service",
    "shared_env",
    "start_ops_server",
    "tune_gc",
]
