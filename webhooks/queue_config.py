"""Settings of the alert queue and its senders, read from the environment with defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from webhooks.config import ConfigError


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
    retries: int = 8
    retry_delay: float = 5.0  # seconds, doubled after each failed attempt
    lease_seconds: float = 120.0  # a delivery stuck in "sending" longer is taken over
    realert_minutes: float = 15.0
    workers: int = 2
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "sro-bot@localhost"


def load_queue_env(environ: Mapping[str, str] | None = None) -> QueueConfig:
    """A QueueConfig from SRO_QUEUE_PATH, SRO_REDIS_URL, SRO_SMTP_* and the timing settings."""
    env = os.environ if environ is None else environ
    d = QueueConfig()
    return QueueConfig(
        queue_path=env.get("SRO_QUEUE_PATH", "").strip() or d.queue_path,
        redis_url=env.get("SRO_REDIS_URL", "").strip(),
        retries=int(_number(env, "SRO_DELIVERY_RETRIES", d.retries)),
        retry_delay=_number(env, "SRO_RETRY_DELAY_SECONDS", d.retry_delay),
        lease_seconds=_number(env, "SRO_DELIVERY_LEASE_SECONDS", d.lease_seconds),
        realert_minutes=_number(env, "SRO_REALERT_MINUTES", d.realert_minutes),
        workers=max(1, int(_number(env, "SRO_WORKERS", d.workers))),
        smtp_host=env.get("SRO_SMTP_HOST", "").strip() or d.smtp_host,
        smtp_port=int(_number(env, "SRO_SMTP_PORT", d.smtp_port)),
        smtp_user=env.get("SRO_SMTP_USER", "").strip(),
        smtp_password=env.get("SRO_SMTP_PASSWORD", ""),
        smtp_starttls=env.get("SRO_SMTP_STARTTLS", "").strip().lower() in {"1", "true", "yes"},
        mail_from=env.get("SRO_MAIL_FROM", "").strip() or d.mail_from,
    )
