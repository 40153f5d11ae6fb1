"""`sro-bot schools test-alert SLUG`: a test message to every office channel of a school through
the real senders (the Twilio, SMTP and Bot API stand-ins), one line per channel."""

from __future__ import annotations

import pytest
from escalation_fixtures import free_port
from sqlalchemy import func, select
from test_fallback import ASPEN, CHAT, set_school
from test_queue import BACKUP, BACKUP_MAIL, OFFICE, OFFICE_MAIL

from bot.storage.models import Delivery
from webhooks.cli import main

TEXT = "Test alert from sro-bot for Aspen Ridge High School: no action needed"


@pytest.fixture
def test_alert(alert_env, db_url, schools_db, telegram_api, monkeypatch, capsys):
    """Run the command in this process with the stand-ins' environment; (status, out, err)."""
    set_school(schools_db, telegram_chat=CHAT)
    env = {**alert_env, "DATABASE_URL": db_url, "SRO_TELEGRAM_API_BASE": telegram_api.base}
    for name, value in {**env, "TELEGRAM_BOT_TOKEN": "7000000001:TEST-token"}.items():
        monkeypatch.setenv(name, value)

    def run(slug: str = ASPEN, **overrides: str):
        for name, value in overrides.items():
            monkeypatch.setenv(name, value)
        status = main(["schools", "test-alert", slug])
        out, err = capsys.readouterr()
        return status, out.splitlines(), err

    return run


def test_every_channel_gets_the_test_and_each_line_says_what_the_provider_said(
    test_alert, twilio_rest, smtp_server, telegram_api, schools_db
):
    mailbox, _ = smtp_server
    status, lines, _ = test_alert()
    assert status == 0
    assert [line.split("\t")[:2] for line in lines] == [
        ["office phone", "sms"],
        ["office email", "email"],
        ["telegram chat", "telegram"],
        ["backup phone", "sms"],
        ["backup email", "email"],
    ]
    said = [line.split("\t")[2] for line in lines]
    assert said[0].startswith("sent SM") and said[3].startswith("sent SM")
    assert said[1].startswith("sent <") and said[2] == "sent telegram:1"
    assert twilio_rest.to(OFFICE) == twilio_rest.to(BACKUP) == [TEXT]
    for address in (OFFICE_MAIL, BACKUP_MAIL):
        (mail,) = mailbox.to(address)
        assert mail["Subject"] == TEXT
    (message,) = telegram_api.sent()
    assert message == {"chat_id": CHAT, "text": TEXT}
    assert not any(
        "Test alert" in line or "5550" in line or "@" in line.split("\t")[0] for line in lines
    )
    with schools_db.session() as s:  # a test send is no delivery of any case
        assert s.scalar(select(func.count()).select_from(Delivery)) == 0


def test_a_channel_that_is_down_fails_its_line_and_the_command(test_alert, twilio_rest):
    twilio_rest.fail_for = 1  # the office phone's message: a 500
    status, lines, _ = test_alert(SRO_SMTP_PORT=str(free_port()))  # no mail server there
    said = dict(line.split("\t")[0::2] for line in lines)
    assert status == 1
    assert said["office phone"] == "FAILED TwilioRestException 500"
    assert said["office email"] == said["backup email"] == "FAILED ConnectionRefusedError"
    assert said["backup phone"].startswith("sent SM")
    assert said["telegram chat"] == "sent telegram:1"


def test_an_unknown_school_is_status_2_with_a_clear_message(test_alert):
    status, lines, err = test_alert("no-such-school")
    assert status == 2 and lines == []
    assert "no school 'no-such-school'" in err and "schools list" in err
