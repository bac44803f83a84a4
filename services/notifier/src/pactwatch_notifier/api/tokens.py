"""Signed links in emails.

- Confirmation (double opt-in): an itsdangerous timed token naming the subscription and the
  address, valid for `CONFIRM_MAX_AGE_SECONDS`; an old link says "expired", not "forged".
- Unsubscribe and manage: the one-click token of `pactwatch_notifier.unsubscribe` (HMAC of
  subscription and address), the same one the workers put in every alert email; it does not
  expire, since an alert from last year must still let its reader stop the alerts.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import unsubscribe

_CONFIRM_SALT = "pactwatch-confirm-v1"


class LinkError(ValueError):
    """A link that does not prove anything; `expired` tells an old link from a bad one."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


@dataclass(frozen=True)
class LinkSubject:
    subscription_id: str
    address: str


class Links:
    """Makes and checks the links; `secrets[0]` signs, every one of them verifies."""

    def __init__(self, base_url: str, secrets: list[str], confirm_max_age: int) -> None:
        if not secrets:
            raise ValueError("at least one link secret is needed")
        self.base_url = base_url.rstrip("/")
        self.secrets = secrets
        self.confirm_max_age = confirm_max_age
        # itsdangerous signs with the LAST key and verifies with all: reversed, ours comes last.
        self._confirm = URLSafeTimedSerializer(list(reversed(secrets)), salt=_CONFIRM_SALT)

    # -- confirmation ------------------------------------------------------------------------
    def confirm_token(self, subscription_id: str, address: str) -> str:
        return self._confirm.dumps([subscription_id, address])

    def confirm_url(self, subscription_id: str, address: str) -> str:
        token = self.confirm_token(subscription_id, address)
        return f"{self.base_url}/confirm?token={quote(token, safe='')}"

    def check_confirm(self, token: str) -> LinkSubject:
        try:
            value = self._confirm.loads(token, max_age=self.confirm_max_age)
        except SignatureExpired:
            raise LinkError("this confirmation link has expired", expired=True) from None
        except BadSignature:
            raise LinkError("this confirmation link is not valid") from None
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, str) for v in value)
        ):
            raise LinkError("this confirmation link is not valid")
        return LinkSubject(value[0], value[1])

    # -- unsubscribe / manage ------------------------------------------------------------------
    def recipient_token(self, subscription_id: str, address: str) -> str:
        return unsubscribe.sign_token(self.secrets[0], subscription_id, address)

    def unsubscribe_url(self, subscription_id: str, address: str) -> str:
        token = self.recipient_token(subscription_id, address)
        return unsubscribe.unsubscribe_url(self.base_url, token)

    def manage_url(self, subscription_id: str, address: str) -> str:
        token = self.recipient_token(subscription_id, address)
        return unsubscribe.manage_url(self.base_url, token)

    def check_recipient(self, token: str) -> LinkSubject:
        try:
            request = unsubscribe.verify_token(self.secrets, token)
        except unsubscribe.InvalidToken:
            raise LinkError("this link is not valid") from None
        return LinkSubject(request.subscription_id, request.address)
