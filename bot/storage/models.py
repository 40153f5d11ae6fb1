"""The tables: schools and schedules, conversations, cases, deliveries, staff, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python, naive UTC in the database (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store as naive UTC."""
        return value.astimezone(UTC).replace(tzinfo=None) if value is not None else None

    def process_result_value(self, value, dialect):
        """Read back as aware UTC."""
        return value.replace(tzinfo=UTC) if value is not None else None


def now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class School(Base):
    """One school: how to reach its main office and when its SRO is usually there."""

    __tablename__ = "schools"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    board: Mapped[str] = mapped_column(String(120), default="")
    office_phone: Mapped[str] = mapped_column(String(32), default="")
    office_email: Mapped[str] = mapped_column(String(254), default="")
    telegram_chat: Mapped[str] = mapped_column(String(64), default="")
    backup_phone: Mapped[str] = mapped_column(String(32), default="")
    backup_email: Mapped[str] = mapped_column(String(254), default="")
    alert_phone: Mapped[str] = mapped_column(String(32), default="")  # a mobile for SMS alerts
    staff_mobiles: Mapped[list] = mapped_column(JSON, default=list)  # may answer cases by SMS
    sro_name: Mapped[str] = mapped_column(String(120), default="")
    sro_days: Mapped[str] = mapped_column(String(40), default="")  # "mon,wed,fri"
    notice_text: Mapped[str] = mapped_column(Text, default="")
    notice_lockdown: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    exceptions: Mapped[list[ScheduleException]] = relationship(
        back_populates="school", cascade="all, delete-orphan", order_by="ScheduleException.day"
    )


class ScheduleException(Base):
    """A dated change to the usual days: the SRO is away, or there on an unusual day."""

    __tablename__ = "schedule_exceptions"
    __table_args__ = (UniqueConstraint("school_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    present: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(200), default="")
    school: Mapped[School] = relationship(back_populates="exceptions")


class Conversation(Base):
    """Per-sender conversation state, keyed by the hashed sender key."""

    __tablename__ = "conversations"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)


class Case(Base):
    """A message passed to a school's main office for its SRO."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender_key: Mapped[str] = mapped_column(String(64), index=True)
    reply_to: Mapped[str] = mapped_column(String(64))  # shown to staff only with consent
    share_number: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    lang: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    realerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    code: Mapped[str | None] = mapped_column(String(16), unique=True, index=True, nullable=True)
    staff_code: Mapped[str | None] = mapped_column(  # the office's reply code, not sequential
        String(16), unique=True, index=True, nullable=True
    )
    incident_id: Mapped[int | None] = mapped_column(  # the incident's first case; None: a lead
        ForeignKey("cases.id"), index=True, nullable=True
    )
    school: Mapped[School] = relationship()
    messages: Mapped[list[CaseMessage]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseMessage.id"
    )

    @property
    def number(self) -> str:
        """The case number people quote: SRO-1001, SRO-1002, ..."""
        return f"SRO-{1000 + self.id}"


class CaseMessage(Base):
    """One message of a case: from the sender, or a staff reply."""

    __tablename__ = "case_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(80))  # "sender" or a staff username
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    case: Mapped[Case] = relationship(back_populates="messages")


class Delivery(Base):
    """One outgoing message (outbox row); its key makes sending it idempotent."""

    __tablename__ = "deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    case_id: Mapped[int | None] = mapped_column(  # None: a chat reply sent late (an answer)
        ForeignKey("cases.id", ondelete="CASCADE"), index=True, nullable=True
    )
    purpose: Mapped[str] = mapped_column(String(16))  # alert, realert, relay, ack, answer
    medium: Mapped[str] = mapped_column(String(16))  # sms, telegram, email, web
    address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_by: Mapped[str] = mapped_column(String(64), default="")  # the worker sending it
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # retry_after
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    provider_id: Mapped[str] = mapped_column(String(80), default="")
    last_error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class StaffUser(Base):
    """An office staff account: its first school, and any other schools the same SRO serves."""

    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    school: Mapped[School] = relationship()
    other_schools: Mapped[list[School]] = relationship(
        secondary="staff_schools", order_by="School.name"
    )

    @property
    def schools(self) -> list[School]:
        """Every school of this account, the first one first."""
        return [self.school, *self.other_schools]


class StaffSchool(Base):
    """A further school of a staff account (its first school is StaffUser.school_id)."""

    __tablename__ = "staff_schools"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )


class StaffSession(Base):
    """A signed-in browser. Its cookie holds a random token, this row the token's SHA-256;
    deleting the row (sign-out, account disabled, removed or given a new password) ends it."""

    __tablename__ = "staff_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    user: Mapped[StaffUser] = relationship()


class LoginAttempt(Base):
    """A failed login, for rate limiting (by username and by client address)."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)


class OptOut(Base):
    """An SMS sender who said STOP, by hashed sender key."""

    __tablename__ = "opt_outs"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class RateWindow(Base):
    """How many messages one (hashed) key sent in its current window, for every worker."""

    __tablename__ = "rate_windows"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    started: Mapped[int] = mapped_column(Integer, index=True)  # the window's first second
    count: Mapped[int] = mapped_column(Integer)


class Replay(Base):
    """The answer already given to a webhook delivery (Twilio MessageSid, Telegram update_id),
    so a retry that reaches another worker or a restarted process is not processed twice."""

    __tablename__ = "replays"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)


class Unanswered(Base):
    """A question the bot could not answer (phone numbers masked): material for the KB."""

    __tablename__ = "unanswered"
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), nullable=True)
    lang: Mapped[str] = mapped_column(String(8), default="en")
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class AuditEntry(Base):
    """One staff action: who, which school, what, which case."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    username: Mapped[str] = mapped_column(String(80))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    detail: Mapped[str] = mapped_column(String(200), default="")
