"""How long things are kept, and the purge that deletes what is older (`sro-bot purge`, and the
worker once a day). Open cases are never purged; a closed case goes with its messages and its
deliveries; deliveries without a case (late chat answers) go once sent or given up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from bot.storage.db import Database
from bot.storage.models import (
    AuditEntry,
    Case,
    Conversation,
    Delivery,
    RateWindow,
    Unanswered,
    now,
)


@dataclass(frozen=True)
class Retention:
    """Ages in days after which each kind of record is deleted."""

    closed_cases: int = 90  # after the case was resolved
    unanswered: int = 30
    conversations: int = 7  # after the sender's last message
    deliveries: int = 30  # delivery records without a case
    audit: int = 365


def purge(db: Database, keep: Retention, at: datetime | None = None) -> dict[str, int]:
    """Delete what is older than `keep`; how many rows of each kind went."""
    at = at or now()

    def before(days: int) -> datetime:
        return at - timedelta(days=days)

    with db.session() as session:
        closed = select(Case.id).where(
            Case.status == "resolved", Case.resolved_at < before(keep.closed_cases)
        )
        ids = list(session.scalars(closed))
        removed = {"deliveries": 0, "cases": 0}
        if ids:
            removed["deliveries"] += _count(
                session, delete(Delivery).where(Delivery.case_id.in_(ids))
            )
            session.execute(update(Case).where(Case.incident_id.in_(ids)).values(incident_id=None))
            # the audit trail outlives the case: its rows keep what staff did, not to whom
            session.execute(
                update(AuditEntry).where(AuditEntry.case_id.in_(ids)).values(case_id=None)
            )
            for case in session.scalars(select(Case).where(Case.id.in_(ids))):
                session.delete(case)  # its messages go with it (cascade)
            removed["cases"] = len(ids)
        loose = delete(Delivery).where(
            Delivery.case_id.is_(None),
            Delivery.status.in_(("sent", "failed")),
            Delivery.created_at < before(keep.deliveries),
        )
        removed["deliveries"] += _count(session, loose)
        removed["unanswered"] = _count(
            session, delete(Unanswered).where(Unanswered.created_at < before(keep.unanswered))
        )
        removed["conversations"] = _count(
            session,
            delete(Conversation).where(Conversation.updated_at < before(keep.conversations)),
        )
        over = int(at.timestamp()) - 3600  # windows that ended an hour ago or more
        removed["rate_windows"] = _count(
            session, delete(RateWindow).where(RateWindow.started < over)
        )
        removed["audit"] = _count(
            session, delete(AuditEntry).where(AuditEntry.at < before(keep.audit))
        )
        return removed


def _count(session, statement) -> int:
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount
