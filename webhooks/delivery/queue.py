"""The alert queue on huey: deliver outbox rows with retries and backoff, re-alert when nobody
acknowledges, and sweep up anything a crash or an outage left behind.

huey runs on SQLite by default (no server) and on Redis when SRO_REDIS_URL is set. The outbox
rows in the database, not the queue, are the record of what must be sent: a task lost with a
killed worker is found again by the sweep, and webhooks.delivery.outbox makes a second attempt
harmless. First alerts go ahead of everything else (huey priorities; on Redis a sorted set).

Each worker process stamps a heartbeat every few seconds; when a worker dies mid-send, the
others (or its successor) give its claims back as soon as its heartbeat is silent for
SRO_WORKER_SILENT_SECONDS, instead of waiting for the whole lease."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from huey import Huey, PriorityRedisHuey, SqliteHuey, crontab
from huey.storage import RedisStorage

from bot.escalation import cases, fallback
from bot.storage.db import Database
from bot.storage.models import now
from bot.storage.retention import Retention, purge
from bot.storage.stores import SqlReplayStore
from webhooks import logs
from webhooks.config import QueueConfig
from webhooks.delivery import outbox
from webhooks.delivery.clients import resend_wait
from webhooks.delivery.senders import NotConfigured, Senders


def make_huey(config: QueueConfig, name: str = "sro-bot") -> Huey:
    """PriorityRedisHuey (Redis 5 or later) when SRO_REDIS_URL is set, else SqliteHuey in a
    file (its folder created). Both run higher priorities first."""
    if config.redis_url:
        return PriorityRedisHuey(name, url=config.redis_url, results=False)  # nobody reads them
    Path(config.queue_path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=config.queue_path, results=False)


HEARTBEAT = "worker:heartbeat"  # the replays row a sweep stamps with its time
URGENT = 10  # the priority of first alerts; re-alerts, digests, acks, relays and answers: 0


def priority(purpose: str) -> int:
    """First alerts before everything else."""
    return URGENT if purpose == "alert" else 0


def worker_id() -> str:
    """This process's name in claimed_by: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def drop_list_queue(huey: Huey) -> None:
    """Before priorities, the Redis queue was a list under the key the sorted set uses now. Its
    tasks are dropped: the outbox holds what they were for, and the sweep queues it again."""
    storage = huey.storage
    if isinstance(storage, RedisStorage) and storage.conn.type(storage.queue_key) == b"list":
        storage.conn.delete(storage.queue_key)
        logs.event("queue_upgraded", level=logging.WARNING, kind="redis list to sorted set")


class AlertQueue:
    """One huey instance with the tasks registered on it; producer and worker build the same."""

    def __init__(
        self,
        config: QueueConfig,
        db: Database,
        senders: Senders,
        huey: Huey | None = None,
        retention: Retention | None = None,
    ):
        self.config, self.db, self.senders = config, db, senders
        self.retention = retention or Retention()
        self.huey = huey or make_huey(config)
        self.lease = timedelta(seconds=config.lease_seconds)
        self.silent = timedelta(seconds=config.worker_silent_seconds)
        self.worker = ""  # this process's id once its heartbeat runs (a consumer started)
        self._starting, self._stopped = threading.Lock(), threading.Event()
        self.deliver = self.huey.task(name="deliver")(self._deliver)  # retries: _failed
        self.check = self.huey.task(name="check")(self.sweep)
        self.periodic = self.huey.periodic_task(crontab(minute="*"), name="sweep")(self.sweep)
        nightly = crontab(minute="17", hour="9")  # 02:17 in Calgary
        self.nightly = self.huey.periodic_task(nightly, name="purge")(self._purge)
        self.huey.on_startup("start")(self._start)
        self.huey.on_shutdown("stop")(self._stopped.set)

    def _purge(self) -> None:
        """Delete what is older than the retention ages; counts only in the log."""
        removed = purge(self.db, self.retention)
        logs.event("purged", **removed)

    def _deliver(self, delivery_id: int) -> str:
        job = outbox.claim(self.db, delivery_id, self.lease, self.worker)
        if job is None:
            return "not mine"  # sent already, or another worker holds it
        try:
            provider_id = (self.senders.already_sent(job) if job.uncertain else None) or (
                self.senders.send(job)
            )
        except NotConfigured as exc:
            outbox.mark_unconfigured(self.db, delivery_id, str(exc))
            logs.event(
                "delivery_unconfigured",
                level=logging.WARNING,
                delivery=delivery_id,
                medium=job.medium,
                reason=str(exc),
            )
            return "unconfigured"
        except Exception as exc:
            return self._failed(job, exc)
        outbox.mark_sent(self.db, delivery_id, provider_id)
        logs.event("delivered", delivery=delivery_id, medium=job.medium, attempt=job.attempts)
        return "sent"

    def _failed(self, job: outbox.Job, exc: Exception) -> str:
        """One retry chain per delivery: the attempt that failed schedules the next, after a
        wait doubling up to retry_max_seconds (longer when the provider asks), until
        give_up_hours after the delivery was queued; then it shows as given up."""
        c = self.config
        if job.created_at < now() - timedelta(hours=c.give_up_hours):
            outbox.mark_gave_up(self.db, job.id, type(exc).__name__)
            logs.event("delivery_gave_up", level=logging.ERROR, delivery=job.id, medium=job.medium)
            self._fall_back(job, given_up=True)
            return "gave up"
        backoff = min(c.retry_delay * 2 ** (job.attempts - 1), c.retry_max_seconds)
        wait = max(resend_wait(exc) or 0.0, backoff)
        outbox.mark_failed(self.db, job.id, type(exc).__name__, wait)
        logs.event(
            "delivery_failed",
            level=logging.WARNING,
            delivery=job.id,
            medium=job.medium,
            attempt=job.attempts,
            error=type(exc).__name__,
            retry_in=round(wait, 1),
        )
        try:
            self.deliver.schedule((job.id,), delay=wait, priority=priority(job.purpose))
        except Exception as enqueue:  # the row waits; the sweep finds it once it is due
            logs.event("enqueue_failed", level=logging.ERROR, error=type(enqueue).__name__)
        self._fall_back(job)
        return "failed"

    def _fallback_due(self, job: outbox.Job, given_up: bool) -> bool:
        """Whether a failing delivery has failed fallback_attempts times, has been failing
        since fallback_minutes after it was queued, or was given up (fallback_attempts 0:
        never)."""
        c = self.config
        failing_since = now() - timedelta(minutes=c.fallback_minutes)
        long_enough = job.attempts >= c.fallback_attempts or job.created_at <= failing_since
        return c.fallback_attempts > 0 and (given_up or long_enough)

    def _fall_back(self, job: outbox.Job, given_up: bool = False) -> None:
        """When due, send a failing office alert also to the school's other channels and backup
        contacts, once each (bot.escalation.fallback); the original keeps retrying."""
        if not self._fallback_due(job, given_up):
            return
        try:
            ids = fallback.add_copies(self.db, job.id)
        except Exception as exc:  # the next failure tries again
            logs.event(
                "fallback_failed", level=logging.ERROR, delivery=job.id, error=type(exc).__name__
            )
            return
        if ids:
            logs.event("fallback_queued", level=logging.WARNING, delivery=job.id, copies=len(ids))
            QueueNotifier(self).deliveries_added(ids)

    def send_later(self, medium: str, address: str, bodies: Sequence[str], wait: float) -> None:
        """Replies a chat channel could not send at once: outbox rows (no case) that the worker
        sends in this order, not before `wait` seconds. If the queue is down the rows stay and
        the sweep finds them."""
        ids = outbox.add_answers(self.db, medium, address, bodies, wait)
        try:
            for delivery_id in ids:
                self.deliver(delivery_id, delay=wait or None)
        except Exception as exc:
            logs.event("enqueue_failed", level=logging.ERROR, error=type(exc).__name__)

    def enqueue(self, ids: Sequence[int] | None = None) -> int:
        """Queue these deliveries (None: all) that are due and not queued already, first
        alerts first; how many were queued. A delivery queued or tried within the lease is
        left alone: its task is on the way."""
        queued = outbox.mark_queued(self.db, self.lease, ids)
        for n, (delivery_id, purpose) in enumerate(queued):
            try:
                self.deliver(delivery_id, priority=priority(purpose))
            except Exception:  # the queue is down: the next sweep queues the rest
                outbox.unmark_queued(self.db, [i for i, _ in queued[n:]])
                raise
        return len(queued)

    def sweep(self) -> int:
        """Take over the claims of stopped workers, add the re-alerts now due, and queue every
        delivery that needs it; how many were queued. Each sweep also says the worker is alive
        (/healthz shows when it last did)."""
        SqlReplayStore(self.db).put(HEARTBEAT, now().isoformat())
        self._take_over()
        after = timedelta(minutes=self.config.realert_minutes)
        cases.due_for_realert(self.db, after, self.senders.config.public_base_url)
        return self.enqueue()

    def _take_over(self) -> list[int]:
        """Give back the claims of workers that crashed (silent heartbeat) or ran past the
        lease; their ids."""
        ids = outbox.release(self.db, self.lease, self.silent)
        for delivery_id in ids:
            logs.event("delivery_taken_over", level=logging.WARNING, delivery=delivery_id)
        return ids

    def _start(self) -> None:
        """On worker start (every consumer thread calls it; the first one acts): stamp this
        process's heartbeat, keep it beating, and resume what was pending."""
        with self._starting:
            if self.worker:
                return
            worker = worker_id()
            SqlReplayStore(self.db).put(outbox.WORKER + worker, now().isoformat())
            self.worker = worker
        threading.Thread(target=self._beat, name="heartbeat", daemon=True).start()
        drop_list_queue(self.huey)
        self.sweep()

    def _beat(self) -> None:
        """Four times per SRO_WORKER_SILENT_SECONDS until the consumer stops: stamp the
        heartbeat, and queue at once what a silent worker had claimed."""
        while not self._stopped.wait(self.silent.total_seconds() / 4):
            try:
                SqlReplayStore(self.db).put(outbox.WORKER + self.worker, now().isoformat())
                self.enqueue(self._take_over())
            except Exception as exc:  # the database or the queue is down: try at the next beat
                logs.event("heartbeat_failed", level=logging.WARNING, error=type(exc).__name__)


class QueueNotifier:
    """bot.escalation.flow.Notifier that hands deliveries to the queue; if the queue is down the
    rows stay in the outbox and the next sweep sends them."""

    def __init__(self, queue: AlertQueue):
        self.queue = queue

    def deliveries_added(self, ids: Sequence[int]) -> None:
        """Queue each delivery that is due (a digest waits for the sweep), first alerts first."""
        try:
            self.queue.enqueue(ids)
        except Exception as exc:  # the outbox keeps them; the sweep will find them
            logs.event("enqueue_failed", level=logging.ERROR, error=type(exc).__name__)

    def case_opened(self, case_id: int) -> None:
        """Look for an unacknowledged case once the re-alert time has passed."""
        delay = self.queue.config.realert_minutes * 60 + 1
        try:
            self.queue.check.schedule(delay=delay)
        except Exception as exc:
            logs.event(
                "enqueue_failed", level=logging.ERROR, case=case_id, error=type(exc).__name__
            )
