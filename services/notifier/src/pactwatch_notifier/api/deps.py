"""What routes get from the application: settings, the store, links, the mailer, templates."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..addresses import IpNetwork
from ..store import Store
from .config import ApiSettings
from .mail import Mailer
from .tokens import Links

TEMPLATES = Jinja2Templates(
    env=Environment(
        loader=PackageLoader("pactwatch_notifier", "api/templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=True,
    )
)


def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_links(request: Request) -> Links:
    links: Links = request.app.state.links
    return links


def get_mailer(request: Request) -> Mailer:
    mailer: Mailer = request.app.state.mailer
    return mailer


def get_allowlist(request: Request) -> list[IpNetwork]:
    allowlist: list[IpNetwork] = request.app.state.webhook_allowlist
    return allowlist


def get_state(request: Request) -> Any:
    return request.app.state


Settings = Annotated[ApiSettings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
LinksDep = Annotated[Links, Depends(get_links)]
MailerDep = Annotated[Mailer, Depends(get_mailer)]
Allowlist = Annotated[list[IpNetwork], Depends(get_allowlist)]
