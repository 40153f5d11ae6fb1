"""Limits on web chat messages per session and per address: counted in the database when the
app has one (every worker and machine sees the same counts), else in this process's memory."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from webhooks.stores import stored

PER_ADDRESS_FACTOR = 5  # one school network may hold many sessions behind one address
_PRUNE_AT = 10_000  # keys kept before expired windows are dropped


class RateLimiter:
    """Fixed one-minute windows: at most `per_minute` messages per key in each."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, limit: int | None = None) -> bool:
        """Count one message for key; False once the key is over its limit this minute."""
        limit = limit or self.per_minute
        now = self._clock()
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= 60:
                start, count = now, 0
            self._windows[key] = (start, count + 1)
            if len(self._windows) > _PRUNE_AT:
                self._prune(now)
        return count < limit

    def seconds_left(self, key: str) -> int:
        """Seconds until key's window resets (at least 1)."""
        start, _ = self._windows.get(key, (self._clock(), 0))
        return max(1, int(60 - (self._clock() - start)) + 1)

    def _prune(self, now: float) -> None:
        for key in [k for k, (start, _) in self._windows.items() if now - start >= 60]:
            del self._windows[key]


class Counter(Protocol):
    """Counts messages per key where every worker sees them (bot.storage.stores.SqlRateCounter):
    (count with this message, second its window started)."""

    def count(self, key: str, at: int, window: int = 60) -> tuple[int, int]: ...


class SharedRateLimiter:
    """One-minute windows, each starting with a key's first message, counted by a shared
    Counter; a counter that fails lets the message through (a limit never costs an answer)."""

    def __init__(
        self, counter: Counter, per_minute: int, clock: Callable[[], float] = time.time
    ) -> None:
        self.counter, self.per_minute, self._clock = counter, per_minute, clock
        self._started: dict[str, int] = {}  # for seconds_left, right after a refusal

    def allow(self, key: str, limit: int | None = None) -> bool:
        """Count one message for key; False once the key is over its limit this minute."""
        now = int(self._clock())
        sent, started = stored(lambda: self.counter.count(key, now), (0, now), "web")
        if sent > (limit or self.per_minute):
            self._started[key] = started
            return False
        return True

    def seconds_left(self, key: str) -> int:
        """Seconds until key's window ends (at least 1)."""
        started = self._started.pop(key, int(self._clock()))
        return max(1, 60 - (int(self._clock()) - started))
