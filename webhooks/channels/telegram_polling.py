"""Polling mode for local use: getUpdates in a loop, each update answered as the webhook does."""

from __future__ import annotations

import logging
import time

from telegram.error import TelegramError

from bot.messages import Answerer
from webhooks import logs
from webhooks.channels.telegram_updates import Later, answer_and_log
from webhooks.delivery.clients import TelegramClient


def poll(
    client: TelegramClient,
    engine: Answerer,
    *,
    rounds: int | None = None,
    timeout: int = 30,
    later: Later | None = None,
) -> None:
    """Answer updates until interrupted (or for a number of getUpdates rounds, in tests);
    replies that fail for a passing reason go to `later` (the outbox) when given."""
    client.delete_webhook()  # getUpdates is refused while a webhook is set
    offset: int | None = None
    done = 0
    while rounds is None or done < rounds:
        done += 1
        try:
            updates = client.get_updates(offset, timeout)
        except (TelegramError, TimeoutError) as exc:
            logs.event(
                "poll_failed", level=logging.ERROR, channel="telegram", error=type(exc).__name__
            )
            time.sleep(min(timeout, 5))
            continue
        for update in updates:
            offset = update.update_id + 1
            answer_and_log(update, engine, client, later)
