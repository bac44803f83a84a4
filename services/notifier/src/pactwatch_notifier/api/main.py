"""The subscriptions API: operator endpoints (bearer token), public subscribe / confirm /
unsubscribe / manage endpoints, the subscribe page, and the ops endpoints.

    app = create_app(ApiSettings())          # uvicorn runs it: see api/__main__.py
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI, Request, Response

from .. import __version__
from ..addresses import GuardedResolver, parse_allowlist
from ..channels import guarded_session
from ..store import Store
from . import metrics
from .config import ApiSettings
from .mail import Mailer
from .ratelimit import RateLimiter
from .routes import health, operator, pages, public
from .tokens import Links

log = structlog.get_logger("pactwatch.notifier.api")


def create_app(settings: ApiSettings, store: Store | None = None) -> FastAPI:
    """The application; opens (and migrates) the store at start-up unless one is given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_store = store is None
        if store is None:
            opened = Store(settings.database_url_resolved)
            opened.migrate()
            app.state.store = opened
        else:
            app.state.store = store
        app.state.guard = GuardedResolver(app.state.webhook_allowlist)
        app.state.http = guarded_session(app.state.guard, limit=20)
        log.info("api_started", host=settings.host, port=settings.port)
        try:
            yield
        finally:
            await app.state.http.close()
            if own_store:
                app.state.store.close()
            log.info("api_stopped")

    app = FastAPI(
        title="Pactwatch subscriptions API",
        version=__version__,
        description=(
            "Operators manage subscriptions, deliveries and dead letters under `/api/v1` with a "
            "bearer token. People subscribe by email (double opt-in), confirm, manage their "
            "filters and unsubscribe (RFC 8058 one-click) through signed links."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.operator_tokens = [t.get_secret_value() for t in settings.tokens]
    app.state.links = Links(
        settings.public_base_url, settings.link_secrets, settings.confirm_max_age_seconds
    )
    app.state.mailer = Mailer(settings)
    app.state.rate_limiter = RateLimiter(settings.rate_limit, settings.rate_limit_storage)
    app.state.webhook_allowlist = parse_allowlist(settings.webhook_allowlist)

    @app.middleware("http")
    async def count_requests(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        route = request.scope.get("route")
        name = getattr(route, "path", None) or "unmatched"
        metrics.REQUESTS.labels(name, request.method, str(response.status_code)).inc()
        return response

    app.include_router(health.router)
    app.include_router(operator.router)
    app.include_router(public.router)
    app.include_router(pages.router)
    return app
