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
