"""The outside channels: e-mail through SMTP (STARTTLS unless switched off) and SMS through a
gateway interface, with a development gateway that only logs (the number masked).

A real SMS gateway implements :class:`SmsGateway` and is installed with
:func:`set_sms_gateway` at start-up; the delivery job calls ``send`` and treats any exception
as a failed attempt (retried with backoff).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from typing import Protocol

from app.core.config import Settings, get_settings

log = logging.getLogger("baozu.notices")


class ChannelUnavailable(RuntimeError):
    """The channel is not configured (no SMTP host): the delivery waits and is retried."""


def mask_phone(phone: str) -> str:
    """138****5678: the first three and last four digits."""
    digits = phone.strip()
    return digits[:3] + "*" * max(len(digits) - 7, 0) + digits[-4:] if len(digits) > 7 else "*" * len(digits)


def send_email(to: str, subject: str, body: str, settings: Settings | None = None) -> None:
    """Send one message; raises (``smtplib.SMTPException``, ``OSError``) when it cannot."""
    s = settings or get_settings()
    if not s.smtp_host:
        raise ChannelUnavailable("未配置 SMTP 服务器（BAOZU_SMTP_HOST）")
    message = EmailMessage()
    name, address = parseaddr(s.smtp_from)
    message["From"] = formataddr((name, address)) if name else address
    message["To"] = str(Address(addr_spec=to))
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds) as smtp:
        smtp.ehlo()
        if s.smtp_starttls:
            context = ssl.create_default_context(cafile=str(s.smtp_ca_file) if s.smtp_ca_file else None)
            smtp.starttls(context=context)
            smtp.ehlo()
        if s.smtp_username:
            password = s.smtp_password.get_secret_value() if s.smtp_password else ""
            smtp.login(s.smtp_username, password)
        smtp.send_message(message)


class SmsGateway(Protocol):
    """Sends one text message to one phone number; raises when it cannot."""

    def send(self, phone: str, text: str) -> None: ...


class LoggingSms:
    """The development gateway: writes the message to the log, the number masked."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


_gateway: SmsGateway = LoggingSms()


def sms_gateway() -> SmsGateway:
    return _gateway


def set_sms_gateway(gateway: SmsGateway) -> None:
    """Plug in a real gateway (at start-up of the worker)."""
    global _gateway
    _gateway = gateway
