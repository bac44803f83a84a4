"""The one email the API sends itself: the double opt-in confirmation (over the same
aiosmtplib sender as the alerts)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..channels import EmailSender
from . import metrics
from .config import ApiSettings

_TEMPLATES = Environment(
    loader=PackageLoader("pactwatch_notifier", "api/templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def confirmation_message(*, sender: str, to: str, confirm_url: str, hours: int) -> EmailMessage:
    context = {"email": to, "confirm_url": confirm_url, "hours": hours}
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Confirm your Pactwatch alerts"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="pactwatch")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_TEMPLATES.get_template("confirm_email.txt").render(context))
    message.add_alternative(
        _TEMPLATES.get_template("confirm_email.html").render(context), subtype="html"
    )
    return message


class Mailer:
    def __init__(self, settings: ApiSettings) -> None:
        self.sender = settings.mail_from
        self.hours = max(1, settings.confirm_max_age_seconds // 3600)
        self._smtp = EmailSender(
            settings.smtp_host,
            settings.smtp_port,
            username=settings.smtp_username,
            password=(
                settings.smtp_password.get_secret_value() if settings.smtp_password else None
            ),
            tls=settings.smtp_tls,
            timeout=settings.smtp_timeout_seconds,
        )

    @property
    def smtp(self) -> EmailSender:
        return self._smtp

    async def send_confirmation(self, to: str, confirm_url: str) -> None:
        """Send it; raises `DeliveryError` when the SMTP server does not take it."""
        message = confirmation_message(
            sender=self.sender, to=to, confirm_url=confirm_url, hours=self.hours
        )
        try:
            await self._smtp.send(message)
        except Exception:
            metrics.CONFIRMATION_EMAILS.labels("failed").inc()
            raise
        metrics.CONFIRMATION_EMAILS.labels("sent").inc()
