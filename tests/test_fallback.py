"""Fallback when an office alert keeps failing: the same alert, once, to the school's other
channels and backup contacts, however many failures, sweeps and workers ask; the original keeps
retrying. Also an SMS outage longer than the old retry budget, end to end."""

from __future__ import annotations

import threading
import time

from escalation_fixtures import OfficeBrowser, wait_for
from sqlalchemy import select
from test_queue import BACKUP, BACKUP_MAIL, OFFICE, OFFICE_MAIL, new_case

from bot.escalation import cases, fallback
from bot.escalation.cases import NewCase
from bot.storage.models import Delivery, School

ASPEN = "aspen-ridge-high-school"
ALERT_PHONE = "+14035550121"
CHAT = "-1001234567890"


def rows(db) -> list[tuple[str, str, str]]:
    """Purpose, medium and address of every delivery, in order."""
    with db.session() as s:
        found = s.execute(select(Delivery.purpose, Delivery.medium, Delivery.address))
        return [tuple(row) for row in found]


def sms_id(db, address: str = OFFICE) -> int:
    with db.session() as s:
        query = select(Delivery.id).where(Delivery.medium == "sms", Delivery.address == address)
        return s.scalars(query.order_by(Delivery.id)).first()


def set_school(db, **fields: str) -> None:
    with db.session() as s:
        school = s.scalar(select(School).where(School.slug == ASPEN))
        for name, value in fields.items():
            setattr(school, name, value)


def test_channels_are_every_configured_address_once_backups_last(schools_db):
    set_school(schools_db, alert_phone=OFFICE, telegram_chat=CHAT)  # alert phone = office phone
    with schools_db.session() as s:
        found = fallback.channels(s.scalar(select(School).where(School.slug == ASPEN)))
    assert [(c.label, c.medium, c.address) for c in found] == [
        ("alert phone", "sms", OFFICE),
        ("office email", "email", OFFICE_MAIL),
        ("telegram chat", "telegram", CHAT),
        ("backup phone", "sms", BACKUP),
        ("backup email", "email", BACKUP_MAIL),
    ]


def test_a_failing_alert_goes_once_to_each_channel_that_did_not_have_it(schools_db):
    set_school(schools_db, alert_phone=ALERT_PHONE, telegram_chat=CHAT)
    cases.open_case(schools_db, NewCase(ASPEN, "sms", "k1", "+1", "Someone is selling vapes."))
    before = rows(schools_db)  # the alert phone's SMS, the office's email and Telegram
    assert ("alert", "sms", OFFICE) not in before  # the main line may be a landline
    copies = fallback.add_copies(schools_db, sms_id(schools_db, ALERT_PHONE))
    assert len(copies) == 2 and rows(schools_db)[len(before) :] == [
        ("alert", "sms", BACKUP),
        ("alert", "email", BACKUP_MAIL),
    ]
    with schools_db.session() as s:
        original, *others = s.scalars(select(Delivery).order_by(Delivery.id))
        assert all(d.body == original.body and d.subject == original.subject for d in others)
    assert fallback.add_copies(schools_db, sms_id(schools_db, ALERT_PHONE)) == []  # again
    assert fallback.add_copies(schools_db, copies[0]) == []  # a failing copy
    assert fallback.add_copies(schools_db, sms_id(schools_db, BACKUP)) == []


def test_replies_to_the_sender_and_acknowledged_cases_never_fall_back(schools_db):
    case, _ = cases.open_case(schools_db, NewCase(ASPEN, "sms", "k1", "+1", "Vapes."))
    with schools_db.session() as s:
        (ack,) = cases.acknowledge(s, s.get(type(case), case.id))
        ack_id = ack.id
    assert fallback.add_copies(schools_db, ack_id) == []
    assert fallback.add_copies(schools_db, sms_id(schools_db)) == []  # the office has it


def test_each_digest_window_and_the_re_alert_fall_back_on_their_own(schools_db):
    report = NewCase(ASPEN, "sms", "k1", "+1", "Someone has a knife.", urgent=True)
    lead, _ = cases.open_case(schools_db, report)
    _, digest = cases.open_case(schools_db, NewCase(**{**vars(report), "sender_key": "k2"}))
    with schools_db.session() as s:
        alert = fallback.alert_key(s.get(Delivery, digest[0]))
    assert alert.startswith(f"incident{lead.id}:digest:")
    copies = fallback.add_copies(schools_db, digest[0])  # the digest's SMS
    with schools_db.session() as s:
        made = s.scalars(select(Delivery).where(Delivery.id.in_(copies))).all()
    assert {(d.purpose, d.address) for d in made} == {("digest", BACKUP), ("digest", BACKUP_MAIL)}
    assert all(fallback.alert_key(d) == alert for d in made)
    assert len(fallback.add_copies(schools_db, sms_id(schools_db))) == 2  # the alert: its own


def test_two_workers_failing_at_once_add_each_copy_once(schools_db):
    cases.open_case(schools_db, NewCase(ASPEN, "sms", "k1", "+1", "Someone is selling vapes."))
    failing, start, results = sms_id(schools_db), threading.Barrier(4), []

    def worker() -> None:
        start.wait()
        results.append(fallback.add_copies(schools_db, failing))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    added = sorted(i for ids in results for i in ids)
    assert len(added) == 2 and len(set(added)) == 2
    assert sorted(a for _, _, a in rows(schools_db)) == sorted(
        [OFFICE, OFFICE_MAIL, BACKUP, BACKUP_MAIL]
    )


def test_two_sweeps_and_every_retry_add_the_fallback_once(make_runtime, twilio_rest, smtp_server):
    mailbox, _ = smtp_server
    twilio_rest.fail_for = 1000
    runtime = make_runtime(SRO_RETRY_DELAY_SECONDS="0.05", SRO_FALLBACK_AFTER_ATTEMPTS="2")
    runtime.queue.huey.immediate = True  # retries stay in memory: only sweeps send again
    new_case(runtime)
    assert len(rows(runtime.db)) == 2  # one failure: not yet
    for _ in range(3):
        time.sleep(0.3)
        runtime.queue.sweep()
    assert sorted(a for _, _, a in rows(runtime.db)) == sorted(
        [OFFICE, OFFICE_MAIL, BACKUP, BACKUP_MAIL]
    )
    assert len(mailbox.to(BACKUP_MAIL)) == 1 and len(mailbox.to(OFFICE_MAIL)) == 1
    with runtime.db.session() as s:
        office = s.get(Delivery, sms_id(runtime.db))
        assert office.status == "failed" and office.attempts == 4  # it keeps retrying


def test_two_worker_processes_retrying_the_same_outage_add_the_fallback_once(
    make_runtime, worker_for, twilio_rest, smtp_server
):
    mailbox, _ = smtp_server
    twilio_rest.fail_for = 10_000
    settings = {"SRO_RETRY_DELAY_SECONDS": "0.02", "SRO_RETRY_MAX_SECONDS": "0.05"}
    first, second = [make_runtime(**settings, SRO_FALLBACK_AFTER_ATTEMPTS="2") for _ in range(2)]
    for runtime in (first, second):
        worker_for(runtime)  # two consumers on one queue, as on two machines
    new_case(first)
    new_case(second, sender_key="def456", text="Second report.")

    def attempts() -> int:
        with first.db.session() as s:
            return min(s.scalars(select(Delivery.attempts).where(Delivery.medium == "sms")))

    wait_for(lambda: attempts() >= 8, timeout=60)
    assert sorted(a for _, _, a in rows(first.db)) == sorted(
        [OFFICE, OFFICE_MAIL, BACKUP, BACKUP_MAIL] * 2
    )
    assert len(mailbox.to(BACKUP_MAIL)) == 2 and twilio_rest.messages == []


def test_no_fallback_when_it_is_switched_off(make_runtime, twilio_rest):
    twilio_rest.fail_for = 1000
    runtime = make_runtime(SRO_FALLBACK_AFTER_ATTEMPTS="0", SRO_FALLBACK_AFTER_MINUTES="0")
    runtime.queue.huey.immediate = True
    new_case(runtime)
    time.sleep(0.3)
    runtime.queue.sweep()
    assert len(rows(runtime.db)) == 2


def all_sent(db) -> bool:
    with db.session() as s:
        return set(s.scalars(select(Delivery.status))) == {"sent"}


def test_an_sms_outage_longer_than_the_old_budget_shows_falls_back_by_email_and_loses_nothing(
    make_runtime, worker_for, twilio_rest, smtp_server, office_app
):
    mailbox, _ = smtp_server
    runtime = make_runtime(
        SRO_RETRY_DELAY_SECONDS="0.02", SRO_RETRY_MAX_SECONDS="0.1", SRO_FALLBACK_AFTER_ATTEMPTS="3"
    )
    twilio_rest.server.stop()  # the SMS provider is gone: connections refused
    started = time.monotonic()
    worker_for(runtime)
    first, _ = new_case(runtime)
    new_case(runtime, sender_key="def456", text="Second report about the washroom.")
    wait_for(lambda: len(mailbox.to(BACKUP_MAIL)) == 2, timeout=30)
    assert twilio_rest.messages == []  # the copies came during the outage
    fell_back = time.monotonic() - started

    def office_attempts() -> int:
        with runtime.db.session() as s:
            query = select(Delivery.attempts).where(Delivery.address == OFFICE)
            return min(s.scalars(query))

    wait_for(lambda: office_attempts() > 35, timeout=60)  # the old budget: 30 attempts
    outage = time.monotonic() - started
    health = office_app.test_client().get("/healthz").get_json()["alerts"]
    assert health["undelivered"] == 4  # the office's 2 SMS and the backup's 2 copies
    browser = OfficeBrowser(office_app)
    browser.login("aspen")
    assert 'id="failing"' in browser.get("/office/").get_data(as_text=True)
    page = browser.get(f"/office/cases/{first.id}").get_data(as_text=True)
    assert "failed, retrying" in page
    twilio_rest.server.start()  # back on the same port
    wait_for(lambda: all_sent(runtime.db), timeout=60)
    recovered = time.monotonic() - started
    office, backup = twilio_rest.to(OFFICE), twilio_rest.to(BACKUP)
    assert len(office) == 2 and len(set(office)) == 2  # each alert once
    assert sorted(office) == sorted(backup)  # the fallback copies: the same alerts, once each
    assert len(mailbox.to(OFFICE_MAIL)) == 2 and len(mailbox.to(BACKUP_MAIL)) == 2
    assert office_app.test_client().get("/healthz").get_json()["alerts"]["undelivered"] == 0
    print(
        f"fallback email after {fell_back:.1f} s; outage {outage:.1f} s; all sent {recovered:.1f} s"
    )
