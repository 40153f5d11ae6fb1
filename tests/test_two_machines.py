"""Two app machines behind one load balancer: two gunicorn processes on different ports, one
PostgreSQL, one Redis; a web conversation whose every message reaches the other machine still
flows (state, cases and limits live in the shared database)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack

import pytest
from storage_fixtures import DEMO_SCHOOLS
from test_gunicorn_server import ROOT, fetch, free_port

from bot.schools.importer import import_schools
from bot.storage.db import Database

pytestmark = pytest.mark.slow


def start_machine(env: dict[str, str], log) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "webhooks.app:create_app()"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if fetch(base + "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{base} did not start")


@pytest.fixture
def machines(postgres_url, redis_url, channel_env, engine, tmp_path):
    """Two machines sharing the database, the queue, the salt and the session key."""
    db = Database(postgres_url).ready()
    import_schools(db, DEMO_SCHOOLS)
    db.dispose()
    shared = {
        **os.environ,
        **channel_env,
        "DATABASE_URL": postgres_url,
        "SRO_REDIS_URL": redis_url,
        "SRO_SECRET_KEY": "one-key-for-every-machine",
        "SRO_LOG_LEVEL": "WARNING",
    }
    with ExitStack() as stack:
        bases, processes = [], []
        for name in ("a", "b"):
            log = stack.enter_context(open(tmp_path / f"{name}.log", "wb"))
            env = {**shared, "SRO_SPOOL_DIR": str(tmp_path / f"spool-{name}")}
            process, base = start_machine(env, log)
            processes.append(process)
            bases.append(base)
        try:
            for base in bases:
                wait_until_up(base)
            yield bases, postgres_url
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)


def say(base: str, text: str, session: str = "two-machines-0001") -> str:
    body = json.dumps({"session": session, "text": text}).encode()
    status, _, data = fetch(base + "/api/messages", body, {"Content-Type": "application/json"})
    assert status == 200, data
    return " ".join(reply["text"] for reply in json.loads(data)["replies"])


def test_a_conversation_alternating_between_two_machines(machines):
    (a, b), url = machines
    assert "pass your message" in say(a, "I want to talk to my SRO")
    assert "NEVER MIND" in say(b, "yes")
    assert "school" in say(a, "someone keeps taking my lunch from my locker").lower()
    assert "who you are" in say(b, "Aspen Ridge")
    opened = say(a, "2")
    assert "SRO-1001" in opened and "Aspen Ridge High School" in opened
    assert "Case SRO-1001 (Aspen Ridge High School)" in say(b, "status")
    db = Database(url)
    with db.engine.connect() as connection:
        (text,) = connection.exec_driver_sql("SELECT text FROM case_messages").scalars().all()
    db.dispose()
    assert text == "someone keeps taking my lunch from my locker"
