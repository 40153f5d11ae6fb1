"""The outbox protocol a delivery worker follows, so each message is sent once.

claim() moves a delivery from pending/failed (or an abandoned `sending`, older than the
lease) to `sending` in one UPDATE, so two workers never both own it. A claim whose previous
attempt may have reached the provider is marked `uncertain`: the worker first asks the
provider whether it went out (Twilio's message list), and only sends when it did not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from bot.storage.db import Database
from bot.storage.models import Delivery, now

RETRYABLE = ("pending", "failed")
MAX_ATTEMPTS = 30  # after that a failed delivery waits for a person (it shows as failed)


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
    return or_(Delivery.status.in_(RETRYABLE), abandoned)


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


def mark_failed(db: Database, delivery_id: int, error: str) -> None:
    """Record a failed attempt; the delivery stays eligible for a retry."""
    with db.session() as session:
        row = _row(session, delivery_id)
        row.status, row.last_error = "failed", error[:200]


def unsent(db: Database, lease: timedelta) -> list[int]:
    """Deliveries nobody is working on: pending, failed, or abandoned mid-send."""
    query = select(Delivery.id).where(_claimable(lease), Delivery.attempts < MAX_ATTEMPTS)
    with db.session() as session:
        return list(session.scalars(query))


def mark_unconfigured(db: Database, delivery_id: int, reason: str) -> None:
    """The channel has no credentials: not retried until someone configures it."""
    with db.session() as session:
        row = _row(session, delivery_id)
        row.status, row.last_error = "unconfigured", reason[:200]
