"""The server's settings, read from the environment in one place (load_env), defaults in code.

The core's own settings (database, knowledge base, hash salt) come from bot.settings, which this
module embeds; nothing else in webhooks reads os.environ."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import Settings, load_settings


class ConfigError(Exception):
    """The configuration cannot run safely; the message says which variable to set."""


_TRUE = {"1", "true", "yes", "on"}
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as secret_token


def _flag(value: str) -> bool:
    return value.strip().lower() in _TRUE


def _int(environ: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {raw!r}")
    return value


@dataclass(frozen=True)
class QueueConfig:
    """Where the queue lives, how it retries, and how mail leaves."""

    queue_path: str = str(Path("var") / "queue.db")
    redis_url: str = ""
    retry_delay: float = 5.0  # seconds before the first retry, doubled after each failure
    retry_max_seconds: float = 600.0  # the longest wait between two attempts
    give_up_hours: float = 24.0  # a delivery still failing this long after it was queued
    lease_seconds: float = 45.0  # a delivery stuck in "sending" longer is taken over (a crash)
    worker_silent_seconds: float = 8.0  # a worker without a heartbeat this long has crashed
    realert_minutes: float = 15.0
    fallback_attempts: int = 3  # an office alert failing this often goes elsewhere too; 0: off
    fallback_minutes: float = 10.0  # ... or failing this long after it was queued
    workers: int = 2
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "sro-bot@localhost"


def load_queue_env(environ: Mapping[str, str] | None = None) -> QueueConfig:
    """A QueueConfig from SRO_QUEUE_PATH, SRO_REDIS_URL, SRO_SMTP_* and the timing settings
    (retries, lease, re-alert, fallback)."""
    env = os.environ if environ is None else environ
    d = QueueConfig()
    return QueueConfig(
        queue_path=env.get("SRO_QUEUE_PATH", "").strip() or d.queue_path,
        redis_url=env.get("SRO_REDIS_URL", "").strip(),
        retry_delay=_number(env, "SRO_RETRY_DELAY_SECONDS", d.retry_delay),
        retry_max_seconds=_number(env, "SRO_RETRY_MAX_SECONDS", d.retry_max_seconds),
        give_up_hours=_number(env, "SRO_DELIVERY_GIVE_UP_HOURS", d.give_up_hours),
        lease_seconds=_number(env, "SRO_DELIVERY_LEASE_SECONDS", d.lease_seconds),
        worker_silent_seconds=max(1.0, _number(env, "SRO_WORKER_SILENT_SECONDS", 8.0)),
        realert_minutes=_number(env, "SRO_REALERT_MINUTES", d.realert_minutes),
        fallback_attempts=_int(env, "SRO_FALLBACK_AFTER_ATTEMPTS", d.fallback_attempts, 0),
        fallback_minutes=_number(env, "SRO_FALLBACK_AFTER_MINUTES", d.fallback_minutes),
        workers=max(1, int(_number(env, "SRO_WORKERS", d.workers))),
        smtp_host=env.get("SRO_SMTP_HOST", "").strip() or d.smtp_host,
        smtp_port=int(_number(env, "SRO_SMTP_PORT", d.smtp_port)),
        smtp_user=env.get("SRO_SMTP_USER", "").strip(),
        smtp_password=env.get("SRO_SMTP_PASSWORD", ""),
        smtp_starttls=_flag(env.get("SRO_SMTP_STARTTLS", "")),
        mail_from=env.get("SRO_MAIL_FROM", "").strip() or d.mail_from,
    )


@dataclass(frozen=True)
class Config:
    """Everything the web app and the outbound senders need to know."""

    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    telegram_bot_token: str = ""
    telegram_webhook_secret: str = ""
    public_base_url: str = ""
    max_body_bytes: int = 16_384
    max_text_chars: int = 1_000
    web_messages_per_minute: int = 20
    proxy_hops: int = 0
    log_level: str = "INFO"
    demo: bool = False
    testing: bool = False
    secret_key: str = ""  # SRO_SECRET_KEY; empty: a random key kept in var/secret-key
    twilio_api_base: str = ""
    telegram_api_base: str = ""
    core: Settings = field(default_factory=Settings)
    queue: QueueConfig = field(default_factory=QueueConfig)

    @property
    def kb_dir(self) -> str:
        """SRO_KB_DIR, or empty for the knowledge base shipped in the package."""
        return self.core.kb_dir

    @property
    def hash_salt_set(self) -> bool:
        """Whether SRO_HASH_SALT is set."""
        return bool(self.core.hash_salt)

    @property
    def sms_enabled(self) -> bool:
        """SMS switches on once a Twilio auth token is set."""
        return bool(self.twilio_auth_token)

    @property
    def telegram_enabled(self) -> bool:
        """Telegram switches on once a bot token is set."""
        return bool(self.telegram_bot_token)


_TEXT_VARS = (
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM_NUMBER",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "PUBLIC_BASE_URL",
    "SRO_LOG_LEVEL",
    "SRO_DEMO",
    "SRO_TWILIO_API_BASE",
    "SRO_TELEGRAM_API_BASE",
)


def load_env(environ: Mapping[str, str] | None = None) -> Config:
    """Build a Config from environment variables; strings stay strings, numbers are checked."""
    env = os.environ if environ is None else environ
    text = {name: env.get(name, "").strip() for name in _TEXT_VARS}
    return Config(
        twilio_account_sid=text["TWILIO_ACCOUNT_SID"],
        twilio_auth_token=text["TWILIO_AUTH_TOKEN"],
        twilio_from_number=text["TWILIO_FROM_NUMBER"],
        telegram_bot_token=text["TELEGRAM_BOT_TOKEN"],
        telegram_webhook_secret=text["TELEGRAM_WEBHOOK_SECRET"],
        public_base_url=text["PUBLIC_BASE_URL"].rstrip("/"),
        max_body_bytes=_int(env, "SRO_MAX_BODY_BYTES", Config.max_body_bytes),
        max_text_chars=_int(env, "SRO_MAX_TEXT_CHARS", Config.max_text_chars),
        web_messages_per_minute=_int(
            env, "SRO_WEB_MESSAGES_PER_MINUTE", Config.web_messages_per_minute
        ),
        proxy_hops=_int(env, "SRO_PROXY_HOPS", Config.proxy_hops, minimum=0),
        log_level=text["SRO_LOG_LEVEL"].upper() or Config.log_level,
        demo=_flag(text["SRO_DEMO"]),
        secret_key=env.get("SRO_SECRET_KEY", "").strip(),
        twilio_api_base=text["SRO_TWILIO_API_BASE"].rstrip("/"),
        telegram_api_base=text["SRO_TELEGRAM_API_BASE"].rstrip("/"),
        core=load_settings(env),
        queue=load_queue_env(env),
    )


def problems_of(config: Config) -> list[str]:
    """What is unsafe or missing; demo and testing mode tolerate a missing secret, salt or URL."""
    hard, soft = [], []
    if config.twilio_account_sid and not config.twilio_auth_token:
        hard.append("TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is empty")
    if config.telegram_webhook_secret and not _SECRET.fullmatch(config.telegram_webhook_secret):
        hard.append("TELEGRAM_WEBHOOK_SECRET may only hold 1-256 of A-Z a-z 0-9 _ -")
    if config.log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        hard.append(f"SRO_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {config.log_level}")
    if config.sms_enabled and not config.public_base_url:
        soft.append("PUBLIC_BASE_URL is needed to check Twilio signatures")
    if config.telegram_enabled and not config.telegram_webhook_secret:
        soft.append("TELEGRAM_BOT_TOKEN is set but TELEGRAM_WEBHOOK_SECRET is empty")
    if (config.sms_enabled or config.telegram_enabled) and not config.hash_salt_set:
        soft.append("SRO_HASH_SALT is needed so sender hashes cannot be reversed to numbers")
    return hard if config.demo or config.testing else hard + soft


def check(config: Config) -> None:
    """Refuse to start when an enabled channel could not verify its callers."""
    problems = problems_of(config)
    if problems:
        raise ConfigError("; ".join(problems))
