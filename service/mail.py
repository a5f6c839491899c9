"""Delivery of one outbox message: email through SMTP (`smtplib`), or a JSON POST to the
SMS / WeChat gateway's webhook (`httpx`).

Emails are built with the `email` package: header values are single lines (line breaks in
a name or subject become spaces, so nothing typed can add a header), the recipient must be
one plain address, and the `Message-ID` carries the message's dedupe key. The webhook gets
the dedupe key as `Idempotency-Key`, so a gateway that honours it never delivers twice.
A failure is a `DeliveryError` with a Chinese reason.
"""

from __future__ import annotations

import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import httpx

from matcher.errors import MatcherError
from service.settings import NotifySettings
from storage.outbox import OutboxMessage

CHANNELS: dict[str, str] = {"email": "邮件", "webhook": "短信 / 微信"}


class DeliveryError(MatcherError):
    """A message could not be delivered (it was not sent)."""


def one_line(text: str) -> str:
    """`text` as one header line: every run of whitespace (line breaks too) is one space."""
    return " ".join(text.split())


def plain_address(text: str) -> str:
    """One bare email address (`name@domain`), or `DeliveryError`."""
    value = text.strip()
    _, address = parseaddr(value)
    if (
        not address
        or address != value
        or any(c.isspace() or c in "<>,;\"'" for c in address)
        or address.count("@") != 1
    ):
        raise DeliveryError(f"邮箱地址「{one_line(value)[:100]}」无效")
    local, domain = address.split("@")
    if not local or not domain:
        raise DeliveryError(f"邮箱地址「{one_line(value)[:100]}」无效")
    return address


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """The email of an outbox message (UTF-8, Chinese subject and body)."""
    email = EmailMessage()
    email["Subject"] = one_line(message.subject)
    email["From"] = one_line(sender)
    email["To"] = Address(addr_spec=plain_address(message.address))
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = f"<{message.dedupe_key}@matcher.notify>"
    email.set_content(message.body, charset="utf-8")
    return email


def send_email(message: OutboxMessage, settings: NotifySettings) -> None:
    """Hand the email to the SMTP server (TLS and login as configured)."""
    if not settings.smtp_host:
        raise DeliveryError("未配置邮件服务器（notify.smtp_host），邮件未发送")
    if not settings.smtp_from:
        raise DeliveryError("未配置发件人（notify.smtp_from），邮件未发送")
    email = build_email(message, settings.smtp_from)
    host, port, timeout = settings.smtp_host, settings.smtp_port, settings.smtp_timeout_seconds
    try:
        if settings.smtp_tls == "ssl":
            context = ssl.create_default_context()
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if settings.smtp_tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            client.send_message(email)
    except smtplib.SMTPRecipientsRefused:
        raise DeliveryError(f"邮件服务器拒收收件人「{message.address}」") from None
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError("邮件服务器登录失败：请检查用户名和密码") from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"邮件发送失败：{type(error).__name__} {error}"[:500]) from None


def webhook_body(message: OutboxMessage) -> dict[str, str]:
    """The JSON the gateway receives."""
    return {
        "id": message.dedupe_key,
        "event_id": message.event_id,
        "kind": message.kind,
        "participant_id": message.participant_id,
        "phone": message.address,
        "subject": message.subject,
        "text": message.body,
    }


def send_webhook(message: OutboxMessage, settings: NotifySettings) -> None:
    """POST the message to the gateway; a status other than 2xx is a failure."""
    if not settings.webhook_url:
        raise DeliveryError("未配置短信 / 微信网关（notify.webhook_url），消息未发送")
    headers = {"Idempotency-Key": message.dedupe_key}
    try:
        response = httpx.post(
            settings.webhook_url, json=webhook_body(message), headers=headers,
            timeout=settings.webhook_timeout_seconds,
        )  # fmt: skip
    except httpx.HTTPError as error:
        raise DeliveryError(f"网关请求失败：{type(error).__name__} {error}"[:500]) from None
    if not response.is_success:
        raise DeliveryError(f"网关返回 {response.status_code}：{response.text[:200]}")


def deliver(message: OutboxMessage, settings: NotifySettings) -> None:
    """Send one message on its channel."""
    if message.channel == "email":
        send_email(message, settings)
    elif message.channel == "webhook":
        send_webhook(message, settings)
    else:
        raise DeliveryError(f"未知的发送渠道「{message.channel}」")
