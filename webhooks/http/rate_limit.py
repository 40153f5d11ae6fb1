"""A per-process limit on web chat messages per session and per address, in memory."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

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
