from __future__ import annotations


class DeliveryError(Exception):
    """A delivery the receiver did not accept.

    `retryable`: trying again later can help (timeouts, connection errors, 429, 5xx, SMTP 4xx).
    `retry_after`: seconds the receiver asked us to wait. `disable`: the receiver said the
    endpoint is gone for good (HTTP 410): the subscription is switched off.
    """

    def __init__(
        self,
        detail: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        disable: bool = False,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retryable = retryable
        self.retry_after = retry_after
        self.disable = disable
