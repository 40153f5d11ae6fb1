"""The alert queue on real huey: SMS through the Twilio REST stand-in, email through aiosmtpd,
retries through an outage, re-alerts to the backup contact, and no alert lost or repeated."""

from __future__ import annotations

import time
from datetime import timedelta

from escalation_fixtures import wait_for
from sqlalchemy import select

from bot.escalation import cases
from bot.escalation.cases import NewCase
from bot.storage.models import Case, Delivery, School, now
from webhooks.delivery import outbox

OFFICE, BACKUP = "+14035550101", "+14035550111"
OFFICE_MAIL, BACKUP_MAIL = "office@aspenridge.example.org", "principal@aspenridge.example.org"


def new_case(runtime, **fields) -> tuple[Case, list[int]]:
    values = {
        "school_slug": "aspen-ridge-high-school",
        "channel": "sms",
        "sender_key": "abc123",
        "reply_to": "+14035550199",
        "text": "Someone is selling vapes in the east washroom.",
        **fields,
    }
    case, ids = cases.open_case(runtime.db, NewCase(**values), "https://sro.example.org")
    runtime.notifier.deliveries_added(ids)
    return case, ids


def statuses(db) -> list[str]:
    with db.session() as s:
        return list(s.scalars(select(Delivery.status).order_by(Delivery.id)))


def test_an_alert_reaches_the_office_by_sms_and_email(
    make_runtime, worker_for, twilio_rest, smtp_server
):
    mailbox, _ = smtp_server
    runtime = make_runtime()
    worker_for(runtime)
    case, _ = new_case(runtime)
    wait_for(lambda: statuses(runtime.db) == ["sent", "sent"])
    (sms,) = twilio_rest.to(OFFICE)
    assert sms.startswith(f"SRO case {case.number} for Aspen Ridge High School (via SMS)")
    assert "Message: Someone is selling vapes in the east washroom." in sms
    assert "From: anonymous" in sms and "4035550199" not in sms
    (mail,) = mailbox.to(OFFICE_MAIL)
    assert mail["Subject"] == f"SRO case {case.number} for Aspen Ridge High School"
    assert "https://sro.example.org/office" in mail.get_payload()


def test_the_number_is_shown_only_with_consent(make_runtime, worker_for, twilio_rest):
    runtime = make_runtime()
    worker_for(runtime)
    new_case(runtime, share_number=True, contact_name="Jo")
    new_case(runtime, channel="telegram", reply_to="123456789", share_number=True)
    wait_for(lambda: len(twilio_rest.to(OFFICE)) == 2)
    shared, telegram = sorted(twilio_rest.to(OFFICE), key=lambda b: "Telegram" in b)
    assert "From: Jo, +14035550199" in shared
    assert "From: anonymous" in telegram and "123456789" not in telegram


def test_an_outage_is_retried_with_backoff_until_the_alert_goes_once(
    make_runtime, worker_for, twilio_rest
):
    twilio_rest.fail_for = 3
    runtime = make_runtime(SRO_FALLBACK_AFTER_ATTEMPTS="0")  # fallback: test_fallback.py
    worker_for(runtime)
    new_case(runtime)
    wait_for(lambda: twilio_rest.to(OFFICE), timeout=30)
    wait_for(lambda: statuses(runtime.db) == ["sent", "sent"])
    assert twilio_rest.creates == 4 and len(twilio_rest.to(OFFICE)) == 1
    with runtime.db.session() as s:
        sms = s.scalar(select(Delivery).where(Delivery.medium == "sms"))
        assert sms.attempts == 4 and sms.provider_id.startswith("SM")


def test_a_failed_delivery_whose_retry_was_lost_is_swept_once_due(make_runtime, twilio_rest):
    twilio_rest.fail_for = 1
    runtime = make_runtime(SRO_RETRY_DELAY_SECONDS="3")  # longer than a slow machine's sweep
    runtime.queue.huey.immediate = True  # the scheduled retry stays in memory: "lost"
    new_case(runtime)
    assert statuses(runtime.db) == ["failed", "sent"]
    assert runtime.queue.sweep() == 0  # not due yet: its own retry is on the way
    with runtime.db.session() as s:
        due = s.scalar(select(Delivery.not_before).where(Delivery.status == "failed"))
    time.sleep((due - now()).total_seconds() + 0.1)
    assert runtime.queue.sweep() == 1
    assert statuses(runtime.db) == ["sent", "sent"] and len(twilio_rest.to(OFFICE)) == 1


def test_an_outage_longer_than_the_old_retry_budget_loses_nothing(
    make_runtime, worker_for, twilio_rest
):
    twilio_rest.fail_for = 40  # the old budget was 30 attempts
    runtime = make_runtime(
        SRO_RETRY_DELAY_SECONDS="0.02", SRO_RETRY_MAX_SECONDS="0.1", SRO_FALLBACK_AFTER_ATTEMPTS="0"
    )
    worker_for(runtime)
    new_case(runtime)
    wait_for(lambda: statuses(runtime.db)[0] == "failed")  # what the dashboard shows meanwhile
    wait_for(lambda: statuses(runtime.db) == ["sent", "sent"], timeout=60)
    assert twilio_rest.creates == 41 and len(twilio_rest.to(OFFICE)) == 1  # one chain, once


def test_a_delivery_failing_past_the_give_up_age_is_given_up_loudly(make_runtime, twilio_rest):
    twilio_rest.fail_for = 5
    runtime = make_runtime(SRO_DELIVERY_GIVE_UP_HOURS="0")
    runtime.queue.huey.immediate = True
    new_case(runtime)
    # given up at once, so it falls back to the backup phone (failing too) and email
    assert statuses(runtime.db) == ["gave_up", "sent", "gave_up", "sent"]


def test_a_queue_that_is_down_loses_nothing(make_runtime, twilio_rest):
    runtime = make_runtime(SRO_REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    case, ids = new_case(runtime)  # the notifier cannot enqueue; the rows stay in the outbox
    assert statuses(runtime.db) == ["pending", "pending"]
    healthy = make_runtime()
    healthy.queue.huey.immediate = True
    healthy.queue.sweep()
    assert statuses(runtime.db) == ["sent", "sent"] and len(twilio_rest.to(OFFICE)) == 1


def test_unacknowledged_cases_alert_again_with_the_backup(make_runtime, twilio_rest, smtp_server):
    mailbox, _ = smtp_server
    runtime = make_runtime()
    runtime.queue.huey.immediate = True
    late, _ = new_case(runtime)
    seen, _ = new_case(runtime, text="Second case")
    with runtime.db.session() as s:
        for case in s.scalars(select(Case)):
            case.created_at = now() - timedelta(minutes=20)
        cases.acknowledge(s, s.get(Case, seen.id))
    runtime.queue.sweep()
    reminders = [b for b in twilio_rest.to(OFFICE) if b.startswith("REMINDER")]
    assert len(reminders) == 1 and late.number in reminders[0]
    assert "Nobody has acknowledged this case yet." in reminders[0]
    (backup,) = twilio_rest.to(BACKUP)
    assert backup.startswith(f"REMINDER: SRO case {late.number}")
    assert len(mailbox.to(BACKUP_MAIL)) == 1
    runtime.queue.sweep()  # a case is re-alerted once
    assert len(twilio_rest.to(BACKUP)) == 1


def test_claim_is_exclusive(make_runtime):
    runtime = make_runtime()
    _, ids = cases.open_case(runtime.db, NewCase("aspen-ridge-high-school", "sms", "k", "+1", "x"))
    lease = timedelta(seconds=60)
    assert outbox.claim(runtime.db, ids[0], lease) is not None
    assert outbox.claim(runtime.db, ids[0], lease) is None  # someone holds it
    assert outbox.claim(runtime.db, ids[0], timedelta(0)) is not None  # the lease ran out


def test_telegram_alerts_and_relays_go_through_the_bot_api(make_runtime, telegram_api, twilio_rest):
    runtime = make_runtime(
        TELEGRAM_BOT_TOKEN="7000000001:TEST-token", SRO_TELEGRAM_API_BASE=telegram_api.base
    )
    runtime.queue.huey.immediate = True
    with runtime.db.session() as s:
        s.scalar(
            select(School).where(School.slug == "aspen-ridge-high-school")
        ).telegram_chat = "-1001234567890"
    case, _ = new_case(runtime, channel="telegram", reply_to="424242")
    (alert,) = telegram_api.sent()
    assert alert["chat_id"] == "-1001234567890" and "From: anonymous" in alert["text"]
    assert "424242" not in alert["text"]
    with runtime.db.session() as s:
        ids = [d.id for d in cases.reply(s, s.get(Case, case.id), "aspen", "See you at lunch.")]
    runtime.notifier.deliveries_added(ids)
    ack, relay = telegram_api.sent()[1:]
    assert ack["chat_id"] == relay["chat_id"] == "424242"
    assert relay["text"].endswith("See you at lunch. Emergencies: 911.")


def test_a_channel_without_credentials_is_not_retried_forever(make_runtime, twilio_rest):
    runtime = make_runtime(TWILIO_AUTH_TOKEN="")
    runtime.queue.huey.immediate = True
    new_case(runtime)
    assert statuses(runtime.db) == ["unconfigured", "sent"]
    assert runtime.queue.sweep() == 0
