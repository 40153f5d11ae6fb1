"""Claims of crashed workers taken over once their heartbeat is silent (well before the lease),
first alerts ahead of reminders on both queues, and no delivery queued twice."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from escalation_fixtures import Worker, wait_for
from sqlalchemy import select, update
from test_queue import OFFICE, new_case, statuses
from test_queue_restart import kill, start_worker

from bot.escalation import cases
from bot.escalation.cases import NewCase
from bot.storage.models import Delivery, Replay, now
from bot.storage.stores import SqlReplayStore
from webhooks.delivery import outbox


def one_case(db) -> list[int]:
    """A case's office alerts (SMS and email), not queued."""
    _, ids = cases.open_case(db, NewCase("aspen-ridge-high-school", "sms", "k", "+1", "x"))
    return ids


def age(db, delivery_id: int, worker: str, seconds: float) -> None:
    """Make the claim and the worker's last heartbeat `seconds` old."""
    then = now() - timedelta(seconds=seconds)
    with db.session() as s:
        s.execute(update(Delivery).where(Delivery.id == delivery_id).values(claimed_at=then))
        s.execute(update(Replay).where(Replay.key == outbox.WORKER + worker).values(at=then))


def test_a_claim_is_given_back_once_its_worker_is_silent(make_runtime):
    db = make_runtime().db
    first, second = one_case(db)
    lease, silent = timedelta(minutes=10), timedelta(seconds=5)
    SqlReplayStore(db).put(outbox.WORKER + "w1", "")
    assert outbox.claim(db, first, lease, "w1") is not None
    assert outbox.claim(db, second, lease) is not None  # no worker named: only the lease
    assert outbox.release(db, lease, silent) == []  # w1 beats
    age(db, first, "w1", 6)
    age(db, second, "", 6)
    assert outbox.release(db, lease, silent) == [first]
    with db.session() as s:
        row = s.get(Delivery, first)
        assert (row.status, row.claimed_by, row.attempts) == ("pending", "", 1)
    job = outbox.claim(db, first, lease, "w2")
    assert job is not None and job.uncertain  # the provider is asked before sending again
    assert outbox.release(db, timedelta(seconds=5), silent) == [second]  # the lease ran out


def test_a_young_claim_is_kept_while_its_worker_starts_beating(make_runtime):
    db = make_runtime().db
    first, _ = one_case(db)
    assert outbox.claim(db, first, timedelta(minutes=10), "w1") is not None  # no beat yet
    assert outbox.release(db, timedelta(minutes=10), timedelta(seconds=5)) == []


def test_a_sweep_never_queues_a_delivery_twice(make_runtime):
    runtime = make_runtime(SRO_DELIVERY_LEASE_SECONDS="60")
    huey = runtime.queue.huey
    new_case(runtime)
    assert huey.pending_count() == 2  # the SMS and the email
    for _ in range(5):  # the minute sweep, and one check per case opened in a surge
        assert runtime.queue.sweep() == 0
    runtime.notifier.deliveries_added(one_case(runtime.db))
    assert huey.pending_count() == 4
    huey.flush()  # the queue lost its tasks (a Redis restart without persistence)
    with runtime.db.session() as s:  # queued longer ago than the lease: they should have run
        s.execute(update(Delivery).values(claimed_at=now() - timedelta(seconds=61)))
    assert runtime.queue.sweep() == 4 and huey.pending_count() == 4
    assert runtime.queue.sweep() == 0 and huey.pending_count() == 4


def test_a_queue_that_refuses_a_task_leaves_it_for_the_sweep(make_runtime):
    runtime = make_runtime(SRO_REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    ids = one_case(runtime.db)
    runtime.notifier.deliveries_added(ids)  # logged; nothing marked queued
    healthy = make_runtime()
    assert healthy.queue.sweep() == 2 and healthy.queue.huey.pending_count() == 2


def test_a_delivery_not_due_yet_waits_for_the_sweep(make_runtime):
    runtime = make_runtime()
    ids = one_case(runtime.db)
    with runtime.db.session() as s:
        s.execute(update(Delivery).values(not_before=now() + timedelta(minutes=5)))
    runtime.notifier.deliveries_added(ids)
    assert runtime.queue.huey.pending_count() == 0


@pytest.fixture(params=["sqlite", "redis"])
def queue_env(request) -> dict[str, str]:
    """The SQLite queue, or a throwaway redis-server (skipped when not installed)."""
    if request.param == "sqlite":
        return {}
    return {"SRO_REDIS_URL": request.getfixturevalue("redis_url")}


def test_an_alert_queued_after_many_reminders_goes_first(make_runtime, twilio_rest, queue_env):
    runtime = make_runtime(**queue_env)
    reminders = [
        Delivery(key=f"r{n}", purpose="realert", medium="sms", address=OFFICE, body=f"R{n}")
        for n in range(30)
    ]
    alert = Delivery(key="a", purpose="alert", medium="sms", address=OFFICE, body="URGENT")
    with runtime.db.session() as s:
        s.add_all(reminders)
        s.flush()
        s.add(alert)  # queued last
    assert runtime.queue.sweep() == 31
    worker = Worker(runtime.queue, workers=1)  # tasks strictly in queue order
    try:
        wait_for(lambda: set(statuses(runtime.db)) == {"sent"}, timeout=30)
    finally:
        worker.stop()
    assert twilio_rest.to(OFFICE)[0] == "URGENT" and len(twilio_rest.to(OFFICE)) == 31


def test_a_killed_worker_s_claim_is_taken_over_by_another_before_the_lease(
    make_runtime, alert_env, db_url, twilio_rest, tmp_path
):
    env = {
        **alert_env,
        "DATABASE_URL": db_url,
        "SRO_DELIVERY_LEASE_SECONDS": "600",  # far beyond this test's waits
        "SRO_WORKER_SILENT_SECONDS": "1",
    }
    log = tmp_path / "worker.log"
    twilio_rest.stall = True  # the SMS reaches Twilio; its worker dies before hearing back
    first = start_worker(env, log)
    second = None
    try:
        new_case(make_runtime())
        assert twilio_rest.stalled.wait(30), log.read_text()
        second = start_worker(env, log)  # alive beside the stalled one
        time.sleep(3)  # three silences long: a live worker's claim is never taken
        with make_runtime().db.session() as s:
            sms = s.scalar(select(Delivery).where(Delivery.medium == "sms"))
            assert sms.status == "sending" and sms.claimed_by
            owner = sms.claimed_by
        kill(first)
        twilio_rest.release.set()
        wait_for(lambda: statuses(make_runtime().db) == ["sent", "sent"], timeout=30)
    finally:
        for worker in (first, second):
            if worker and worker.poll() is None:
                worker.terminate()
                worker.wait(10)
    with make_runtime().db.session() as s:
        sms = s.scalar(select(Delivery).where(Delivery.medium == "sms"))
        assert sms.attempts == 2 and sms.claimed_by not in ("", owner)
        assert sms.provider_id == "SM" + "1".zfill(32)  # found by the lookup, not sent again
    assert twilio_rest.creates == 1 and len(twilio_rest.to(OFFICE)) == 1
    assert '"delivery_taken_over"' in log.read_text()
