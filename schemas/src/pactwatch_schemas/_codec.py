"""Bytes on the wire <-> models, with failures sorted into dead-letter reasons."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from ._models import DeadLetter, DeadLetterReason, Service

M = TypeVar("M", bound=BaseModel)

#: Largest message value a service accepts; larger ones are dead-lettered, not parsed.
MAX_MESSAGE_BYTES = 1_048_576
#: How much of a bad payload a dead letter keeps.
DEAD_LETTER_PAYLOAD_BYTES = 65_536
SCHEMA_VERSION = 1


class DecodeError(ValueError):
    """A message value that does not fit the contract. `reason` names the kind for metrics."""

    def __init__(self, reason: DeadLetterReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: DeadLetterReason = reason
        self.detail = detail


def encode(message: BaseModel) -> bytes:
    """Serialise a model to the JSON bytes that go on a topic."""
    return message.model_dump_json().encode()


def decode(model: type[M], raw: bytes | None) -> M:
    """Parse and validate a message value, raising `DecodeError` with the reason it failed."""
    if raw is None:
        raise DecodeError("invalid_json", "empty message value (tombstone)")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise DecodeError("too_large", f"{len(raw)} bytes > {MAX_MESSAGE_BYTES}")
    try:
        # Fast path: one parse and validation in pydantic-core.
        return model.model_validate_json(raw)
    except ValidationError as exc:
        first_error = exc
    # Slow path, only for bad messages: say precisely what is wrong.
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise DecodeError("invalid_json", str(exc)) from None
    if not isinstance(data, dict):
        raise DecodeError("invalid_schema", f"expected a JSON object, got {type(data).__name__}")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise DecodeError(
            "unsupported_version",
            f"schema_version {version!r}, this service reads {SCHEMA_VERSION}",
        )
    raise DecodeError("invalid_schema", _summarise(first_error)) from None


def dead_letter(
    *,
    service: Service,
    reason: DeadLetterReason,
    error: str,
    source_topic: str,
    payload: bytes | None,
    partition: int | None = None,
    offset: int | None = None,
    key: bytes | None = None,
    subscription_id: str | None = None,
) -> DeadLetter:
    """Build the dead letter for a message that could not be processed."""
    body = payload or b""
    cut = body[:DEAD_LETTER_PAYLOAD_BYTES]
    return DeadLetter(
        schema_version=1,
        service=service,
        reason=reason,
        error=error[:4000],
        source_topic=source_topic,
        source_partition=partition,
        source_offset=offset,
        key=key.decode("utf-8", "replace")[:1000] if key is not None else None,
        payload=cut.decode("utf-8", "replace"),
        payload_truncated=len(body) > len(cut),
        subscription_id=subscription_id,
        failed_at=datetime.now(UTC),
    )


def _summarise(exc: ValidationError) -> str:
    """One line per field error, short enough for a log line and a dead letter."""
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{where}: {err['msg']}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")
