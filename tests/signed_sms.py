"""One SMS as Twilio sends it: a form signed with the test auth token, posted to the app."""

from __future__ import annotations

from xml.etree import ElementTree

from twilio.request_validator import RequestValidator

URL = "https://sro.example.org/sms/twilio"


def form_for(text: str, sender: str, sid: int) -> dict[str, str]:
    """Twilio's inbound form for one message."""
    return {
        "From": sender,
        "To": "+15875550100",
        "Body": text,
        "MessageSid": f"SM{sid:032d}",
        "AccountSid": "AC" + "0" * 32,
        "NumMedia": "0",
    }


def post_form(client, form: dict[str, str]) -> tuple[int, list[str]]:
    """Post a signed form; the status and the text of each <Message> of the TwiML."""
    signature = RequestValidator("test-auth-token").compute_signature(URL, form)
    response = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": signature})
    if response.status_code != 200:
        return response.status_code, []
    root = ElementTree.fromstring(response.get_data())
    return 200, [m.text or "" for m in root.iter("Message")]


def sms(client, text: str, sender: str, sid: int) -> str:
    """Send one SMS and return the reply text (asserting a 200)."""
    status, texts = post_form(client, form_for(text, sender, sid))
    assert status == 200
    return " ".join(texts)
