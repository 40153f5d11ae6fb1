"""Build the database, the alert queue and the notifier from the environment, once per process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.storage.db import Database
from webhooks.config import Config
from webhooks.queue_config import QueueConfig, load_queue_env
from webhooks.senders import Senders
from webhooks.tasks import AlertQueue, QueueNotifier


@dataclass
class Runtime:
    """What the escalation side of one process shares."""

    db: Database
    queue: AlertQueue
    notifier: Any  # bot.escalation.Notifier; QueueNotifier in production


def build_runtime(config: Config, queue_config: QueueConfig | None = None) -> Runtime:
    """The database (DATABASE_URL), the queue (SRO_QUEUE_PATH / SRO_REDIS_URL) and notifier."""
    queue_config = queue_config or load_queue_env()
    db = Database()
    queue = AlertQueue(queue_config, db, Senders(config, queue_config))
    return Runtime(db, queue, QueueNotifier(queue))
