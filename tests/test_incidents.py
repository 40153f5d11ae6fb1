"""One incident per school: URGENT reports about one school within the incident window join
the first one. The office gets one alert, then a digest per window; the re-alert goes once per
incident; a sender's own later reports join their case. The 911 reply never changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from escalation_fixtures import RecordingNotifier
from sqlalchemy import select

from bot.engine import Engine
from bot.escalation import cases
from bot.escalation.desk import Desk
from bot.messages import Message
from bot.storage.models import Case, CaseMessage, Delivery, now

DANGER = "a kid has a gun at aspen ridge"


@pytest.fixture
def engine(schools_db, knowledge_base):
    return Engine(knowledge_base, desk=Desk(schools_db, RecordingNotifier()))


def report(engine, sender: str, channel: str = "web", text: str = DANGER):
    replies = engine.handle(Message(channel, sender, text))
    assert replies[0].emergency and replies[0].text.startswith("Call 911 now.")
    return replies


def rows(db, model, *where):
    with db.session() as session:
        return list(session.scalars(select(model).where(*where).order_by(model.id)))


def test_reports_from_many_senders_make_one_alert_then_a_digest(engine, schools_db):
    for n in range(10):
        report(engine, f"surge-session-{n:02d}")
    found = rows(schools_db, Case)
    assert len(found) == 10  # each sender keeps a case of their own (STATUS, replies)
    assert found[0].incident_id is None and {c.incident_id for c in found[1:]} == {found[0].id}
    alerts = rows(schools_db, Delivery, Delivery.purpose == "alert")
    assert sorted(d.medium for d in alerts) == ["email", "sms"]  # the office's two channels
    digests = rows(schools_db, Delivery, Delivery.purpose == "digest")
    assert sorted(d.medium for d in digests) == ["email", "sms"]
    assert all("9 more reports in the last 5 minutes" in d.body for d in digests)
    assert all(DANGER not in d.body for d in digests)  # the dashboard shows the words
    assert all(d.not_before and d.not_before > now() for d in digests)  # sent when it ends


def test_one_senders_repeated_reports_make_one_case(engine, schools_db):
    for _ in range(10):
        report(engine, "one-session-0001")
    (case,) = rows(schools_db, Case)
    assert len(rows(schools_db, CaseMessage, CaseMessage.case_id == case.id)) == 10
    assert len(rows(schools_db, Delivery, Delivery.purpose == "alert")) == 2


def test_the_re_alert_goes_once_per_incident(engine, schools_db):
    for n in range(5):
        report(engine, f"+1403555{n:04d}", channel="sms")
    later = now() + timedelta(minutes=20)
    realerts = cases.due_for_realert(schools_db, timedelta(minutes=15), at=later)
    lead = rows(schools_db, Case)[0]
    assert realerts and {
        d.case_id for d in rows(schools_db, Delivery, Delivery.id.in_(realerts))
    } == {lead.id}


def test_a_report_after_the_incident_is_resolved_starts_a_new_one(engine, schools_db):
    report(engine, "first-session-01")
    with schools_db.session() as session:
        cases.resolve(session.scalars(select(Case)).one())
    report(engine, "second-session-02")
    assert [c.incident_id for c in rows(schools_db, Case)] == [None, None]
    assert len(rows(schools_db, Delivery, Delivery.purpose == "alert")) == 4
