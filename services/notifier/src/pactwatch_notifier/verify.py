"""For receivers: check a Pactwatch webhook and read its alert.

    from pactwatch_notifier.verify import verify_alert, WebhookVerificationError

    try:
        alert = verify_alert(request_body, request_headers, ["whsec_…"])
    except WebhookVerificationError:
        return 400                       # forged, altered, or older than 5 minutes
    if seen(alert.alert_id):             # == the webhook-id header: retries repeat it
        return 204
    handle(alert)                        # answer 2xx quickly; slow work after the answer

It is the Standard Webhooks reference check (HMAC-SHA256 over "{id}.{timestamp}.{body}",
constant-time comparison, timestamps older or newer than 5 minutes rejected), plus the alert's
schema. Give every secret that is valid during a key rotation. Any Standard Webhooks library
in another language verifies the same headers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from pactwatch_schemas import Alert

__all__ = ["WebhookVerificationError", "verify_alert"]


def verify_alert(body: bytes | str, headers: Mapping[str, str], secrets: Sequence[str]) -> Alert:
    """The alert in `body` if its signature matches one of `secrets`; raises
    `WebhookVerificationError` otherwise (also when the body is no valid alert)."""
    if not secrets:
        raise ValueError("give at least one whsec_ secret")
    lowered = {k.lower(): v for k, v in headers.items()}
    raw = body if isinstance(body, bytes) else body.encode()
    last: WebhookVerificationError | None = None
    for secret in secrets:
        try:
            Webhook(secret).verify(raw, lowered)
        except WebhookVerificationError as exc:
            last = exc
            continue
        try:
            alert = Alert.model_validate_json(raw)
        except ValueError as exc:
            raise WebhookVerificationError(f"signed, but not a valid alert: {exc}") from None
        if alert.alert_id != lowered.get("webhook-id"):
            raise WebhookVerificationError("alert_id differs from the webhook-id header")
        return alert
    assert last is not None
    raise last
