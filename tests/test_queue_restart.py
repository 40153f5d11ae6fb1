"""A worker killed in the middle of a delivery and restarted: each contact gets the alert
exactly once. Also the Redis-backed queue, when redis-server is installed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from escalation_fixtures import free_port, wait_for
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


@pytest.fixture
def redis_url():
    """A throwaway redis-server on a loopback port (skipped when not installed)."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server not installed (Debian: apt-get install redis-server)")
    port, folder = free_port(), tempfile.mkdtemp(prefix="sro-redis-")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    try:
        import redis

        wait_for(lambda: _pings(redis.Redis(port=port)), timeout=10)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False
    finally:
        client.close()


def test_alerts_go_through_a_redis_queue(make_runtime, worker_for, redis_url, twilio_rest):
    runtime = make_runtime(SRO_REDIS_URL=redis_url)
    assert type(runtime.queue.huey).__name__ == "RedisHuey"
    worker_for(runtime)
    new_case(runtime)
    wait_for(lambda: statuses(runtime.db) == ["sent", "sent"])
    assert len(twilio_rest.to(OFFICE)) == 1
