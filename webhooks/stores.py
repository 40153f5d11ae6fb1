"""Small storage interfaces for webhook retries and SMS opt-outs, with in-memory versions."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from webhooks import logs

T = TypeVar("T")


def stored(call: Callable[[], T], default: T, channel: str) -> T:
    """A storage call's result, or default while the database is down, logged by kind only
    (the engine still answers danger with 911 then; Twilio itself refuses sends to numbers
    that said STOP)."""
    try:
        return call()
    except SQLAlchemyError as exc:
        logs.event("storage_down", level=logging.ERROR, channel=channel, error=type(exc).__name__)
        return default


class ReplayStore(Protocol):
    """Remembers what was answered to a delivery id (MessageSid, update_id) so a retry is not
    processed twice: claim() first (True once), put() the answer after."""

    def claim(self, key: str) -> bool: ...

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...


class OptOutStore(Protocol):
    """Which SMS senders said STOP; keyed by bot.privacy.sender_key, never a raw number."""

    def is_opted_out(self, key: str) -> bool: ...

    def opt_out(self, key: str) -> None: ...

    def opt_in(self, key: str) -> None: ...


class MemoryReplayStore:
    """Bounded, thread-safe, per-process: the oldest ids are forgotten first."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._items: OrderedDict[str, str] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def claim(self, key: str) -> bool:
        """True the first time this delivery id is seen, False after."""
        with self._lock:
            if key in self._items:
                return False
            self._items[key] = ""
        self.put(key, "")  # the same, trimmed to capacity
        return True

    def get(self, key: str) -> str | None:
        """The stored answer for this delivery id, or None the first time."""
        with self._lock:
            return self._items.get(key)

    def put(self, key: str, value: str) -> None:
        """Remember the answer given to this delivery id."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)


class MemoryOptOutStore:
    """Thread-safe, per-process set of opted-out sender keys."""

    def __init__(self) -> None:
        self._keys: set[str] = set()
        self._lock = threading.Lock()

    def is_opted_out(self, key: str) -> bool:
        """True while this sender is opted out."""
        with self._lock:
            return key in self._keys

    def opt_out(self, key: str) -> None:
        """Stop sending to this sender."""
        with self._lock:
            self._keys.add(key)

    def opt_in(self, key: str) -> None:
        """Resume sending to this sender."""
        with self._lock:
            self._keys.discard(key)
