"""Translate Telegram updates to engine messages and replies back to Bot API calls."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from telegram import CallbackQuery, Update, User
from telegram import Message as TgMessage
from telegram.error import TelegramError

from bot.messages import Answerer, Message, Reply
from bot.privacy import sender_key
from webhooks import logs
from webhooks.delivery.clients import CHOICE, resend_wait
from webhooks.http.inputs import clean_text

MAX_CHARS = 4096


class Sender(Protocol):
    """The Bot API calls a channel makes (webhooks.delivery.clients.TelegramClient)."""

    def send_message(
        self, chat_id: int, text: str, choices: Sequence[str] = (), ids: Sequence[str] = ()
    ) -> None: ...

    def answer_callback_query(self, query_id: str) -> None: ...


class Later(Protocol):
    """The outbox for replies that could not go out at once (webhooks.delivery.queue.AlertQueue):
    the delivery worker sends them, not before `wait` seconds."""

    def send_later(self, medium: str, address: str, bodies: Sequence[str], wait: float) -> None: ...


@dataclass(frozen=True)
class Inbound:
    """An engine Message and the chat its replies go to (in a group: the group, whoever wrote)."""

    message: Message
    chat_id: int


@dataclass(frozen=True)
class Outcome:
    """What happened to an update, for the log."""

    kind: str
    sender: str = ""  # the engine's sender id, logged only as a hash
    replies: tuple[Reply, ...] = ()


def _clean(value: object) -> str:
    """Clean text from a field meant to hold text; "" for anything else (a forged update)."""
    return clean_text(value) if isinstance(value, str) else ""


def text_from_tg(tg: TgMessage) -> str:
    """The text the engine should see: commands without "@botname" (the engine answers /start
    and /help), a photo's caption, "" for stickers and other non-text messages."""
    text = _clean(tg.text or tg.caption)
    if text.startswith("/"):
        return text.split(maxsplit=1)[0].split("@")[0].lower()
    return text


def _shared(chat) -> bool:
    """Groups and channels: what one member starts there, every member would see."""
    return chat is not None and chat.type != "private"


def _sender(chat_id: int, shared: bool, user: User | None) -> str:
    """Whose conversation this is: the chat's in a private chat; each member's own in a group,
    so one member's "1" or "yes" never answers a question the bot asked another."""
    return f"{chat_id}:{user.id}" if shared and user else str(chat_id)


def from_message(tg: TgMessage) -> Inbound:
    """The engine Message of a Telegram message, and the chat to answer in."""
    shared = _shared(tg.chat)
    who = _sender(tg.chat_id, shared, tg.from_user)
    when = tg.date or datetime.now(UTC)
    return Inbound(Message("telegram", who, text_from_tg(tg), when, shared=shared), tg.chat_id)


def _label(query: CallbackQuery, data: str) -> str:
    """The text of the button that carries data, from the keyboard of the bot's message."""
    markup = getattr(query.message, "reply_markup", None)
    buttons = [button for row in markup.inline_keyboard for button in row] if markup else []
    return next((_clean(b.text) for b in buttons if b.callback_data == data), "")


def _pressed(query: CallbackQuery) -> tuple[str, str] | None:
    """(text, choice id) of the pressed button: its label (else the id) and the id for
    "c:<id>", the digit and no id for old buttons; None for foreign callback data."""
    data = query.data if isinstance(query.data, str) else ""
    choice = _clean(data.removeprefix(CHOICE)) if data.startswith(CHOICE) else ""
    if choice:
        return _label(query, data) or choice, choice
    if data.isascii() and data.isdigit() and len(data) <= 2:
        return data, ""
    return None


def from_callback(query: CallbackQuery) -> Inbound | None:
    """The engine Message a button press makes, and the chat to answer in; None for foreign
    callback data."""
    pressed = _pressed(query)
    if pressed is None:
        return None
    text, choice = pressed
    chat = query.message.chat if query.message else None
    chat_id = chat.id if chat else query.from_user.id
    who = _sender(chat_id, _shared(chat), query.from_user)
    message = Message("telegram", who, text, datetime.now(UTC), shared=_shared(chat), choice=choice)
    return Inbound(message, chat_id)


def text_within_limit(reply: Reply, limit: int = MAX_CHARS) -> str:
    """The reply as one message within Telegram's limit: the text cut at a word if it must be,
    the 911 reminder whole as the last line."""
    text = reply.full_text
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    room = max(limit - len(reply.reminder) - 8, 0)
    cut = reply.text[:room].rsplit(" ", 1)[0] + "..."
    return f"{cut}\n{reply.reminder}" if reply.reminder else cut


def _send_later(later: Later, chat_id: int, unsent: Sequence[Reply], wait: float) -> None:
    """Put unsent replies in the outbox, emergencies first. They go without buttons: the text
    numbers the choices, and a typed number picks one."""
    urgent_first = sorted(unsent, key=lambda reply: not reply.emergency)
    later.send_later("telegram", str(chat_id), [text_within_limit(r) for r in urgent_first], wait)


def _send_all(
    sender: Sender, chat_id: int, replies: Iterable[Reply], later: Later | None
) -> tuple[Reply, ...]:
    """Send the replies in order. When one fails for a passing reason (network, timeout, 429,
    5xx) it and the rest go to `later`; other failures (and any without `later`) raise."""
    sent = tuple(replies)
    for n, reply in enumerate(sent):
        try:
            sender.send_message(chat_id, text_within_limit(reply), reply.choices, reply.choice_ids)
        except (TelegramError, TimeoutError) as exc:
            wait = resend_wait(exc)
            if later is None or wait is None:
                raise
            _send_later(later, chat_id, sent[n:], wait)
            logs.event(
                "send_deferred",
                level=logging.WARNING,
                channel="telegram",
                error=type(exc).__name__,
                replies=len(sent) - n,
            )
            break
    return sent


def _stop_spinner(sender: Sender, query_id: str) -> None:
    """Answer the callback query; if that fails the button press is still answered."""
    try:
        sender.answer_callback_query(query_id)
    except (TelegramError, TimeoutError) as exc:
        logs.event(
            "callback_answer_failed",
            level=logging.WARNING,
            channel="telegram",
            error=type(exc).__name__,
        )


def _inbound(update: Update, sender: Sender) -> tuple[str, Inbound | None]:
    """The update's kind, and what the engine should answer (None: nothing)."""
    query = update.callback_query
    if query is not None:
        _stop_spinner(sender, query.id)
        inbound = from_callback(query)
        return ("callback" if inbound else "callback_ignored"), inbound
    tg = update.message
    if tg is None:
        return "ignored", None  # edits, channel posts, membership changes
    return ("message" if tg.text else "non_text"), from_message(tg)


def handle_update(
    update: Update, engine: Answerer, sender: Sender, later: Later | None = None
) -> Outcome:
    """Answer one update: a message, a button press, or nothing for other kinds."""
    kind, inbound = _inbound(update, sender)
    if inbound is None:
        return Outcome(kind)
    replies = _send_all(sender, inbound.chat_id, engine.handle(inbound.message), later)
    return Outcome(kind, inbound.message.sender, replies)


def answer_and_log(
    update: Update, engine: Answerer, sender: Sender, later: Later | None = None
) -> None:
    """Handle an update and log its kind by sender hash. Replies that fail for a passing reason
    go to `later` (the outbox) when given; other failed Bot API calls are logged only
    (Telegram would otherwise retry the update forever)."""
    try:
        outcome = handle_update(update, engine, sender, later)
    except (TelegramError, TimeoutError) as exc:
        logs.event("send_failed", level=logging.ERROR, channel="telegram", error=type(exc).__name__)
        return
    who = sender_key("telegram", outcome.sender) if outcome.sender else None
    logs.event("telegram_update", channel="telegram", kind=outcome.kind, sender=who)
