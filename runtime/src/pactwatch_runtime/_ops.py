"""The operations endpoints every service serves: `/metrics`, `/healthz` and `/readyz`.

`/healthz` answers while the process runs (a liveness probe restarts it otherwise); `/readyz`
answers 200 only while every dependency the service names is reachable (a readiness probe
takes it out of rotation, a rolling update waits for it). The handlers are plain aiohttp
responses, so a service with a web server of its own (faust's) serves the same bodies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

#: Names each dependency and whether it is reachable now, e.g. `{"kafka": True}`.
Checks = Callable[[], Mapping[str, bool]]


def metrics_response(registry: CollectorRegistry = REGISTRY) -> web.Response:
    """Prometheus' text format of everything in `registry`."""
    # aiohttp refuses a charset inside content_type, so the header is set directly.
    return web.Response(
        body=generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
    )


def health_response() -> web.Response:
    """The process is alive."""
    return web.json_response({"status": "ok"})


def ready_response(checks: Mapping[str, bool]) -> web.Response:
    """200 when every dependency in `checks` is reachable, else 503; the body names each."""
    ok = all(checks.values())
    return web.json_response(
        {"status": "ok" if ok else "unavailable", "checks": dict(checks)},
        status=200 if ok else 503,
    )


async def start_ops_server(
    host: str, port: int, ready: Checks, *, registry: CollectorRegistry = REGISTRY
) -> web.AppRunner:
    """Serve the three endpoints on `host:port` until the returned runner is cleaned up.

    `ready()` is called on every `/readyz` request, so it must be quick: report what a
    background watch (`BrokerWatch`) last saw rather than asking the broker there and then.
    """

    async def metrics(_: web.Request) -> web.Response:
        return metrics_response(registry)

    async def healthz(_: web.Request) -> web.Response:
        return health_response()

    async def readyz(_: web.Request) -> web.Response:
        return ready_response(ready())

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
