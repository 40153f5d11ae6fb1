"""Presence answers from the schools directory (Calgary dates), and office notices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.engine import Engine
from bot.escalation.desk import Desk
from bot.messages import Message
from bot.storage.models import School

MONDAY_MORNING = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 10:00 in Calgary


@pytest.fixture
def ask(schools_db, knowledge_base):
    engine = Engine(knowledge_base, desk=Desk(schools_db, cases=False))

    def say(text: str, at: datetime = MONDAY_MORNING, sender: str = "+14035550199"):
        return engine.handle(Message("sms", sender, text, at))

    return say


def notice(db, slug: str, text: str, lockdown: bool = False, until=None) -> None:
    with db.session() as session:
        school = session.query(School).filter_by(slug=slug).one()
        school.notice_text, school.notice_lockdown, school.notice_until = text, lockdown, until


def test_usual_day(ask):
    (reply,) = ask("is the officer at Aspen Ridge today?")
    assert reply.topic == "sro-presence"
    assert reply.text.startswith(
        "Aspen Ridge High School: the SRO (Cst. A. Example) is scheduled to be at the school "
        "today (Monday)."
    )
    assert "403-555-0101" in reply.text and reply.full_text.endswith("403-266-1234.")


def test_not_a_usual_day_lists_the_usual_days(ask):
    (reply,) = ask("is the sro at aspen ridge today", at=MONDAY_MORNING + timedelta(days=1))
    assert "not usually at the school today (Tuesday) (usual days: Monday, Wednesday)" in reply.text


def test_the_date_is_calgarys_not_utcs(ask):
    monday_evening = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # Tuesday in UTC, Monday in Calgary
    (reply,) = ask("is the sro at aspen ridge today", at=monday_evening)
    assert "scheduled to be at the school today (Monday)" in reply.text


def test_an_exception_date_overrides_a_usual_day(ask):
    wednesday = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
    (reply,) = ask("is the sro at aspen ridge today", at=wednesday)
    assert "not expected at the school today (Wednesday) (training day)" in reply.text


def test_an_exception_date_adds_an_unusual_day(ask):
    friday = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    (reply,) = ask("is the sro at aspen ridge today?", at=friday)
    assert "scheduled to be at the school today (Friday) (assembly)" in reply.text


def test_tomorrow(ask):
    (reply,) = ask("is the sro at aspen ridge tomorrow")
    assert "not usually at the school tomorrow (Tuesday)" in reply.text


def test_no_schedule_gives_the_main_office(ask):
    (reply,) = ask("is the sro at bowbend today")
    assert "I do not have the SRO's schedule for Bowbend Elementary School" in reply.text
    assert "403-555-0104" in reply.text


def test_unknown_school_asks_then_points_to_the_main_office(ask):
    (first,) = ask("is the sro at school today?")
    assert first.topic == "sro-presence"
    assert "Tell me your school's name" in first.text
    (second,) = ask("Sage Hill")
    assert "could not find that school" in second.text and "main office" in second.text


def test_with_no_schools_the_bot_does_not_ask_for_one(db, knowledge_base):
    """A deployment (or `sro-bot ask`) with no schools imported has no schedule to look up:
    asking for the school's name would promise a check it cannot make."""
    engine = Engine(knowledge_base, desk=Desk(db, cases=False))
    for text in ("is the sro at crescent heights high today", "l'agent est-il a l'ecole demain?"):
        (reply,) = engine.handle(Message("sms", "+14035550199", text, MONDAY_MORNING))
        assert reply.topic == "sro-presence"
        assert "school's name" not in reply.text and "nom de votre" not in reply.text
        assert "office" in reply.text or "secr" in reply.text


def test_a_school_named_after_the_question_is_answered(ask):
    ask("is the sro at school today?")
    (reply,) = ask("prairie crocus")
    assert reply.text.startswith("Prairie Crocus School: the SRO (Cst. B. Sample) is not usually")


def test_the_school_named_before_is_remembered(ask):
    ask("is the sro at chinook valley today")
    (reply,) = ask("is the sro in on friday?")
    assert reply.text.startswith("Chinook Valley Junior High: the SRO (Cst. C. Placeholder) is")
    assert "on Friday 2026-12-04" in reply.text


def test_other_senders_do_not_share_the_remembered_school(ask):
    ask("is the sro at chinook valley today")
    (reply,) = ask("is the sro in today?", sender="+14035550198")
    assert "Tell me your school's name" in reply.text


def test_an_active_notice_comes_first(ask, schools_db):
    notice(schools_db, "aspen-ridge-high-school", "Today's lockdown was a drill; everyone is safe.")
    (reply,) = ask("is the sro at aspen ridge today")
    assert reply.text.startswith(
        "Notice from Aspen Ridge High School: Today's lockdown was a drill; everyone is safe.\n\n"
        "Aspen Ridge High School: the SRO"
    )


def test_an_expired_notice_is_not_shown(ask, schools_db):
    notice(schools_db, "aspen-ridge-high-school", "Old news.", until=MONDAY_MORNING)
    (reply,) = ask("is the sro at aspen ridge today")
    assert "Old news" not in reply.text


def test_a_lockdown_notice_gives_only_the_notice_911_and_official_channels(ask, schools_db):
    notice(schools_db, "aspen-ridge-high-school", "The school is in lockdown.", lockdown=True)
    (reply,) = ask("what do we do in a lockdown at aspen ridge? which doors are locked?")
    assert reply.text.startswith(
        "If anyone is in danger, call 911. Notice from Aspen Ridge High School: The school is in "
        "lockdown."
    )
    assert "911" in reply.text and "Official updates come from the school" in reply.text
    for detail in ("door", "classroom", "hide", "shelter", "window"):
        assert detail not in reply.text.lower().replace("doors are locked", "")
    (later,) = ask("is the SRO there today?")  # the school is remembered: still only the notice
    assert "Notice from Aspen Ridge High School: The school is in lockdown." in later.text


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        ("is the sro at aspen ridge today", "If anyone is in danger, call 911."),
        ("est-ce que l'agent est à l'école aspen ridge aujourd'hui", "appelle le 911"),
    ],
)
def test_a_500_character_lockdown_notice_leaves_911_in_the_sms(ask, schools_db, question, opening):
    from webhooks.channels.sms_parts import MAX_SEGMENTS, segments, sms_text

    text = ("Stay in your classroom and wait for police to unlock the door. " * 9)[:499] + "’"
    notice(schools_db, "aspen-ridge-high-school", text, lockdown=True)
    sms = sms_text(ask(question))
    assert opening in sms.split(" Notice")[0].split(" Avis")[0] and sms.count("911") >= 2
    assert segments(sms) <= MAX_SEGMENTS  # cut after the 911 line, never before it


def test_an_emergency_reply_stays_first_and_unchanged_during_a_notice(ask, schools_db):
    notice(schools_db, "aspen-ridge-high-school", "The school is in lockdown.", lockdown=True)
    replies = ask("there is a man with a gun at aspen ridge")
    assert replies[0].emergency and replies[0].text.startswith("Call 911 now.")
    assert "Notice" not in replies[0].text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("is the sro in on firday", "2026-12-04"),
        ("is the officer there on sat", "2026-12-05"),
        ("sunday?", "2026-12-06"),
        ("thurs", "2026-12-03"),
        ("fri", "2026-12-04"),
        ("is the sro in on wed", "2026-12-02"),
        ("next wednesday", "2026-12-09"),
        ("mercredi prochain", "2026-12-09"),
        ("dimanche", "2026-12-06"),
        ("i sat with him at lunch", "2026-12-02"),
        ("is the sro in today", "2026-12-02"),
    ],
)
def test_the_day_asked_about(question, expected):
    from datetime import date

    from bot.schools.presence import day_asked

    assert day_asked(question, date(2026, 12, 2)).isoformat() == expected  # a Wednesday


@pytest.mark.parametrize(
    ("question", "filler"),
    [
        ("is the sro at aspen ridge today", "Students stay in their rooms until released. "),
        ("est-ce que l'agent est à Aspen Ridge aujourd'hui", "Les élèves restent en classe. "),
    ],
)
def test_a_500_character_lockdown_notice_never_pushes_911_out_of_an_sms(
    ask, schools_db, question, filler
):
    from webhooks.channels.sms_parts import MAX_SEGMENTS, segments, sms_text

    long_notice = (filler * 40)[:500]
    notice(schools_db, "aspen-ridge-high-school", long_notice, lockdown=True)
    sent = sms_text(ask(question))
    assert "911" in sent.split("\n")[-1] and segments(sent) <= MAX_SEGMENTS
