"""Translate Telegram updates to engine messages and replies back to Bot API calls."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from telegram import CallbackQuery, Update
from telegram import Message as TgMessage
from telegram.error import TelegramError

from bot.messages import Answerer, Message, Reply
from bot.privacy import sender_key
from webhooks import logs
from webhooks.http.inputs import clean_text

MAX_CHARS = 4096


class Sender(Protocol):
    """The Bot API calls a channel makes (webhooks.delivery.clients.TelegramClient)."""

    def send_message(self, chat_id: int, text: str, choices: tuple[str, ...] = ()) -> None: ...

    def answer_callback_query(self, query_id: str) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """What happened to an update, for the log."""

    kind: str
    chat_id: int | None = None
    replies: tuple[Reply, ...] = ()


def text_from_tg(tg: TgMessage) -> str:
    """The text the engine should see: commands without "@botname" (the engine answers /start
    and /help), a photo's caption, "" for stickers and other non-text messages."""
    text = clean_text(tg.text or tg.caption or "")
    if text.startswith("/"):
        return text.split(maxsplit=1)[0].split("@")[0].lower()
    return text


def message_from_tg(tg: TgMessage) -> Message:
    """An engine Message from a Telegram message."""
    when = tg.date or datetime.now(UTC)
    return Message("telegram", str(tg.chat_id), text_from_tg(tg), when, shared=_shared(tg.chat))


def _shared(chat) -> bool:
    """Groups and channels: what one member starts there, every member would see."""
    return chat is not None and chat.type != "private"


def message_from_callback(query: CallbackQuery) -> Message | None:
    """An engine Message carrying the chosen digit, or None for foreign callback data."""
    data = query.data or ""
    if not (data.isascii() and data.isdigit() and len(data) <= 2):
        return None
    chat = query.message.chat if query.message else None
    chat_id = chat.id if chat else query.from_user.id
    return Message("telegram", str(chat_id), data, datetime.now(UTC), shared=_shared(chat))


def text_within_limit(reply: Reply, limit: int = MAX_CHARS) -> str:
    """The reply as one message within Telegram's limit: the text cut at a word if it must be,
    the 911 reminder whole as the last line."""
    text = reply.full_text
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    room = max(limit - len(reply.reminder) - 8, 0)
    cut = reply.text[:room].rsplit(" ", 1)[0] + "..."
    return f"{cut}\n{reply.reminder}" if reply.reminder else cut


def _send_all(sender: Sender, chat_id: int, replies: Iterable[Reply]) -> tuple[Reply, ...]:
    sent = tuple(replies)
    for reply in sent:
        sender.send_message(chat_id, text_within_limit(reply), reply.choices)
    return sent


def handle_update(update: Update, engine: Answerer, sender: Sender) -> Outcome:
    """Answer one update: a message, a button press, or nothing for other kinds."""
    query = update.callback_query
    if query is not None:
        message = message_from_callback(query)
        sender.answer_callback_query(query.id)
        if message is None:
            return Outcome("callback_ignored")
        return Outcome(
            "callback",
            int(message.sender),
            _send_all(sender, int(message.sender), engine.handle(message)),
        )
    tg = update.message
    if tg is None:
        return Outcome("ignored")  # edits, channel posts, membership changes
    replies = _send_all(sender, tg.chat_id, engine.handle(message_from_tg(tg)))
    return Outcome("message" if tg.text else "non_text", tg.chat_id, replies)


def answer_and_log(update: Update, engine: Answerer, sender: Sender) -> None:
    """Handle an update and log its kind by sender hash; a failed Bot API call is logged only
    (Telegram would otherwise retry the update forever)."""
    try:
        outcome = handle_update(update, engine, sender)
    except (TelegramError, TimeoutError) as exc:
        logs.event("send_failed", level=logging.ERROR, channel="telegram", error=type(exc).__name__)
        return
    who = sender_key("telegram", str(outcome.chat_id)) if outcome.chat_id else None
    logs.event("telegram_update", channel="telegram", kind=outcome.kind, sender=who)
