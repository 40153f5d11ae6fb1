"""Audit entries written by the bot itself (the office dashboard writes its own): what was
done or refused, for which school and case, never a message's text or a full phone number."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.storage.models import AuditEntry, Case


def record(
    session: Session,
    username: str,
    action: str,
    school_id: int | None,
    case: Case | None = None,
    detail: str = "",
) -> None:
    """Add one audit entry to the session's transaction."""
    session.add(
        AuditEntry(
            username=username,
            school_id=school_id,
            action=action,
            case_id=case.id if case else None,
            detail=detail[:200],
        )
    )


def phone_ending(phone: str) -> str:
    """How the audit names a staff mobile: "staff mobile ending 0199"."""
    return f"staff mobile ending {phone[-4:]}"
