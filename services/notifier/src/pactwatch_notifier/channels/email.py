"""Email delivery over SMTP (aiosmtplib): a readable subject, plain text body."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from pactwatch_schemas import Event

from ._errors import DeliveryError

_TYPE_NAMES = {"signing": "Signing", "cooperation": "Cooperation"}


def _one_line(text: str, limit: int) -> str:
    """Collapse whitespace (no CR/LF can reach a header) and cut to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def render_email(*, sender: str, to: str, message_id: str, event: Event) -> EmailMessage:
    """The alert email. Subject says what happened: type, parties, article title."""
    parties = " × ".join(event.parties[:3]) or "unnamed parties"
    subject = _one_line(f"{_TYPE_NAMES[event.type]}: {parties} — {event.article.title}", 180)
    kind = _TYPE_NAMES[event.type]
    lines = [
        f"{kind} reported (CAMEO {event.cameo}, confidence {event.confidence:.2f})",
        "",
        f"Article: {event.article.title}",
        f"Link:    {event.article.url}",
        f"Source:  {event.article.source_id}",
        f"Parties: {', '.join(event.parties) or '-'}",
    ]
    if event.amount is not None:
        lines.append(f"Amount:  {event.amount.value:,.0f} {event.amount.currency}")
    if event.date is not None:
        lines.append(f"Date:    {event.date.isoformat()}")
    lines += [
        "",
        "Evidence:",
        f"  {_one_line(event.evidence, 2000)}",
        "",
        f"Event id: {event.event_id}",
    ]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{message_id}@pactwatch>"
    message.set_content("\n".join(lines))
    return message


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
        self._options: dict[str, object] = {
            "hostname": host,
            "port": port,
            "username": username,
            "password": password,
            "use_tls": tls == "tls",
            "start_tls": tls == "starttls",
            "timeout": timeout,
        }

    async def send(self, message: EmailMessage) -> None:
        """Hand the message to the SMTP server; 4xx and connection errors are retryable."""
        try:
            await aiosmtplib.send(message, **self._options)  # type: ignore[arg-type]
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"SMTP {exc.code}: {exc.message}", retryable=400 <= exc.code < 500
            ) from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {type(exc).__name__}: {exc}", retryable=True) from None
