"""One-click unsubscribe tokens (RFC 8058): HMAC-signed, so nobody can forge a link that
unsubscribes someone else. The POST arrives without cookies; the token is the only proof.

    token = sign_token(secret, "analyst", "analyst@example.org")
    url = unsubscribe_url("https://pactwatch.example.org", token)
    verify_token([secret], token)  # -> UnsubscribeRequest(subscription_id, address)

The endpoint that receives the POST belongs to the subscriptions API (`api/routes/public.py`);
it calls `verify_token` with every configured secret (the first one signs; older ones verify
during a rotation). The same token opens the subscriber's manage page (`manage_url`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

_VERSION = "v1"
_CONTEXT = b"pactwatch-unsubscribe-v1\n"  # domain separation: this key signs nothing else


class InvalidToken(ValueError):
    """The token is malformed, or was not signed with any of our secrets."""


@dataclass(frozen=True)
class UnsubscribeRequest:
    subscription_id: str
    address: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), _CONTEXT + payload, hashlib.sha256).digest()


def sign_token(secret: str, subscription_id: str, address: str) -> str:
    """A URL-safe token naming the subscription and address, signed with `secret`."""
    if len(secret) < 16:
        raise ValueError("the unsubscribe secret must be at least 16 characters")
    payload = f"{subscription_id}\n{address}".encode()
    return f"{_VERSION}.{_b64(payload)}.{_b64(_mac(secret, payload))}"


def verify_token(secrets: Sequence[str], token: str) -> UnsubscribeRequest:
    """The request a token stands for; raises `InvalidToken` if forged, altered or malformed."""
    try:
        version, payload_b64, mac_b64 = token.split(".")
        payload, mac = _unb64(payload_b64), _unb64(mac_b64)
    except ValueError:
        raise InvalidToken("malformed token") from None
    if version != _VERSION:
        raise InvalidToken("unknown token version")
    # compare_digest against every secret (no early exit on the first match's position)
    if not any(hmac.compare_digest(_mac(s, payload), mac) for s in secrets):
        raise InvalidToken("bad signature")
    try:
        subscription_id, address = payload.decode().split("\n")
    except ValueError:
        raise InvalidToken("malformed payload") from None
    return UnsubscribeRequest(subscription_id, address)


def unsubscribe_url(base_url: str, token: str) -> str:
    """`<base>/unsubscribe?token=<token>`: where the one-click POST goes."""
    return f"{base_url.rstrip('/')}/unsubscribe?token={quote(token, safe='')}"


def manage_url(base_url: str, token: str) -> str:
    """`<base>/manage?token=<token>`: the subscriber's own settings page. The same token as
    the unsubscribe link: both prove only that the reader received mail for the subscription."""
    return f"{base_url.rstrip('/')}/manage?token={quote(token, safe='')}"


def manage_url_for(unsubscribe_link: str) -> str:
    """The manage link beside an unsubscribe link made by `unsubscribe_url`."""
    base, sep, query = unsubscribe_link.rpartition("/unsubscribe?")
    if not sep:
        raise ValueError("not an unsubscribe link")
    return f"{base}/manage?{query}"


class RecipientLinks:
    """The links a worker puts in its emails: one-click unsubscribe, and the manage page
    beside it. None of them without `PUBLIC_BASE_URL` and a secret (no List-Unsubscribe)."""

    def __init__(self, base_url: str | None, secret: str | None) -> None:
        self._base_url = base_url if secret else None
        self._secret = secret

    def unsubscribe(self, subscription_id: str, address: str | None) -> str | None:
        if self._base_url is None or self._secret is None or address is None:
            return None
        return unsubscribe_url(self._base_url, sign_token(self._secret, subscription_id, address))

    def both(self, subscription_id: str, address: str | None) -> tuple[str | None, str | None]:
        """(unsubscribe URL, manage URL), as a digest email shows them."""
        url = self.unsubscribe(subscription_id, address)
        return url, manage_url_for(url) if url is not None else None
