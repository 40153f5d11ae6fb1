"""The outbox protocol a delivery worker follows, so each message is sent once.

claim() moves a delivery from pending/failed (or an abandoned `sending`, older than the
lease) to `sending` in one UPDATE, so two workers never both own it, and names the worker in
claimed_by. release() gives back the claims of a worker whose heartbeat went silent (a crash)
well before the lease runs out. A claim whose previous attempt may have reached the provider
is marked `uncertain`: the worker first asks the provider whether it went out (Twilio's
message list), and only sends when it did not. A delivery with a not_before time in the
future (Telegram's retry_after) cannot be claimed yet.

While a delivery waits for its task, claimed_by is QUEUED and claimed_at says when it was
queued (mark_queued), so a sweep does not queue it again while that task is on the way.

Deliveries come from cases (bot.escalation.cases) and, without a case, from chat replies a
channel could not send at once (add_answers)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, exists, func, literal, or_, select, update

from bot.storage.db import Database
from bot.storage.models import Delivery, Replay, now

RETRYABLE = ("pending", "failed")
WORKER = "worker:"  # a worker's heartbeat: the replays row WORKER + its id, stamped while alive
QUEUED = "queued"  # claimed_by of a delivery whose task is in the queue


@dataclass(frozen=True)
class Job:
    """One claimed delivery, detached from the database."""

    id: int
    key: str
    purpose: str
    medium: str
    address: str
    subject: str
    body: str
    attempts: int
    uncertain: bool
    created_at: datetime


def _due():
    return or_(Delivery.not_before.is_(None), Delivery.not_before <= now())


def _claimable(lease: timedelta):
    abandoned = (Delivery.status == "sending") & (Delivery.claimed_at < now() - lease)
    return or_(Delivery.status.in_(RETRYABLE), abandoned) & _due()


def _after(wait: float) -> datetime | None:
    return now() + timedelta(seconds=wait) if wait > 0 else None


def add_answers(
    db: Database, medium: str, address: str, bodies: Sequence[str], wait: float = 0.0
) -> list[int]:
    """Outbox rows, in this order, for replies to a chat that could not be sent at once; none
    is claimable before `wait` seconds. Their ids."""
    rows = [
        Delivery(
            key=f"answer:{uuid.uuid4().hex}",
            purpose="answer",
            medium=medium,
            address=address,
            body=body,
            not_before=_after(wait),
        )
        for body in bodies
    ]
    with db.session() as session:
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def _row(session, delivery_id: int) -> Delivery:
    row = session.get(Delivery, delivery_id)
    if row is None:
        raise LookupError(f"no delivery {delivery_id}")
    return row


def claim(db: Database, delivery_id: int, lease: timedelta, worker: str = "") -> Job | None:
    """Own this delivery for one attempt, or None when it is sent or someone else owns it.
    `worker`: the id whose heartbeat vouches for the claim ("": only the lease does)."""
    with db.session() as session:
        claimed = session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, _claimable(lease))
            .values(
                status="sending",
                claimed_at=now(),
                claimed_by=worker,
                attempts=Delivery.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = _row(session, delivery_id)
        session.refresh(row)
        fields = ("id", "key", "purpose", "medium", "address", "subject", "body", "attempts")
        values = {f: getattr(row, f) for f in fields}
        return Job(**values, created_at=row.created_at, uncertain=row.attempts > 1)


def release(db: Database, lease: timedelta, silent: timedelta) -> list[int]:
    """Give back the claims of workers that stopped: no heartbeat for `silent` (a crash), or
    the lease ran out. Pending again, they need queueing (their ids); the next attempt asks
    the provider first, since this one may have reached it."""
    alive = exists().where(
        Replay.key == literal(WORKER, String) + Delivery.claimed_by,
        Replay.at >= now() - silent,
    )
    crashed = (Delivery.claimed_by != "") & (Delivery.claimed_at < now() - silent) & ~alive
    expired = Delivery.claimed_at < now() - lease
    statement = (
        update(Delivery)
        .where(Delivery.status == "sending", or_(crashed, expired))
        .values(status="pending", claimed_at=None, claimed_by="")
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    )
    with db.session() as session:
        return sorted(session.scalars(statement))


def mark_queued(
    db: Database, again_after: timedelta, ids: Sequence[int] | None = None
) -> list[tuple[int, str]]:
    """Stamp as queued now the deliveries (of `ids`, or all) that are due and were not queued
    in the last `again_after`: (id, purpose) of each, oldest first. Only these need a task;
    the others have one on the way (a task lost with its queue is queued again later)."""
    if ids is not None and not ids:
        return []
    queued = (Delivery.claimed_by == QUEUED) & (Delivery.claimed_at >= now() - again_after)
    waiting = Delivery.status.in_(RETRYABLE) & _due() & ~queued
    if ids is not None:
        waiting &= Delivery.id.in_(ids)
    statement = (
        update(Delivery)
        .where(waiting)
        .values(claimed_at=now(), claimed_by=QUEUED)
        .returning(Delivery.id, Delivery.purpose)
        .execution_options(synchronize_session=False)
    )
    with db.session() as session:
        return sorted((row.id, row.purpose) for row in session.execute(statement))


def unmark_queued(db: Database, ids: Sequence[int]) -> None:
    """The queue refused these deliveries: not queued after all."""
    statement = (
        update(Delivery)
        .where(Delivery.id.in_(ids), Delivery.claimed_by == QUEUED)
        .values(claimed_at=None, claimed_by="")
        .execution_options(synchronize_session=False)
    )
    with db.session() as session:
        session.execute(statement)


def mark_sent(db: Database, delivery_id: int, provider_id: str) -> None:
    """Record that the provider accepted the message."""
    with db.session() as session:
        row = _row(session, delivery_id)
        row.status, row.sent_at, row.provider_id, row.last_error = "sent", now(), provider_id, ""


def mark_failed(db: Database, delivery_id: int, error: str, wait: float = 0.0) -> None:
    """Record a failed attempt; the delivery stays eligible for a retry (after `wait` seconds,
    when the provider asked for a pause)."""
    with db.session() as session:
        row = _row(session, delivery_id)
        row.status, row.last_error, row.not_before = "failed", error[:200], _after(wait)


def unsent(db: Database, lease: timedelta) -> list[int]:
    """Deliveries nobody is working on (pending, failed, or abandoned mid-send), oldest first."""
    query = select(Delivery.id).where(_claimable(lease)).order_by(Delivery.id)
    with db.session() as session:
        return list(session.scalars(query))


def backlog(db: Database) -> tuple[int, datetime | None]:
    """How many deliveries are not sent yet (given up ones included), and when the oldest was
    queued."""
    waiting = Delivery.status.notin_(("sent", "unconfigured"))
    with db.session() as session:
        count = session.scalar(select(func.count()).select_from(Delivery).where(waiting)) or 0
        oldest = session.scalar(select(func.min(Delivery.created_at)).where(waiting))
    return count, oldest


def mark_gave_up(db: Database, delivery_id: int, error: str) -> None:
    """Retried for as long as configured: no more attempts (the dashboard shows it)."""
    with db.session() as session:
        row = _row(session, delivery_id)
        row.status, row.last_error = "gave_up", error[:200]


def mark_unconfigured(db: Database, delivery_id: int, reason: str) -> None:
    """The channel has no credentials: not retried until someone configures it."""
    with db.session() as session:
        row = _row(session, delivery_id)
        row.status, row.last_error = "unconfigured", reason[:200]
