"""`/healthz` (the process answers), `/readyz` (the database answers), `/metrics`."""

from __future__ import annotations

import asyncio
import contextlib
from typing import get_args

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from ...models import State
from .. import metrics
from ..deps import StoreDep

router = APIRouter(tags=["ops"])


class Health(BaseModel):
    status: str
    checks: dict[str, bool] = {}


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database does not answer."}},
)
async def readyz(store: StoreDep) -> Response:
    try:
        await asyncio.wait_for(
            asyncio.to_thread(store.subscriptions.page, offset=0, limit=1), timeout=5
        )
        ok = True
    except Exception:
        ok = False
    body = Health(status="ok" if ok else "unavailable", checks={"database": ok})
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


def _count_states(store: StoreDep) -> None:
    for state in get_args(State):
        _, total = store.subscriptions.page(offset=0, limit=1, state=state)
        metrics.SUBSCRIPTIONS.labels(state).set(total)


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(store: StoreDep) -> Response:
    # The database away: the other metrics still count (and /readyz says so).
    with contextlib.suppress(Exception):
        await asyncio.to_thread(_count_states, store)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
