"""Domain models of subscriptions and deliveries, shared by the workers, the API and the CLI."""

from .subscription import (
    SUBSCRIPTION_ID_PATTERN,
    Channel,
    DeliveryOutcome,
    DeliveryRecord,
    EmailChannel,
    EventType,
    Filters,
    Mode,
    State,
    SubscriptionCreate,
    SubscriptionRecord,
    SubscriptionUpdate,
    WebhookChannel,
)

__all__ = [
    "SUBSCRIPTION_ID_PATTERN",
    "Channel",
    "DeliveryOutcome",
    "DeliveryRecord",
    "EmailChannel",
    "EventType",
    "Filters",
    "Mode",
    "State",
    "SubscriptionCreate",
    "SubscriptionRecord",
    "SubscriptionUpdate",
    "WebhookChannel",
]
