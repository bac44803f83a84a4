"""The subscription models' own validation: what a request, a CLI call or a YAML entry
gets told when it is wrong."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pactwatch_notifier.models import SubscriptionCreate

from ..helpers import email_subscription

pytestmark = pytest.mark.unit


def test_validation_is_clear() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        email_subscription(1, timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="digest"):
        SubscriptionCreate.model_validate(
            {"channel": {"kind": "webhook", "url": "https://e.org/h"}, "mode": "daily"}
        )
    with pytest.raises(ValidationError, match="http"):
        SubscriptionCreate.model_validate({"channel": {"kind": "webhook", "url": "ftp://e.org"}})
    with pytest.raises(ValidationError):
        email_subscription(1, digest_hour=24)
    with pytest.raises(ValidationError):
        email_subscription(1, filters={"min_confidence": 1.5})
