"""Exactly once per delivery: 100 pairs of identical SMS deliveries (same MessageSid), each pair
released together onto two app instances sharing one PostgreSQL and one Redis queue, are each
processed once; the duplicate answers with the first answer or with nothing."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from signed_sms import form_for, post_form
from sqlalchemy import func, select
from storage_fixtures import DEMO_SCHOOLS
from test_storage import errors_when_run_together

from bot.schools.importer import import_schools
from bot.storage.db import Database
from bot.storage.models import Case

PAIRS = 100


class Counting:
    """The real engine, counting what it was asked to answer."""

    def __init__(self, engine, seen: list[str], lock: threading.Lock):
        self.engine, self.seen, self.lock = engine, seen, lock

    def handle(self, message):
        with self.lock:
            self.seen.append(message.sender)
        return self.engine.handle(message)

    def __getattr__(self, name):
        return getattr(self.engine, name)


@pytest.fixture
def two_apps(postgres_url, redis_url, alert_env, monkeypatch):
    from webhooks.app import create_app
    from webhooks.config import load_env

    db = Database(postgres_url).ready()
    import_schools(db, DEMO_SCHOOLS)
    db.dispose()
    env = {**alert_env, "DATABASE_URL": postgres_url, "SRO_REDIS_URL": redis_url}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    apps = [create_app(replace(load_env(), testing=True)) for _ in range(2)]
    seen: list[str] = []
    lock = threading.Lock()
    for app in apps:
        app.extensions["sro"].engine = Counting(app.extensions["sro"].engine, seen, lock)
    yield apps, seen
    for app in apps:
        app.extensions["sro"].runtime.queue.senders.close()
        app.extensions["sro"].runtime.db.dispose()


def form(n: int) -> dict:
    text = "someone has a gun at aspen ridge" if n % 2 else "what is a lockdown drill"
    return form_for(text, f"+1403555{n:04d}", n)


def test_simultaneous_duplicate_pairs_are_processed_once(two_apps):
    apps, seen = two_apps
    answers: dict[int, list[str]] = {n: [] for n in range(PAIRS)}

    def deliver(item):
        app, n = item
        status, texts = post_form(app.test_client(), form(n))
        assert status == 200
        answers[n].append(" ".join(texts))

    items = [(app, n) for n in range(PAIRS) for app in apps]
    assert errors_when_run_together(deliver, items) == []
    assert sorted(seen) == sorted(form(n)["From"] for n in range(PAIRS))  # each pair once
    for n, pair in answers.items():  # the first answer, given twice or once (the copy waited
        first = max(pair, key=len)  # 5 s for it, then answered nothing: the first replies)
        assert first and all(answer in (first, "") for answer in pair), f"pair {n}"
    with apps[0].extensions["sro"].runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == PAIRS // 2
