"""The outbox protocol a delivery worker follows, so each message is sent once.

claim() moves a delivery from pending/failed (or an abandoned `sending`, older than the
lease) to `sending` in one UPDATE, so two workers never both own it. A claim whose previous
attempt may have reached the provider is marked `uncertain`: the worker first asks the
provider whether it went out (Twilio's message list), and only sends when it did not. A
delivery with a not_before time in the future (Telegram's retry_after) cannot be claimed yet.

Deliveries come from cases (bot.escalation.cases) and, without a case, from chat replies a
channel could not send at once (add_answers)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from bot.storage.db import Database
from bot.storage.models import Delivery, now

RETRYABLE = ("pending", "failed")


@dataclass(frozen=True)
class Job:
    """One claimed delivery, detached from the database."""

    id: int
    key: str
    medium: str
    address: str
    subject: str
    body: str
    attempts: int
    uncertain: bool
    created_at: datetime


def _claimable(lease: timedelta):
    abandoned = (Delivery.status == "sending") & (Delivery.claimed_at < now() - lease)
    due = or_(Delivery.not_before.is_(None), Delivery.not_before <= now())
    return or_(Delivery.status.in_(RETRYABLE), abandoned) & due


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


def claim(db: Database, delivery_id: int, lease: timedelta) -> Job | None:
    """Own this delivery for one attempt, or None when it is sent or someone else owns it."""
    with db.session() as session:
        claimed = session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, _claimable(lease))
            .values(status="sending", claimed_at=now(), attempts=Delivery.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = _row(session, delivery_id)
        session.refresh(row)
        fields = ("id", "key", "medium", "address", "subject", "body", "attempts", "created_at")
        return Job(**{f: getattr(row, f) for f in fields}, uncertain=row.attempts > 1)


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
