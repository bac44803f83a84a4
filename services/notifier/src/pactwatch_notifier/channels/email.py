"""Email delivery over SMTP (aiosmtplib): multipart plain text + HTML from Jinja2 templates,
a subject that says what happened, List-Id and RFC 8058 one-click unsubscribe headers."""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import aiosmtplib
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from pactwatch_schemas import ArticleRef, Event

from ..unsubscribe import manage_url_for
from ._errors import DeliveryError

_TYPE_NAMES = {"signing": "Signing", "cooperation": "Cooperation"}


def _href(url: str) -> str:
    """Only web links become links: no `javascript:` or `data:` from an article."""
    return url if url.lower().startswith(("https://", "http://")) else "#"


_TEMPLATES = Environment(
    loader=PackageLoader("pactwatch_notifier", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    keep_trailing_newline=True,
)
_TEMPLATES.filters["href"] = _href


def _one_line(text: str, limit: int) -> str:
    """Collapse whitespace (no CR/LF can reach a header) and cut to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def subject_for(event: Event, *, update: bool = False) -> str:
    """ "Signing: Binhu District × Pfizer — <article title>": what happened, between whom."""
    parties = " × ".join(_one_line(p, 60) for p in event.parties[:3]) or "unnamed parties"
    prefix = "Update — " if update else ""
    return _one_line(f"{prefix}{_TYPE_NAMES[event.type]}: {parties} — {event.article.title}", 180)


def render_email(
    *,
    sender: str,
    to: str,
    message_id: str,
    event: Event,
    sources: Sequence[ArticleRef] = (),
    update: bool = False,
    list_id: str | None = None,
    unsubscribe_url: str | None = None,
    manage_url: str | None = None,
) -> EmailMessage:
    """The alert email: text and HTML alternatives of the same content. With an unsubscribe
    link it also links the subscriber's manage page (the same signed token opens both)."""
    if manage_url is None and unsubscribe_url is not None:
        manage_url = manage_url_for(unsubscribe_url)
    subject = subject_for(event, update=update)
    amount = (
        f"{event.amount.value:,.0f} {event.amount.currency}" if event.amount is not None else None
    )
    context: dict[str, Any] = {
        "subject": subject,
        "kind": _TYPE_NAMES[event.type],
        "event": event,
        "amount": amount,
        "evidence": _one_line(event.evidence, 2000),
        "sources": list(sources) or [event.article],
        "update": update,
        "unsubscribe_url": unsubscribe_url,
        "manage_url": manage_url,
    }
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{message_id}@pactwatch>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    if list_id is not None:
        message["List-Id"] = list_id
    if unsubscribe_url is not None:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(_TEMPLATES.get_template("alert.txt").render(context))
    message.add_alternative(_TEMPLATES.get_template("alert.html").render(context), subtype="html")
    return message


def smtp_error(code: int, message: str) -> DeliveryError:
    """An SMTP server's refusal: a 4xx reply means "try later", a 5xx one is final."""
    return DeliveryError(f"SMTP {code}: {message}", retryable=400 <= code < 500)


class EmailSender:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None,
        password: str | None,
        tls: str,
        timeout: float,
    ) -> None:
        self._options: dict[str, Any] = {
            "hostname": host,
            "port": port,
            "username": username,
            "password": password,
            "use_tls": tls == "tls",
            "start_tls": tls == "starttls",
            "timeout": timeout,
        }

    async def send(self, message: EmailMessage) -> None:
        """Hand the message to the SMTP server: 4xx and connection errors are retryable,
        5xx answers are permanent."""
        try:
            await aiosmtplib.send(message, **self._options)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            answers = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
            raise DeliveryError(
                f"SMTP recipients refused: {answers}",
                retryable=all(400 <= c < 500 for c in codes),
            ) from None
        except aiosmtplib.SMTPResponseException as exc:
            raise smtp_error(exc.code, exc.message) from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {type(exc).__name__}: {exc}", retryable=True) from None
