"""HTTP details more than one service needs to get exactly right."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks to wait, or None when it is absent or malformed.

    RFC 9110 (section 10.2.3) allows two forms: delta-seconds, a non-negative integer of
    ASCII digits ("120"), and an HTTP-date ("Fri, 20 Nov 2026 08:00:00 GMT"), which counts
    from `now` (default: the current time) and gives 0 when it has passed. Anything else
    ("1.5", "-5", "soon", "inf") is malformed, and a malformed hint is no hint.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # the obsolete date forms carry no zone; HTTP dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
