"""When an office alert keeps failing: the same alert, once, to the school's other channels and
its backup contacts.

The queue worker calls add_copies once an alert, re-alert or digest has failed often enough
(webhooks.delivery.queue); the original keeps retrying. A copy's key names the alert and the
address, so however many failures, sweeps or workers ask, each address gets one copy, and an
address that already got (or is getting) the alert gets none."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.storage.db import Database
from bot.storage.models import Case, Delivery, School

ALERT_PURPOSES = ("alert", "realert", "digest")  # what the office is told; not sender notes
MARK = ":fallback:"  # in a copy's key, between the alert's key and the address's digest


@dataclass(frozen=True)
class Channel:
    """One configured way to reach a school's office."""

    label: str  # the School field it comes from, in words
    medium: str
    address: str


def channels(school: School) -> list[Channel]:
    """Every configured office channel of the school, backup contacts last; one per address.
    A school with an alert phone gets SMS there, never on its main line (often a landline)."""
    fields = (
        ("office phone", "sms", "" if school.alert_phone else school.office_phone),
        ("alert phone", "sms", school.alert_phone),
        ("office email", "email", school.office_email),
        ("telegram chat", "telegram", school.telegram_chat),
        ("backup phone", "sms", school.backup_phone),
        ("backup email", "email", school.backup_email),
    )
    found: dict[tuple[str, str], Channel] = {}
    for label, medium, address in fields:
        if address and address.strip():
            found.setdefault(_target(medium, address), Channel(label, medium, address.strip()))
    return list(found.values())


def _target(medium: str, address: str) -> tuple[str, str]:
    return medium, address.strip().lower()


def alert_key(row: Delivery) -> str:
    """The part of a delivery's key that all deliveries of the same alert share (the alert
    of a case, its re-alert, one digest window): the key without its medium and address."""
    if MARK in row.key:
        return row.key.split(MARK, 1)[0]
    return row.key.removesuffix(f":{row.medium}:{row.address}")


def copy_key(alert: str, channel: Channel) -> str:
    """The fallback copy's key: short whatever the address (keys hold 120 characters)."""
    medium, address = _target(channel.medium, channel.address)
    digest = hashlib.sha256(f"{medium}:{address}".encode()).hexdigest()[:16]
    return f"{alert}{MARK}{digest}"


def add_copies(db: Database, delivery_id: int) -> list[int]:
    """Queue the failing office alert `delivery_id` to each of its school's channels that has
    not had it; the new deliveries' ids (none for a reply to a sender, for a case the office
    has acknowledged, or when every channel has it already)."""
    with db.session() as session:
        row = session.get(Delivery, delivery_id)
        case = session.get(Case, row.case_id) if row and row.case_id else None
        if row is None or case is None or row.purpose not in ALERT_PURPOSES:
            return []
        if case.status != "new":
            return []  # someone at the office has it already
        alert, reached = alert_key(row), _reached(session, row)
        fields = {f: getattr(row, f) for f in ("case_id", "purpose", "subject", "body")}
        missing = [c for c in channels(case.school) if _target(c.medium, c.address) not in reached]
    copies = [_insert(db, copy_key(alert, c), c, fields) for c in missing]
    return [copy for copy in copies if copy is not None]


def _reached(session, row: Delivery) -> set[tuple[str, str]]:
    """Medium and address of every delivery of this alert, whatever its state."""
    alert = alert_key(row)
    query = select(Delivery).where(Delivery.case_id == row.case_id)
    same = [d for d in session.scalars(query) if alert_key(d) == alert]
    return {_target(d.medium, d.address) for d in [row, *same]}


def _insert(db: Database, key: str, channel: Channel, fields: dict) -> int | None:
    """Add one copy in its own transaction; None when another worker added it first."""
    try:
        with db.session() as session:
            copy = Delivery(key=key, medium=channel.medium, address=channel.address, **fields)
            session.add(copy)
            session.flush()
            return copy.id
    except IntegrityError:
        return None
