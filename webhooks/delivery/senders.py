"""The three ways an outbox row leaves: SMS (twilio REST), Telegram (python-telegram-bot) and
email (SMTP). Each returns a provider id; SMS can also tell whether a message already went."""

from __future__ import annotations

import hashlib
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from webhooks.config import Config, QueueConfig
from webhooks.delivery.clients import SmsSender, TelegramClient
from webhooks.delivery.outbox import Job


class NotConfigured(Exception):
    """A delivery needs a channel whose credentials are not set."""


def message_id(job: Job) -> str:
    """A Message-ID fixed by the delivery's key, so a resent email is recognized as the same."""
    digest = hashlib.sha256(job.key.encode()).hexdigest()[:24]
    return f"<{digest}@sro-bot>"


class Senders:
    """Sends jobs through the configured channels; clients are built on first use."""

    def __init__(self, config: Config, queue: QueueConfig):
        self.config, self.queue = config, queue
        self._sms: SmsSender | None = None
        self._telegram: TelegramClient | None = None

    def sms(self) -> SmsSender:
        """The Twilio client (NotConfigured without credentials)."""
        c = self.config
        if not (c.twilio_account_sid and c.twilio_auth_token and c.twilio_from_number):
            raise NotConfigured("set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER")
        if self._sms is None:
            args = (c.twilio_account_sid, c.twilio_auth_token, c.twilio_from_number)
            self._sms = SmsSender(*args, api_base=c.twilio_api_base)
        return self._sms

    def telegram(self) -> TelegramClient:
        """The Bot API client (NotConfigured without a token)."""
        if not self.config.telegram_bot_token:
            raise NotConfigured("set TELEGRAM_BOT_TOKEN")
        if self._telegram is None:
            c = self.config
            self._telegram = TelegramClient(c.telegram_bot_token, c.telegram_api_base)
        return self._telegram

    def send(self, job: Job) -> str:
        """Send one job; its provider id."""
        if job.medium == "sms":
            return self.sms().send(job.address, job.body)
        if job.medium == "telegram":
            chat = int(job.address) if job.address.lstrip("-").isdigit() else job.address
            return f"telegram:{self.telegram().send_text(chat, job.body)}"
        if job.medium == "email":
            return self.email(job)
        raise NotConfigured(f"unknown medium {job.medium!r}")

    def already_sent(self, job: Job) -> str | None:
        """The provider id of an earlier attempt that did reach the provider, if it can tell."""
        if job.medium != "sms":
            return None  # email: same Message-ID, so a resend is one message in the inbox
        since = job.created_at - timedelta(minutes=5)
        return self.sms().find(job.address, job.body, since)

    def email(self, job: Job) -> str:
        """Send one email over SMTP; its Message-ID."""
        q = self.queue
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = q.mail_from, job.address, job.subject
        mail["Message-ID"] = message_id(job) if job.key else make_msgid()
        mail.set_content(job.body)
        with smtplib.SMTP(q.smtp_host, q.smtp_port, timeout=20) as smtp:
            if q.smtp_starttls:
                smtp.starttls()
            if q.smtp_user:
                smtp.login(q.smtp_user, q.smtp_password)
            smtp.send_message(mail)
        return mail["Message-ID"]

    def close(self) -> None:
        """Close the clients' connections."""
        if self._sms:
            self._sms.close()
        if self._telegram:
            self._telegram.close()
