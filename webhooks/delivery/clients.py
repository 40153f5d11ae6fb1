"""Outbound messages through the real clients: twilio's REST Client and python-telegram-bot."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import warnings
from collections.abc import Coroutine, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

# The twilio client logs request bodies (numbers, text) at INFO: keep its logger quiet.
_QUIET = logging.getLogger("sro_bot.twilio_http")
_QUIET.setLevel(logging.WARNING)


TWILIO_TIMEOUT = 15.0  # seconds for one Twilio API call


class RebasedHttpClient(TwilioHttpClient):
    """TwilioHttpClient that sends every request to api_base (a stand-in) instead of Twilio."""

    def __init__(self, api_base: str, **kwargs: Any) -> None:
        super().__init__(logger=_QUIET, **kwargs)
        self._base = urlsplit(api_base)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any):  # type: ignore[override]
        """Rewrite scheme, host and port, keep the API path and query."""
        parts = urlsplit(url)
        path = self._base.path.rstrip("/") + parts.path
        url = urlunsplit((self._base.scheme, self._base.netloc, path, parts.query, ""))
        return super().request(method, url, *args, **kwargs)


class SmsSender:
    """Send SMS through Twilio's Messages API."""

    def __init__(self, account_sid: str, auth_token: str, from_number: str, api_base: str = ""):
        # a stalled call must end: the lease (SRO_DELIVERY_LEASE_SECONDS) outlasts it
        if api_base:
            self._http = RebasedHttpClient(api_base, timeout=TWILIO_TIMEOUT)
        else:
            self._http = TwilioHttpClient(logger=_QUIET, timeout=TWILIO_TIMEOUT)
        self._client = Client(account_sid, auth_token, http_client=self._http)
        self._from = from_number

    def send(self, to: str, text: str) -> str:
        """Send one message (Twilio segments it) and return its MessageSid."""
        message = self._client.messages.create(to=to, from_=self._from, body=text)
        return str(message.sid)

    def find(self, to: str, body: str, since: datetime) -> str | None:
        """The sid of a message already sent to `to` with this body since `since`, if any. Every
        page is read, not only the newest messages: in a surge an office number receives many
        alerts, and each body names its own case, so a match is this very delivery."""
        for message in self._client.messages.list(to=to, date_sent_after=since, page_size=100):
            if message.body == body:
                return str(message.sid)
        return None

    def close(self) -> None:
        """Close pooled connections."""
        if self._http.session is not None:
            self._http.session.close()


CHOICE = "c:"  # callback data "c:<id>": a button carrying a choice id


def callback_data(n: int, ids: Sequence[str]) -> str:
    """The data of the n-th button (from 1): "c:<id>" when the choice has an id that fits
    Telegram's 64 bytes, else its number."""
    data = f"{CHOICE}{ids[n - 1]}" if n <= len(ids) and ids[n - 1] else ""
    return data if data and len(data.encode()) <= 64 else str(n)


def keyboard_from_choices(
    choices: Sequence[str], ids: Sequence[str] = ()
) -> InlineKeyboardMarkup | None:
    """One button per choice, its callback data the choice's id (see callback_data)."""
    if not choices:
        return None
    rows = [
        [InlineKeyboardButton(label[:64], callback_data=callback_data(n, ids))]
        for n, label in enumerate(choices, start=1)
    ]
    return InlineKeyboardMarkup(rows)


def resend_wait(exc: Exception) -> float | None:
    """Seconds to wait before sending again after a Bot API call failed: Telegram's retry_after
    for a 429, 0 for a network failure, a timeout or a 5xx; None when sending the same again
    cannot help (a bad request, a bot blocked by the user, a wrong token)."""
    if isinstance(exc, RetryAfter):
        return _seconds(exc)
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
        return 0.0  # TimedOut is a NetworkError; python-telegram-bot raises one for a 5xx
    return 0.0 if isinstance(exc, TimeoutError) else None


def _seconds(exc: RetryAfter) -> float:
    """retry_after in seconds: an int or a timedelta, depending on PTB_TIMEDELTA (reading it as
    an int warns of the change)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramClient:
    """Synchronous face of telegram.Bot: coroutines run on one background event loop per
    process, so Flask views and the polling loop can call the Bot API."""

    def __init__(self, token: str, api_base: str = "", timeout: float = 20.0):
        self._token = token
        self._base_url = (api_base or "https://api.telegram.org") + "/bot"
        self._timeout = timeout
        self._lock = threading.Lock()
        self._pid = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._bot: Bot | None = None
        self._requests: tuple[HTTPXRequest, ...] = ()

    def _start(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="telegram", daemon=True)
        self._thread.start()
        self._requests = (HTTPXRequest(), HTTPXRequest())  # each call: 5 s connect/read/write
        self._bot = Bot(
            self._token,
            base_url=self._base_url,
            request=self._requests[0],
            get_updates_request=self._requests[1],
        )
        self._submit(_all(r.initialize() for r in self._requests))
        self._pid = os.getpid()

    def _submit(self, coro: Coroutine[Any, Any, Any], extra_wait: float = 0.0) -> Any:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(self._timeout + extra_wait)

    def _call(self, method: str, **kwargs: Any) -> Any:
        with self._lock:
            if self._pid != os.getpid():
                self._start()  # first use, or first use after a fork (gunicorn workers)
        assert self._bot is not None
        return self._submit(getattr(self._bot, method)(**kwargs), float(kwargs.get("timeout", 0)))

    def send_message(
        self, chat_id: int, text: str, choices: Sequence[str] = (), ids: Sequence[str] = ()
    ) -> None:
        """Send text, with an inline keyboard when there are choices (ids: their choice ids)."""
        markup = keyboard_from_choices(choices, ids)
        self._call("send_message", chat_id=chat_id, text=text, reply_markup=markup)

    def send_text(self, chat_id: int | str, text: str) -> str:
        """Send plain text (an office alert); Telegram's message id."""
        message = self._call("send_message", chat_id=chat_id, text=text)
        return str(message.message_id)

    def answer_callback_query(self, query_id: str) -> None:
        """Stop the button's loading spinner."""
        self._call("answer_callback_query", callback_query_id=query_id)

    def set_webhook(self, url: str, secret: str) -> bool:
        """Register the webhook URL with its secret token."""
        kinds = ["message", "edited_message", "callback_query"]
        return bool(self._call("set_webhook", url=url, secret_token=secret, allowed_updates=kinds))

    def delete_webhook(self) -> bool:
        """Remove the webhook so getUpdates (polling) works."""
        return bool(self._call("delete_webhook"))

    def get_updates(self, offset: int | None, timeout: int) -> tuple[Update, ...]:
        """Long-poll for updates after offset."""
        return self._call("get_updates", offset=offset, timeout=timeout)

    def close(self) -> None:
        """Close connections and stop the loop thread."""
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                return
            assert self._thread is not None
            self._submit(_all(r.shutdown() for r in self._requests))
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()
            self._loop, self._pid = None, 0


async def _all(coros: Iterable[Coroutine[Any, Any, Any]]) -> list[Any]:
    return await asyncio.gather(*coros)
