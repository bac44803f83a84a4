"""Pactwatch's message contract: models, topic names and codec, matching `schemas/json/`.

The size limits a producer cuts its output to are in `pactwatch_schemas.limits`.
"""

from ._codec import (
    DEAD_LETTER_PAYLOAD_BYTES,
    MAX_MESSAGE_BYTES,
    SCHEMA_VERSION,
    DecodeError,
    dead_letter,
    decode,
    encode,
)
from ._files import SCHEMA_FILES, load_schema, schema_dir
from ._models import (
    Alert,
    Amount,
    Article,
    ArticleRef,
    Attempt,
    DeadLetter,
    DeadLetterReason,
    Event,
    EventType,
    NotifierRetry,
    Service,
)
from ._topics import ARTICLES_TOPIC, DEAD_LETTER_TOPIC, EVENTS_TOPIC, NOTIFIER_RETRY_TOPIC

__all__ = [
    "ARTICLES_TOPIC",
    "DEAD_LETTER_PAYLOAD_BYTES",
    "DEAD_LETTER_TOPIC",
    "EVENTS_TOPIC",
    "MAX_MESSAGE_BYTES",
    "NOTIFIER_RETRY_TOPIC",
    "SCHEMA_FILES",
    "SCHEMA_VERSION",
    "Alert",
    "Amount",
    "Article",
    "ArticleRef",
    "Attempt",
    "DeadLetter",
    "DeadLetterReason",
    "DecodeError",
    "Event",
    "EventType",
    "NotifierRetry",
    "Service",
    "dead_letter",
    "decode",
    "encode",
    "load_schema",
    "schema_dir",
]
