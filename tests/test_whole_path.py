"""The whole path: a signed Twilio SMS the bot cannot answer, the offer, the school and
consent questions, the case, the office's SMS and email alerts through the real queue, a staff
login in headless Chromium, acknowledge, reply, and the reply arriving at the sender's number
through the Twilio REST stand-in."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
import signed_sms
from browser_fixtures import needs_chromium, serve
from escalation_fixtures import PASSWORD, wait_for

STUDENT, OFFICE = "+14035550199", "+14035550101"
pytestmark = needs_chromium


@pytest.fixture
def app(schools_db, db_url, alert_env, monkeypatch):
    """The real app and its queue, configured from the environment like production."""
    from webhooks.app import create_app
    from webhooks.cli import add_user
    from webhooks.config import load_env

    for name, value in {**alert_env, "DATABASE_URL": db_url}.items():
        monkeypatch.setenv(name, value)
    add_user(schools_db, "aspen", "aspen-ridge-high-school", PASSWORD)
    app = create_app(replace(load_env(), testing=True))
    yield app
    app.extensions["sro"].runtime.queue.senders.close()
    app.extensions["sro"].runtime.db.dispose()


@pytest.fixture
def live_url(app):
    with serve(app) as url:
        yield url


def sms(app, text: str, sid: int) -> str:
    """Send one SMS as Twilio would (signed form) and return the TwiML reply text."""
    return signed_sms.sms(app.test_client(), text, STUDENT, sid)


def test_sms_to_case_to_dashboard_reply_and_back(
    app, live_url, worker_for, twilio_rest, smtp_server, browser
):
    from playwright.sync_api import expect

    mailbox, _ = smtp_server
    worker_for(app.extensions["sro"].runtime)
    assert "pass your message" in sms(app, "i need to tell someone about the bus this morning", 1)
    assert "Which school" in sms(app, "yes", 2)
    assert "1) Share my number" in sms(app, "Aspen Ridge", 3)
    confirm = sms(app, "1", 4)
    number = re.search(r"case (SRO-\d+)", confirm).group(1)

    (alert,) = wait_for(lambda: twilio_rest.to(OFFICE))
    assert alert.startswith(f"SRO case {number} for Aspen Ridge High School (via SMS)")
    assert f"From: {STUDENT}" in alert  # the student agreed to share the number
    (mail,) = wait_for(lambda: mailbox.to("office@aspenridge.example.org"))
    assert number in mail["Subject"]

    page = browser.new_page()
    page.goto(f"{live_url}/office/login")
    page.get_by_label("Username").fill("aspen")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=number).click()
    expect(page.get_by_text("i need to tell someone about the bus this morning")).to_be_visible()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#status")).to_have_text("acknowledged")
    page.get_by_label("Reply to the sender").fill("Thanks. The SRO will find you at lunch.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Thanks. The SRO will find you at lunch.")).to_be_visible()

    received = wait_for(lambda: len(twilio_rest.to(STUDENT)) == 2 and twilio_rest.to(STUDENT))
    assert sorted(received) == [
        f"Aspen Ridge High School's main office has seen your message (case {number}) and "
        "will pass it to the SRO. Emergencies: 911.",
        f"Reply from Aspen Ridge High School's main office about case {number}: "
        "Thanks. The SRO will find you at lunch. Emergencies: 911.",
    ]
    assert "seen by the office" in sms(app, "status", 5)
