"""The alert queue on huey: deliver outbox rows with retries and backoff, re-alert when nobody
acknowledges, and sweep up anything a crash or an outage left behind.

huey runs on SQLite by default (no server) and on Redis when SRO_REDIS_URL is set. The outbox
rows in the database, not the queue, are the record of what must be sent: a task lost with a
killed worker is found again by the sweep, and webhooks.delivery.outbox makes a second attempt
harmless."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey, crontab

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
    """RedisHuey when SRO_REDIS_URL is set, else SqliteHuey in a file (its folder created)."""
    if config.redis_url:
        return RedisHuey(name, url=config.redis_url, results=False)  # nothing reads them
    Path(config.queue_path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=config.queue_path, results=False)


HEARTBEAT = "worker:heartbeat"  # the replays row a sweep stamps with its time


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
        self.deliver = self.huey.task(name="deliver")(self._deliver)  # retries: _failed
        self.check = self.huey.task(name="check")(self.sweep)
        self.periodic = self.huey.periodic_task(crontab(minute="*"), name="sweep")(self.sweep)
        nightly = crontab(minute="17", hour="9")  # 02:17 in Calgary
        self.nightly = self.huey.periodic_task(nightly, name="purge")(self._purge)
        self.huey.on_startup("recover")(self._recover)

    def _purge(self) -> None:
        """Delete what is older than the retention ages; counts only in the log."""
        removed = purge(self.db, self.retention)
        logs.event("purged", **removed)

    def _deliver(self, delivery_id: int) -> str:
        job = outbox.claim(self.db, delivery_id, self.lease)
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
            self.deliver.schedule((job.id,), delay=wait)
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

    def sweep(self) -> int:
        """Queue every unsent delivery and every re-alert now due; how many were queued. Each
        sweep also says the worker is alive (/healthz shows when it last did)."""
        SqlReplayStore(self.db).put(HEARTBEAT, now().isoformat())
        after = timedelta(minutes=self.config.realert_minutes)
        url = self.senders.config.public_base_url
        ids = cases.due_for_realert(self.db, after, url) + outbox.unsent(self.db, self.lease)
        for delivery_id in dict.fromkeys(ids):
            self.deliver(delivery_id)
        return len(ids)

    def _recover(self) -> None:
        """On worker start: resume what was pending, and look again once leases expire."""
        self.sweep()
        self.check.schedule(delay=self.config.lease_seconds + 1)


class QueueNotifier:
    """bot.escalation.flow.Notifier that hands deliveries to the queue; if the queue is down the
    rows stay in the outbox and the next sweep sends them."""

    def __init__(self, queue: AlertQueue):
        self.queue = queue

    def deliveries_added(self, ids: Sequence[int]) -> None:
        """Queue each delivery."""
        try:
            for delivery_id in ids:
                self.queue.deliver(delivery_id)
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
