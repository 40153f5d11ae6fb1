"""Cases in the database: open one with its office alerts, acknowledge, reply, resolve, and
re-alert the backup contact when nobody acknowledges in time.

Every outgoing message is first written as a Delivery row (an outbox) in the same transaction
as the change that caused it; a queue worker sends it later. The functions return the new
delivery ids so the caller can hand them to its Notifier."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.storage.db import Database
from bot.storage.models import Case, CaseMessage, Delivery, OptOut, School, now
from bot.wording import alerts

PUSH_CHANNELS = ("sms", "telegram")  # channels a reply can be pushed to
INCIDENT_WINDOW = timedelta(minutes=30)  # URGENT reports about one school join one incident
DIGEST_WINDOW = timedelta(minutes=5)  # the office hears of further reports once per window
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed back
CODE_LENGTH = 8
CODE_IN_TEXT = re.compile(rf"\b([{CODE_ALPHABET}]{{4}})-?([{CODE_ALPHABET}]{{4}})\b", re.I)
STAFF_CODE_PREFIX = "R-"  # the office's reply code: "R-K7PX3Q", never a sender's "K7PX-3QWM"
STAFF_CODE_LENGTH = 6


@dataclass(frozen=True)
class NewCase:
    """What the conversation collected before a case is opened."""

    school_slug: str
    channel: str
    sender_key: str
    reply_to: str
    text: str
    share_number: bool = False
    contact_name: str = ""
    urgent: bool = False
    lang: str = "en"


def _add(session: Session, case: Case, purpose: str, medium: str, address: str, **kw) -> Delivery:
    key = kw.pop("key", f"case{case.id}:{purpose}:{medium}:{address}")
    delivery = Delivery(key=key, case_id=case.id, purpose=purpose, medium=medium, **kw)
    delivery.address = address
    session.add(delivery)
    return delivery


def sms_alert_phone(school: School) -> str:
    """Where SMS alerts and digests go: the school's alert mobile when it has one (its main
    line is often a landline, which cannot receive SMS), otherwise the main line."""
    return school.alert_phone or school.office_phone


def _office_alerts(
    session: Session, case: Case, text: str, backup: bool, url: str
) -> list[Delivery]:
    school, again = case.school, backup
    body = alerts.alert_text(case, text, url, again)
    targets = [("sms", sms_alert_phone(school)), ("email", school.office_email)]
    targets.append(("telegram", school.telegram_chat))
    if backup:
        targets += [("sms", school.backup_phone), ("email", school.backup_email)]
    targets = list(dict.fromkeys(targets))  # a backup may share the office's number
    purpose = "realert" if backup else "alert"
    subject = alerts.alert_subject(case, again)
    return [_add(session, case, purpose, m, a, body=body, subject=subject) for m, a in targets if a]


def open_case(db: Database, new: NewCase, office_url: str = "") -> tuple[Case, list[int]]:
    """Store the case and its first message, and queue the office alerts (office_url: the
    public base URL the alerts link to). An URGENT report about a school with an incident
    under way joins it: the sender's own open case takes the message, or a new case joins the
    incident's lead; either way the office gets a digest, not another alert."""
    with db.session() as session:
        school = session.scalar(select(School).where(School.slug == new.school_slug))
        if school is None:
            raise LookupError(f"no school {new.school_slug!r}")
        lead = _incident_lead(session, school) if new.urgent else None
        own = _open_case_of(session, school, new.sender_key) if lead else None
        if lead is not None and own is not None:
            own.messages.append(CaseMessage(author="sender", text=new.text))
            session.flush()
            return own, [d.id for d in _digest(session, lead, office_url)]
        fields = {k: v for k, v in vars(new).items() if k not in ("school_slug", "text")}
        incident_id = lead.id if lead else None
        staff_code = new_staff_code(session)
        case = Case(
            school=school, code=new_code(), staff_code=staff_code, incident_id=incident_id, **fields
        )
        case.messages.append(CaseMessage(author="sender", text=new.text))
        session.add(case)
        session.flush()
        if lead is not None:
            deliveries = _digest(session, lead, office_url)
        else:
            deliveries = _office_alerts(session, case, new.text, False, office_url)
        session.flush()
        return case, [d.id for d in deliveries]


def _incident_lead(session: Session, school: School) -> Case | None:
    """The open URGENT case that started this school's incident within INCIDENT_WINDOW. The
    school's row is locked first (PostgreSQL), so reports arriving together find one lead."""
    session.execute(select(School.id).where(School.id == school.id).with_for_update())
    query = (
        select(Case)
        .where(
            Case.school_id == school.id,
            Case.urgent.is_(True),
            Case.incident_id.is_(None),
            Case.status != "resolved",
            Case.created_at >= now() - INCIDENT_WINDOW,
        )
        .order_by(Case.id)
    )
    return session.scalars(query.limit(1)).first()


def _open_case_of(session: Session, school: School, key: str) -> Case | None:
    """The sender's own open URGENT case at this school within INCIDENT_WINDOW."""
    query = select(Case).where(
        Case.school_id == school.id,
        Case.sender_key == key,
        Case.urgent.is_(True),
        Case.status != "resolved",
        Case.created_at >= now() - INCIDENT_WINDOW,
    )
    return session.scalars(query.order_by(Case.id.desc()).limit(1)).first()


def _digest(session: Session, lead: Case, url: str) -> list[Delivery]:
    """The digest of this window of the incident: created by its first report, counted again
    by each later one while it waits, sent when the window ends (one per DIGEST_WINDOW)."""
    since = lead.created_at + DIGEST_WINDOW * ((now() - lead.created_at) // DIGEST_WINDOW)
    reports = session.scalar(
        select(func.count())
        .select_from(CaseMessage)
        .join(Case, CaseMessage.case_id == Case.id)
        .where(
            (Case.incident_id == lead.id) | (Case.id == lead.id),
            CaseMessage.author == "sender",
            CaseMessage.created_at >= since,
            CaseMessage.id != lead.messages[0].id,  # the report the first alert was about
        )
    )
    body = alerts.digest_text(lead, reports or 0, int(DIGEST_WINDOW.total_seconds() // 60), url)
    school, added = lead.school, []
    targets = [("sms", sms_alert_phone(school)), ("email", school.office_email)]
    for medium, address in [*targets, ("telegram", school.telegram_chat)]:
        if not address:
            continue
        key = f"incident{lead.id}:digest:{since.isoformat()}:{medium}:{address}"
        row = session.scalar(select(Delivery).where(Delivery.key == key))
        if row is None:
            subject = f"URGENT SRO incident {lead.number}: more reports"
            row = _add(session, lead, "digest", medium, address, key=key, body=body)
            row.subject, row.not_before = subject, since + DIGEST_WINDOW
            added.append(row)
        elif row.status == "pending":
            row.body = body
    session.flush()
    return added


def _to_sender(session: Session, case: Case, purpose: str, key: str, body: str) -> list[Delivery]:
    if case.channel not in PUSH_CHANNELS:
        return []  # web chat senders read replies with STATUS
    if case.channel == "sms" and session.get(OptOut, case.sender_key) is not None:
        return []  # the sender said STOP: the carrier forbids sending; STATUS still shows it
    delivery = _add(session, case, purpose, case.channel, case.reply_to, key=key, body=body)
    session.flush()  # the caller hands the ids to its notifier
    return [delivery]


def acknowledge(session: Session, case: Case) -> list[Delivery]:
    """Mark a new case acknowledged and tell the sender."""
    if case.status != "new":
        return []
    case.status, case.acknowledged_at = "acknowledged", now()
    return _to_sender(session, case, "ack", f"case{case.id}:ack", alerts.sender_note("ack", case))


def reply(session: Session, case: Case, author: str, text: str) -> list[Delivery]:
    """Store a staff reply and relay it to the sender's channel."""
    message = CaseMessage(author=author, text=text)
    case.messages.append(message)
    session.flush()
    note = alerts.sender_note("relay", case, text)
    deliveries = acknowledge(session, case) if case.status == "new" else []
    return deliveries + _to_sender(session, case, "relay", f"msg{message.id}:relay", note)


def resolve(case: Case) -> None:
    """Close a case."""
    case.status, case.resolved_at = "resolved", now()


def due_for_realert(
    db: Database, after: timedelta, office_url: str = "", at: datetime | None = None
) -> list[int]:
    """Alert again, with the backup contacts, every case still new after `after`."""
    cutoff = (at or now()) - after
    query = select(Case).where(
        Case.status == "new",
        Case.realerted_at.is_(None),
        Case.created_at <= cutoff,
        Case.incident_id.is_(None),  # an incident is alerted again once, through its lead
    )
    with db.session() as session:
        ids = []
        for case in session.scalars(query.with_for_update(skip_locked=True)):
            if not _claimed_for_realert(session, case):
                continue  # a sweep running at the same moment re-alerts it
            ids += _office_alerts(session, case, case.messages[0].text, True, office_url)
        session.flush()
        return [d.id for d in ids]


def _claimed_for_realert(session: Session, case: Case) -> bool:
    """Mark the case re-alerted in one UPDATE that only the first sweep wins."""
    won = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.realerted_at.is_(None))
        .values(realerted_at=now())
        .execution_options(synchronize_session=False)
    )
    return won.rowcount == 1  # type: ignore[attr-defined]


def cases_of_sender(db: Database, sender_key: str, limit: int = 3) -> list[dict]:
    """The sender's latest cases: number, school, status, latest staff reply."""
    query = select(Case).where(Case.sender_key == sender_key).order_by(Case.id.desc())
    with db.session() as session:
        rows = session.scalars(query.limit(limit))
        return [_summary(case) for case in rows]


def new_code() -> str:
    """A random case code such as "K7PX-3QWM" (40 bits: not guessable within any rate limit)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def new_staff_code(session: Session) -> str:
    """A random reply code for the office, such as "R-K7PX3Q", that no case has yet (30 bits:
    short to type on a phone; only a staff mobile of the case's school may use it)."""
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(STAFF_CODE_LENGTH))
        code = STAFF_CODE_PREFIX + raw
        if session.scalar(select(Case.id).where(Case.staff_code == code)) is None:
            return code


def code_in(text: str) -> str | None:
    """The case code a message carries ("status k7px3qwm", "K7PX-3QWM"), normalised."""
    m = CODE_IN_TEXT.search(text.upper())
    return f"{m.group(1)}-{m.group(2)}" if m else None


def case_by_code(db: Database, code: str) -> list[dict]:
    """The case with this code, as a one-item list (empty when there is none)."""
    with db.session() as session:
        case = session.scalar(select(Case).where(Case.code == code))
        return [_summary(case)] if case else []


def _summary(case: Case) -> dict:
    replies = [m.text for m in case.messages if m.author != "sender"]
    return {
        "number": case.number,
        "code": case.code or "",
        "school": case.school.name,
        "status": case.status,
        "reply": replies[-1] if replies else "",
    }
