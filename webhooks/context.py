"""What one process shares: the database, the alert queue and its notifier (Runtime), and what
the views use (Services, kept in app.extensions["sro"] rather than in globals)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from bot.messages import Answerer, Message, Reply
from bot.privacy import sender_key
from bot.storage.db import Database
from bot.storage.stores import SqlRateCounter
from webhooks import logs
from webhooks.config import Config
from webhooks.delivery.clients import TelegramClient
from webhooks.delivery.queue import AlertQueue, QueueNotifier
from webhooks.delivery.senders import Senders
from webhooks.http.rate_limit import RateLimiter, SharedRateLimiter
from webhooks.stores import MemoryOptOutStore, MemoryReplayStore, OptOutStore, ReplayStore


@dataclass
class Runtime:
    """What the escalation side of one process shares."""

    db: Database
    queue: AlertQueue
    notifier: Any  # bot.escalation.flow.Notifier; QueueNotifier in production


def build_runtime(config: Config) -> Runtime:
    """The database (DATABASE_URL), the queue (SRO_QUEUE_PATH / SRO_REDIS_URL) and notifier."""
    db = Database(config.core.database_url)
    senders = Senders(config, config.queue)
    queue = AlertQueue(config.queue, db, senders, retention=config.core.retention)
    return Runtime(db, queue, QueueNotifier(queue))


@dataclass
class Services:
    """The engine, the stores and the outbound clients of one app."""

    config: Config
    engine: Answerer
    notifier: Any = None
    replays: ReplayStore = field(default_factory=MemoryReplayStore)
    optouts: OptOutStore = field(default_factory=MemoryOptOutStore)
    telegram: TelegramClient | None = None
    runtime: Runtime | None = None
    web_limiter: RateLimiter | SharedRateLimiter = field(init=False)

    def __post_init__(self) -> None:
        per_minute = self.config.web_messages_per_minute
        if self.runtime is None:
            self.web_limiter = RateLimiter(per_minute)
        else:  # counted in the database: the same limit whatever worker a message reaches
            self.web_limiter = SharedRateLimiter(SqlRateCounter(self.runtime.db), per_minute)

    def assess(self, text: str) -> Any:
        """The engine's triage of text (is it danger now?)."""
        return self.engine.assess(text)

    def forget(self, channel: str, sender: str) -> None:
        """Drop the engine's memory of a sender."""
        self.engine.forget(channel, sender)

    def handle(self, message: Message) -> list[Reply]:
        """Ask the engine and log the outcome by sender hash, never the text."""
        started = time.perf_counter()
        replies = self.engine.handle(message)
        first = replies[0] if replies else None
        logs.event(
            "answered",
            level=logging.WARNING if first and first.emergency else logging.INFO,
            channel=message.channel,
            sender=sender_key(message.channel, message.sender),
            topic=first.topic if first else None,
            emergency=bool(first and first.emergency),
            confidence=round(first.confidence, 2) if first else None,
            replies=len(replies),
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return replies


def services() -> Services:
    """The Services of the current app."""
    return current_app.extensions["sro"]
