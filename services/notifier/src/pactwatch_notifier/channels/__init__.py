"""Delivery channels. Each raises `DeliveryError` saying whether a retry can help."""

from ._errors import DeliveryError
from .email import EmailSender, render_email, smtp_error, subject_for
from .webhook import (
    WebhookSender,
    alert_id,
    build_alert,
    classify_status,
    fit_alert,
    guarded_session,
    signature_headers,
    status_error,
)

__all__ = [
    "DeliveryError",
    "EmailSender",
    "WebhookSender",
    "alert_id",
    "build_alert",
    "classify_status",
    "fit_alert",
    "guarded_session",
    "render_email",
    "signature_headers",
    "smtp_error",
    "status_error",
    "subject_for",
]
