"""Operator authentication: a bearer token from configuration, compared in constant time."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from . import metrics

_bearer = HTTPBearer(auto_error=False, description="An operator token from NOTIFIER_API_TOKENS.")


def token_matches(given: str, tokens: list[str]) -> bool:
    """Whether `given` is one of `tokens`. Every token is compared (no early exit), each with
    `hmac.compare_digest`, so timing tells nothing about which one nearly matched."""
    given_bytes = given.encode()
    found = False
    for token in tokens:
        found |= hmac.compare_digest(given_bytes, token.encode())
    return found


def require_operator(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """401 (with `WWW-Authenticate: Bearer`) unless the request carries an operator token."""
    tokens: list[str] = request.app.state.operator_tokens
    if credentials is None or not token_matches(credentials.credentials, tokens):
        metrics.AUTH_FAILURES.labels("missing" if credentials is None else "invalid").inc()
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="a valid operator bearer token is required",
            headers={"WWW-Authenticate": 'Bearer realm="pactwatch-operator"'},
        )
