"""The ops endpoints: `/metrics`, `/healthz`, and a `/readyz` that names each dependency."""

from __future__ import annotations

import json

import httpx
import pytest
from prometheus_client import CollectorRegistry, Counter

from pactwatch_devtools import free_port
from pactwatch_runtime import ready_response, start_ops_server


@pytest.mark.unit
def test_ready_only_when_every_dependency_is() -> None:
    up = ready_response({"kafka": True, "seen_caught_up": True})
    assert up.status == 200
    assert json.loads(up.text or "") == {
        "status": "ok",
        "checks": {"kafka": True, "seen_caught_up": True},
    }
    down = ready_response({"kafka": True, "seen_caught_up": False})
    assert down.status == 503
    assert json.loads(down.text or "")["status"] == "unavailable"


@pytest.mark.integration
async def test_the_server_answers_all_three() -> None:
    registry = CollectorRegistry()
    Counter("ops_test_total", "A counter.", registry=registry).inc(3)
    state = {"kafka": False}
    port = free_port()
    runner = await start_ops_server("127.0.0.1", port, lambda: state, registry=registry)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            metrics = await client.get("/metrics")
            assert metrics.status_code == 200
            assert metrics.headers["content-type"].startswith("text/plain; version=")
            assert "ops_test_total 3.0" in metrics.text
            assert (await client.get("/healthz")).json() == {"status": "ok"}
            assert (await client.get("/readyz")).status_code == 503
            state["kafka"] = True  # asked on every request, not once
            ready = await client.get("/readyz")
            assert ready.status_code == 200 and ready.json()["checks"] == {"kafka": True}
    finally:
        await runner.cleanup()
