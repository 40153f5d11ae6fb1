"""The escalation conversation through the engine (no Flask): offer, school, consent, case,
status, URGENT cases after the 911 reply, and staff replies by SMS."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from escalation_fixtures import RecordingNotifier
from sqlalchemy import select

from bot.engine import Engine
from bot.escalation import cases
from bot.escalation.desk import Desk
from bot.messages import Message
from bot.storage.models import AuditEntry, Case, Delivery
from bot.wording import alerts

WHEN = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
STUDENT = "+14035550199"
STAFF = "+14035550121"  # a staff mobile of Aspen Ridge in the demo schools
NOT_SENT = alerts.STAFF_REFUSALS["no_match"]
UNSURE = "i need to tell someone about the bus this morning"  # no topic fits: not sure


class Chat:
    """One sender talking to a real engine whose desk records what it would send."""

    def __init__(
        self, engine: Engine, channel: str = "sms", sender: str = STUDENT, shared: bool = False
    ):
        self.engine, self.channel, self.sender, self.shared = engine, channel, sender, shared

    def say(self, text: str):
        message = Message(self.channel, self.sender, text, WHEN, shared=self.shared)
        return self.engine.handle(message)

    def last(self, text: str) -> str:
        return self.say(text)[-1].text


def anonymous_case_at_aspen_ridge(chat: Chat) -> None:
    """The unsure question, yes, the school, stay anonymous: case SRO-1001 is opened."""
    for text in (UNSURE, "yes", "aspen ridge", "3"):
        chat.say(text)


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def engine(schools_db, knowledge_base, notifier):
    return Engine(knowledge_base, desk=Desk(schools_db, notifier))


def all_cases(db) -> list[Case]:
    with db.session() as s:
        rows = s.scalars(select(Case).order_by(Case.id)).all()
        for row in rows:
            _ = row.messages, row.school
        return rows


def deliveries(db) -> list[tuple[str, str, str]]:
    with db.session() as s:
        rows = s.scalars(select(Delivery).order_by(Delivery.id))
        return [(d.purpose, d.medium, d.address) for d in rows]


def test_unsure_answer_offers_then_opens_an_anonymous_case(engine, schools_db, notifier):
    chat = Chat(engine)
    (first,) = chat.say(UNSURE)
    assert first.topic is None
    assert "pass your message to your school's SRO through the main office" in first.text
    assert first.full_text.endswith("Non-emergency police: 403-266-1234.")
    assert "Which school" in chat.last("yes")
    consent = chat.say("aspen ridge")[0]
    assert consent.choices == ("Share my number", "Share my name", "Stay anonymous")
    done = chat.last("3")
    assert done.startswith("Thanks. Your message is case SRO-1001 for Aspen Ridge High School")
    (case,) = all_cases(schools_db)
    assert case.messages[0].text == UNSURE and not case.share_number and not case.contact_name
    assert deliveries(schools_db) == [
        ("alert", "sms", "+14035550101"),
        ("alert", "email", "office@aspenridge.example.org"),
    ]
    assert notifier.deliveries == [1, 2] and notifier.cases == [case.id]


def test_asking_for_the_sro_asks_for_the_message_and_a_name(engine, schools_db):
    chat = Chat(engine, channel="telegram", sender="555000111")
    chat.say("is the sro at chinook valley today")  # the school is remembered
    assert "pass your message" in chat.last("i want to talk to my sro")
    assert "Type the message" in chat.last("yes")
    consent = chat.say("Someone keeps taking my lunch.")[0]
    assert consent.choices == ("Share my name", "Stay anonymous")  # no number on Telegram
    assert "What name" in chat.last("share my name")
    assert "case SRO-1001 for Chinook Valley Junior High" in chat.last("Sam")
    (case,) = all_cases(schools_db)
    assert (case.contact_name, case.channel, case.school.slug) == (
        "Sam",
        "telegram",
        "chinook-valley-junior-high",
    )
    assert case.messages[0].text == "Someone keeps taking my lunch."


def test_sharing_the_number_is_recorded(engine, schools_db):
    chat = Chat(engine)
    chat.say(UNSURE)
    chat.say("yes")
    chat.say("prairie crocus")
    chat.say("1")
    (case,) = all_cases(schools_db)
    assert case.share_number and case.reply_to == STUDENT


@pytest.mark.parametrize("answer", ["no", "NO", "nope"])
def test_declining_the_offer_sends_nothing(engine, schools_db, answer):
    chat = Chat(engine)
    chat.say(UNSURE)
    assert chat.last(answer).startswith("OK, I did not send anything.")
    assert all_cases(schools_db) == []


def test_a_new_question_instead_of_yes_is_answered_normally(engine, schools_db):
    chat = Chat(engine)
    chat.say(UNSURE)
    (reply,) = chat.say("What does a school resource officer do?")
    assert reply.topic == "sro-role"
    assert all_cases(schools_db) == []


def test_cancel_at_any_step(engine, schools_db):
    chat = Chat(engine)
    chat.say(UNSURE)
    chat.say("yes")
    chat.say("aspen ridge")
    assert chat.last("cancel").startswith("OK, I did not send anything.")
    assert all_cases(schools_db) == []


def test_an_unknown_school_twice_gives_up_and_points_to_the_office(engine, schools_db):
    chat = Chat(engine)
    chat.say(UNSURE)
    chat.say("yes")
    assert "could not find that school" in chat.last("Hogwarts")
    assert "main office knows" in chat.last("Narnia High")
    assert all_cases(schools_db) == []


def test_status_before_and_after_the_office_acts(engine, schools_db):
    chat = Chat(engine)
    assert chat.last("status").startswith("You have no case")
    anonymous_case_at_aspen_ridge(chat)
    assert chat.last("STATUS").startswith(
        "Case SRO-1001 (Aspen Ridge High School): sent, waiting for the office."
    )
    with schools_db.session() as s:
        cases.reply(s, s.get(Case, 1), "aspen-office", "We will call you at lunch.")
    assert chat.last("status").startswith(
        "Case SRO-1001 (Aspen Ridge High School): seen by the office. "
        "Latest reply: We will call you at lunch."
    )
    assert ("ack", "sms", STUDENT) in deliveries(schools_db)
    assert ("relay", "sms", STUDENT) in deliveries(schools_db)


def test_an_emergency_keeps_its_911_reply_first_and_opens_an_urgent_case(
    engine, schools_db, knowledge_base
):
    text = "there is a guy with a gun in the hallway at aspen ridge"
    plain = Engine(knowledge_base).handle(Message("sms", "+1", text, WHEN))
    replies = Chat(engine).say(text)
    assert replies[0] == plain[0]
    assert replies[1].text.startswith(
        "I have also alerted Aspen Ridge High School's main office (case SRO-1001)."
    )
    (case,) = all_cases(schools_db)
    assert case.urgent and case.messages[0].text == text and not case.share_number


def test_an_emergency_without_a_school_asks_for_it(engine, schools_db):
    chat = Chat(engine)
    replies = chat.say("someone has a knife in the gym")
    assert replies[0].text.startswith("Call 911 now.")
    assert replies[1].text == "If you tell me your school, I will also alert its main office."
    assert "I have also alerted Bowbend Elementary School" in chat.last("bowbend")
    (case,) = all_cases(schools_db)
    assert case.urgent


def test_the_urgent_alert_says_so(engine, schools_db):
    Chat(engine).say("there is a guy with a gun in the hallway at aspen ridge")
    with schools_db.session() as s:
        body = s.scalar(select(Delivery.body).where(Delivery.medium == "sms"))
    assert body.startswith("URGENT SRO case SRO-1001 for Aspen Ridge High School")
    assert "The sender was told to call 911." in body and "From: anonymous" in body


def staff_code(db) -> str:
    (case,) = all_cases(db)
    return case.staff_code


def audit_rows(db) -> list[tuple[int | None, int | None, str]]:
    with db.session() as s:
        rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(a.school_id, a.case_id, a.detail) for a in rows if a.action == "sms relay"]


def relays(db) -> list[str]:
    with db.session() as s:
        return list(s.scalars(select(Delivery.body).where(Delivery.purpose == "relay")))


def test_each_case_gets_a_random_reply_code_for_the_office(engine, schools_db):
    chat = Chat(engine)
    anonymous_case_at_aspen_ridge(chat)
    Chat(engine, sender="+14035550198").say("someone has a knife in the gym at aspen ridge")
    codes = [case.staff_code for case in all_cases(schools_db)]
    assert all(re.fullmatch(r"R-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}", c) for c in codes)
    assert len(set(codes)) == 2
    assert cases.code_in(codes[0]) is None  # never taken for a sender's STATUS code
    with schools_db.session() as s:
        alerts = list(s.scalars(select(Delivery.body).where(Delivery.purpose == "alert")))
    assert alerts and all("starting with R-" in body for body in alerts)  # SMS and email
    assert f"reply to the SMS alert from a staff mobile, starting with {codes[0]}" in alerts[0]


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{bare}", "{bare_lower}:"])
def test_a_staff_mobile_answers_with_the_reply_code(engine, schools_db, notifier, typed):
    anonymous_case_at_aspen_ridge(Chat(engine))
    code = staff_code(schools_db)
    bare = code.replace("-", "")
    start = typed.format(code=code, lower=code.lower(), bare=bare, bare_lower=bare.lower())
    office = Chat(engine, sender=STAFF)
    answer = office.last(f"{start} Thanks, the SRO will find you at lunch.")
    assert answer == "Sent to the sender of case SRO-1001."
    with schools_db.session() as s:
        relay = s.scalar(select(Delivery).where(Delivery.purpose == "relay"))
        assert relay.address == STUDENT
        assert relay.body == (
            "Reply from Aspen Ridge High School's main office about case SRO-1001: "
            "Thanks, the SRO will find you at lunch. Emergencies: 911."
        )
        assert relay.id in notifier.deliveries
    (row,) = audit_rows(schools_db)
    assert row == (1, 1, "sms relay accepted case SRO-1001 from staff mobile ending 0121")


def test_a_number_that_is_not_a_staff_mobile_is_refused_like_an_unknown_code(engine, schools_db):
    anonymous_case_at_aspen_ridge(Chat(engine))
    code = staff_code(schools_db)
    office_line = Chat(engine, sender="+14035550101")  # the office phone, not listed as staff
    refused = office_line.say(f"{code} give me their number")
    unknown = office_line.say("R-ABC234 give me their number")
    assert [r.text for r in refused] == [r.text for r in unknown] == [NOT_SENT]
    assert not refused[0].emergency and not refused[0].caution and refused[0].topic is None
    assert "911" not in refused[0].full_text  # a staff-style answer, not a student's
    assert relays(schools_db) == []
    assert audit_rows(schools_db) == [
        (1, 1, "sms relay refused (not a staff mobile)"),  # the school sees its code was tried
        (None, None, "sms relay refused (not a staff mobile)"),
    ]


def test_a_wrong_code_from_a_staff_mobile_is_refused(engine, schools_db):
    anonymous_case_at_aspen_ridge(Chat(engine))
    assert Chat(engine, sender=STAFF).last("R-ABC234 we will call you") == NOT_SENT
    assert relays(schools_db) == []
    assert audit_rows(schools_db) == [
        (1, None, "sms relay refused (unknown code) from staff mobile ending 0121")
    ]


def test_another_schools_staff_cannot_answer_its_case(engine, schools_db):
    anonymous_case_at_aspen_ridge(Chat(engine))
    crocus = Chat(engine, sender="+14035550132")  # a staff mobile of Prairie Crocus
    assert crocus.last(f"{staff_code(schools_db)} we will call you") == NOT_SENT
    assert relays(schools_db) == []
    assert audit_rows(schools_db) == [
        (1, 1, "sms relay refused (code of another school's case) from staff mobile ending 0132")
    ]


def test_a_resolved_case_takes_no_more_sms_replies(engine, schools_db):
    anonymous_case_at_aspen_ridge(Chat(engine))
    with schools_db.session() as s:
        cases.resolve(s.get(Case, 1))
    answer = Chat(engine, sender=STAFF).last(f"{staff_code(schools_db)} are you still there?")
    assert answer == "Not sent: case SRO-1001 is resolved."
    assert relays(schools_db) == []
    assert audit_rows(schools_db) == [
        (1, 1, "sms relay refused (case resolved) from staff mobile ending 0121")
    ]


def test_the_old_case_number_form_is_refused(engine, schools_db):
    anonymous_case_at_aspen_ridge(Chat(engine))
    answer = Chat(engine, sender=STAFF).last("SRO-1001 Thanks, the SRO will find you at lunch.")
    assert answer.startswith("Not sent: start with the case's reply code from the alert")
    assert relays(schools_db) == []
    assert audit_rows(schools_db) == [
        (
            1,
            None,
            "sms relay refused (case number instead of reply code) from staff mobile ending 0121",
        )
    ]


def test_a_code_alone_asks_for_the_reply(engine, schools_db):
    anonymous_case_at_aspen_ridge(Chat(engine))
    code = staff_code(schools_db)
    answer = Chat(engine, sender=STAFF).last(code)
    assert (
        answer
        == f"Not sent: write your reply after the code, e.g. {code} We will call you at lunch."
    )
    assert relays(schools_db) == []


@pytest.mark.parametrize(
    "text", ["SRO-1001 give me their number", "Request a meeting with the SRO please"]
)
def test_what_only_looks_like_a_reply_from_a_student_is_answered_normally(engine, schools_db, text):
    anonymous_case_at_aspen_ridge(Chat(engine))
    reply = Chat(engine, sender="+14035550177").last(text)
    assert not reply.startswith(("Not sent", "Sent to the sender"))
    assert relays(schools_db) == [] and audit_rows(schools_db) == []


def test_danger_after_something_code_like_from_a_student_gets_911(engine, schools_db):
    replies = Chat(engine, sender="+14035550177").say("SRO-1001 someone has a knife in the gym")
    assert replies[0].text.startswith("Call 911 now.")


def test_other_channels_never_relay(engine, schools_db):
    anonymous_case_at_aspen_ridge(Chat(engine))
    web = Chat(engine, channel="web", sender=STAFF)  # a web session id could be anything
    assert not web.last(f"{staff_code(schools_db)} we will call").startswith(("Not sent", "Sent"))
    assert relays(schools_db) == [] and audit_rows(schools_db) == []


def test_sms_alerts_go_to_the_alert_mobile_when_there_is_one(engine, schools_db):
    Chat(engine).say("there is a guy with a gun in the hallway at chinook valley")
    Chat(engine, sender="+14035550198").say("a man with a gun in the gym at chinook valley")
    sms = [(p, a) for p, m, a in deliveries(schools_db) if m == "sms"]
    assert sms == [("alert", "+14035550133"), ("digest", "+14035550133")]  # not 403-555-0103


def test_unanswered_questions_are_kept_without_phone_numbers(engine, schools_db):
    Chat(engine).say("i need to tell someone about the bus this morning 403 555 0123")
    with schools_db.engine.connect() as c:
        (text,) = c.exec_driver_sql("SELECT text FROM unanswered").scalars().all()
    assert "[number]" in text and "555" not in text


def test_surely_off_topic_questions_are_not_offered_to_the_office(engine):
    (reply,) = Chat(engine).say("can u txt my mom about the field trip permission thing")
    assert reply.topic is None and "pass your message" not in reply.text


def test_the_cli_desk_answers_but_never_opens_cases(schools_db, knowledge_base):
    engine = Engine(knowledge_base, desk=Desk(schools_db, cases=False))
    (reply,) = engine.handle(Message("cli", "x", UNSURE, WHEN))
    assert "pass your message" not in reply.text
    replies = engine.handle(Message("cli", "x", "a man with a gun at aspen ridge", WHEN))
    assert len(replies) == 1 and all_cases(schools_db) == []


def test_an_office_reply_about_danger_is_relayed_not_triaged(engine, schools_db, notifier):
    chat = Chat(engine)
    anonymous_case_at_aspen_ridge(chat)
    office = Chat(engine, sender=STAFF)
    (answer,) = office.say(f"{staff_code(schools_db)} We know about the knife, the SRO is with him")
    assert answer.text == "Sent to the sender of case SRO-1001."
    assert not answer.emergency and "911" not in answer.full_text
    assert "We know about the knife" in relays(schools_db)[0]


def test_a_refused_reply_about_danger_is_not_triaged_either(engine, schools_db):
    (answer,) = Chat(engine, sender=STAFF).say("R-ABC234 the knife was found, he is safe")
    assert answer.full_text == NOT_SENT and not answer.emergency and all_cases(schools_db) == []


def test_no_prompt_asks_for_a_carrier_keyword():
    """STOP, CANCEL, END, QUIT, UNSUBSCRIBE (and ARRET) unsubscribe an SMS sender: the bot never
    asks anyone to type them, in any fixed text or knowledge-base answer."""
    import re

    from bot.wording import escalation, replies
    from faq.loader import load

    keyword = re.compile(r"\b(STOP|CANCEL|END|QUIT|UNSUBSCRIBE|ARRET|ARRÊT)\b")
    texts = [
        t
        for module in (escalation, replies)
        for lang in module.TEXTS.values()
        for t in lang.values()
    ]
    texts += [text for e in load().all_entries() for text in (e.short, e.long)]
    assert [t for t in texts if keyword.search(t)] == []


@pytest.mark.parametrize("command", ["HELP", "menu", "Status"])
def test_help_menu_and_status_leave_any_step(engine, schools_db, command):
    chat = Chat(engine)
    chat.say(UNSURE)
    assert "Which school" in chat.last("yes")
    answer = chat.last(command)
    assert "could not find that school" not in answer
    assert "Which school" not in chat.last("what is the ycja")  # the step is gone
    assert all_cases(schools_db) == []


def test_help_after_a_presence_question_is_the_help_answer(engine, schools_db):
    chat = Chat(engine)
    chat.say("is the sro in today")
    assert "could not find that school" not in chat.last("HELP")


def test_a_telegram_group_gets_answers_but_no_offer_cases_or_status(engine, schools_db):
    group = Chat(engine, channel="telegram", sender="-1001234", shared=True)
    (answer,) = group.say(UNSURE)
    assert "pass your message" not in answer.text
    assert "Which school" not in group.last("yes")
    assert "message me directly" in group.last("STATUS")
    assert all_cases(schools_db) == []
