from __future__ import annotations


class DeliveryError(Exception):
    """A delivery the receiver did not accept. `retryable` says whether trying again can help."""

    def __init__(self, detail: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retryable = retryable
        self.retry_after = retry_after
