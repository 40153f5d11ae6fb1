"""A worker killed in the middle of a delivery and restarted: each contact gets the alert
exactly once. Also the Redis-backed queue, when redis-server is installed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from escalation_fixtures import wait_for
from sqlalchemy import select
from test_queue import OFFICE, OFFICE_MAIL, new_case, statuses

from bot.storage.models import Delivery

ROOT = Path(__file__).resolve().parent.parent


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    """`sro-bot worker` in its own process group."""
    full = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), **env}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "webhooks.cli", "worker", "--workers", "2"],
            cwd=ROOT,
            env=full,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the worker: no clean-up, no chance to record anything."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def test_a_worker_killed_mid_delivery_and_restarted_sends_each_alert_once(
    make_runtime, alert_env, db_url, twilio_rest, smtp_server, tmp_path
):
    mailbox, _ = smtp_server
    env = {**alert_env, "DATABASE_URL": db_url}
    twilio_rest.stall = True  # the SMS reaches Twilio; the worker dies before hearing back
    first = start_worker(env, tmp_path / "worker.log")
    try:
        new_case(make_runtime())
        assert twilio_rest.stalled.wait(30), (tmp_path / "worker.log").read_text()
    finally:
        kill(first)
    twilio_rest.release.set()
    with make_runtime().db.session() as s:
        assert s.scalar(select(Delivery.status).where(Delivery.medium == "sms")) == "sending"
    second = start_worker(env, tmp_path / "worker.log")
    try:
        wait_for(lambda: statuses(make_runtime().db) == ["sent", "sent"], timeout=30)
    finally:
        second.terminate()
        second.wait(10)
    assert len(twilio_rest.to(OFFICE)) == 1
    assert len(mailbox.to(OFFICE_MAIL)) == 1
    log = (tmp_path / "worker.log").read_text()
    assert '"event"' in log  # the workers did log (a restart, the takeover, the sends)
    assert "Traceback" not in log and "washroom" not in log and "5550" not in log  # issue 12


def test_alerts_go_through_a_redis_queue(make_runtime, worker_for, redis_url, twilio_rest):
    runtime = make_runtime(SRO_REDIS_URL=redis_url)
    assert type(runtime.queue.huey).__name__ == "PriorityRedisHuey"
    worker_for(runtime)
    new_case(runtime)
    wait_for(lambda: statuses(runtime.db) == ["sent", "sent"])
    assert len(twilio_rest.to(OFFICE)) == 1


def test_the_list_an_older_release_queued_in_is_replaced(
    make_runtime, worker_for, redis_url, twilio_rest
):
    runtime = make_runtime(SRO_REDIS_URL=redis_url)
    storage = runtime.queue.huey.storage
    storage.conn.lpush(storage.queue_key, b"a task of the older release")
    new_case(runtime)  # cannot be queued (the key holds a list): the rows wait in the outbox
    assert statuses(runtime.db) == ["pending", "pending"]
    worker_for(runtime)
    wait_for(lambda: statuses(runtime.db) == ["sent", "sent"])
    assert len(twilio_rest.to(OFFICE)) == 1
