"""Outbound SMS through twilio's real REST client, pointed at a local stand-in."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

from webhooks.delivery.clients import SmsSender

SID = "AC" + "1" * 32


@pytest.fixture
def sender(twilio_api):
    sms = SmsSender(SID, "outbound-token", "+15875550100", api_base=twilio_api.base)
    yield sms
    sms.close()


def test_send_posts_to_the_messages_api_and_returns_the_sid(sender, twilio_api):
    sid = sender.send("+14035550123", "The SRO office called back. Emergency: 911.")
    assert sid.startswith("SM")
    (sent,) = twilio_api.messages
    assert sent["To"] == "+14035550123"
    assert sent["From"] == "+15875550100"
    assert sent["Body"] == "The SRO office called back. Emergency: 911."
    assert sent["auth"] == SID


def test_api_errors_surface_as_twilio_exceptions(httpserver):
    httpserver.expect_request(f"/2010-04-01/Accounts/{SID}/Messages.json").respond_with_json(
        {"code": 21211, "message": "The 'To' number is not valid.", "status": 400}, status=400
    )
    sms = SmsSender(SID, "outbound-token", "+15875550100", api_base=httpserver.url_for(""))
    try:
        with pytest.raises(TwilioRestException) as err:
            sms.send("+1", "hello")
    finally:
        sms.close()
    assert err.value.code == 21211


def test_without_a_stand_in_the_real_twilio_host_is_used_and_the_guard_blocks_it():
    sms = SmsSender(SID, "outbound-token", "+15875550100")
    try:
        with pytest.raises(Exception, match="network guard"):
            sms.send("+14035550123", "hello")
    finally:
        sms.close()


def test_an_earlier_send_is_found_behind_many_newer_messages(twilio_rest):
    """The "did it already go?" check reads every page: in a surge, 155 newer alerts to the
    same office number must not hide the original (it would be sent twice)."""
    from datetime import UTC, datetime, timedelta

    sms = SmsSender(SID, "outbound-token", "+15875550100", api_base=twilio_rest.base)
    try:
        first = sms.send("+14035550101", "URGENT SRO case SRO-1001 for Aspen Ridge")
        for n in range(155):
            sms.send("+14035550101", f"URGENT SRO case SRO-{1002 + n} for Aspen Ridge")
        since = datetime.now(UTC) - timedelta(minutes=5)
        found = sms.find("+14035550101", "URGENT SRO case SRO-1001 for Aspen Ridge", since)
        assert found == first
        assert sms.find("+14035550101", "URGENT SRO case SRO-9999", since) is None
    finally:
        sms.close()
