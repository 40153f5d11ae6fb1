"""The web chat's in-memory rate limiter: windows, keys and pruning."""

from __future__ import annotations

from webhooks.http import rate_limit
from webhooks.http.rate_limit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_resets_after_a_minute():
    clock = Clock()
    limiter = RateLimiter(2, clock)
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    clock.now += 30
    assert limiter.allow("a") is False and limiter.seconds_left("a") == 31
    clock.now += 30
    assert limiter.allow("a") is True


def test_keys_are_counted_apart_and_a_key_can_have_its_own_limit():
    limiter = RateLimiter(1, Clock())
    assert limiter.allow("a") and limiter.allow("b")
    assert not limiter.allow("a")
    assert [limiter.allow("wide", 3) for _ in range(4)] == [True, True, True, False]


def test_expired_windows_are_dropped_once_many_keys_are_held(monkeypatch):
    monkeypatch.setattr(rate_limit, "_PRUNE_AT", 3)
    clock = Clock()
    limiter = RateLimiter(1, clock)
    for key in "abc":
        limiter.allow(key)
    clock.now += 61
    limiter.allow("d")
    assert set(limiter._windows) == {"d"}
