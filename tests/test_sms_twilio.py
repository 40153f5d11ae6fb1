"""Twilio SMS webhook driven through the real app with payloads signed by twilio's validator."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl

import pytest
from twilio.request_validator import RequestValidator

from bot.messages import Message
from bot.privacy import sender_key
from bot.triage import URGENCY_ORDER
from webhooks import logs
from webhooks.channels.sms_parts import segments
from webhooks.channels.sms_texts import OPT_IN, OPT_OUT

URL = "https://sro.example.org/sms/twilio"
TOKEN = "test-auth-token"


class RecordingEngine:
    """The real engine, plus a record of every message it was asked to handle."""

    def __init__(self, engine):
        self.engine = engine
        self.seen: list[Message] = []

    def handle(self, message: Message):
        self.seen.append(message)
        return self.engine.handle(message)

    def assess(self, text: str):
        return self.engine.assess(text)

    def forget(self, channel: str, sender: str) -> None:
        self.engine.forget(channel, sender)


@pytest.fixture
def form(payload) -> dict:
    """The recorded Twilio inbound form as a dict."""
    return dict(parse_qsl(payload("twilio_inbound.form"), keep_blank_values=True))


@pytest.fixture
def recording(engine) -> RecordingEngine:
    return RecordingEngine(engine)


@pytest.fixture
def client(make_app, recording, monkeypatch):
    app = make_app()
    app.extensions["sro"].engine = recording
    return app.test_client()


def post(client, form: dict, *, url: str = URL, token: str = TOKEN, signature: str | None = None):
    """POST the form as Twilio does, signed for url with token unless a signature is given."""
    if signature is None:
        signature = RequestValidator(token).compute_signature(url, form)
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return client.post("/sms/twilio", data=form, headers=headers)


def texts(response) -> list[str]:
    """The body of every <Message> in the TwiML response."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.get_data())
    assert root.tag == "Response"
    return [m.text or "" for m in root.iter("Message")]


def with_body(form: dict, body: str, sid: str = "SM" + "1" * 32) -> dict:
    return {**form, "Body": body, "MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid}


def fresh_answer(knowledge_base, text: str) -> str:
    """What a brand-new engine answers on SMS, to compare with what left the app."""
    from bot.engine import Engine

    return Engine(knowledge_base).handle(Message("sms", "+10000000000", text))[0].full_text


def test_signed_inbound_sms_gets_the_engine_answer_as_twiml(client, form, knowledge_base):
    answer = texts(post(client, form))
    assert " ".join(answer).split() == fresh_answer(knowledge_base, form["Body"]).split()
    assert "911" in answer[-1]


def test_raw_recorded_body_is_accepted_byte_for_byte(client, payload, form):
    signature = RequestValidator(TOKEN).compute_signature(URL, form)
    response = client.post(
        "/sms/twilio",
        data=payload("twilio_inbound.form"),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )
    assert texts(response)


@pytest.mark.parametrize(
    "change",
    [
        {"signature": ""},
        {"signature": "bm90IGEgc2lnbmF0dXJl"},
        {"token": "someone-elses-token"},
        {"url": "http://localhost/sms/twilio"},  # what the app sees behind a TLS proxy
        {"url": "https://sro.example.org/sms/twilio?extra=1"},
    ],
    ids=["missing", "garbage", "wrong-token", "internal-url", "other-url"],
)
def test_unverified_requests_are_refused_and_not_processed(client, form, recording, change):
    response = post(client, form, **change)
    assert response.status_code == 403
    assert response.json["error"] in {"no signature", "bad signature"}
    assert recording.seen == []


def test_tampered_body_is_refused(client, form, recording):
    signature = RequestValidator(TOKEN).compute_signature(URL, form)
    response = post(client, {**form, "Body": "something else"}, signature=signature)
    assert response.status_code == 403
    assert recording.seen == []


def test_query_string_is_part_of_the_signed_url(client, form):
    url = URL + "?school=42"
    signature = RequestValidator(TOKEN).compute_signature(url, form)
    response = client.post(
        "/sms/twilio?school=42", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert texts(response)


def test_retried_message_sid_is_answered_again_without_processing(client, form, recording):
    first = post(client, form)
    second = post(client, form)
    assert second.get_data() == first.get_data()
    assert len(recording.seen) == 1


def test_a_long_reply_is_one_message_of_at_most_three_segments(client, form):
    (text,) = texts(post(client, with_body(form, "menu")))
    assert 2 <= segments(text) <= 3
    assert text.startswith("Here is what I can help with")
    assert text.endswith("Non-emergency police: 403-266-1234.")


@pytest.mark.parametrize("word", sorted(OPT_OUT))
def test_opt_out_keywords_stop_everything_until_start(client, form, recording, word):
    confirmation = texts(post(client, with_body(form, word.lower(), "SM" + "a" * 32)))
    assert len(confirmation) == 1 and "START" in confirmation[0]
    assert texts(post(client, with_body(form, "is the sro here today", "SM" + "b" * 32))) == []
    assert recording.seen == []
    resumed = texts(post(client, with_body(form, "Start", "SM" + "c" * 32)))
    assert len(resumed) == 1 and "911" in resumed[0]
    assert texts(post(client, with_body(form, "is the sro here today", "SM" + "d" * 32)))
    assert len(recording.seen) == 1


def test_an_emergency_from_an_opted_out_number_reaches_the_engine_but_sends_nothing(
    client, form, recording
):
    texts(post(client, with_body(form, "STOP", "SM" + "a" * 32)))
    danger = "there is a guy with a gun in the hallway at aspen ridge"
    assert texts(post(client, with_body(form, danger, "SM" + "b" * 32))) == []
    assert [m.text for m in recording.seen] == [danger]  # the desk opens the URGENT case


def test_arret_confirms_in_french(client, form):
    (confirmation,) = texts(post(client, with_body(form, "Arrêt")))
    assert "désabonné" in confirmation


@pytest.mark.parametrize("word", sorted(OPT_IN))
def test_opt_in_keywords_resubscribe(client, form, word):
    texts(post(client, with_body(form, "STOP", "SM" + "a" * 32)))
    (resumed,) = texts(post(client, with_body(form, word, "SM" + "b" * 32)))
    assert "subscribed" in resumed


def test_opt_outs_are_kept_by_sender_hash_not_number(make_app, form):
    app = make_app()
    texts(post(app.test_client(), with_body(form, "STOP")))
    optouts = app.extensions["sro"].optouts
    assert optouts.is_opted_out(sender_key("sms", form["From"]))
    assert not optouts.is_opted_out(form["From"])


@pytest.mark.parametrize("word", ["HELP", "info", "Help!"])
def test_help_and_info_describe_the_bot(client, form, knowledge_base, word):
    (answer, *rest) = texts(post(client, with_body(form, word)))
    assert "\n".join([answer, *rest]).split() == fresh_answer(knowledge_base, "help").split()
    assert "911" in " ".join([answer, *rest])


@pytest.mark.parametrize(
    "extra", [{"Body": ""}, {"Body": "   "}, {"Body": "", "NumMedia": "1"}, {"Body": "\x00\x07"}]
)
def test_empty_or_picture_only_sms_gets_a_polite_answer(client, form, knowledge_base, extra):
    answer = texts(post(client, {**form, **extra}))
    assert " ".join(answer).split() == fresh_answer(knowledge_base, "").split()


def test_control_characters_are_dropped_before_the_engine(client, form, recording):
    texts(post(client, with_body(form, "is the sro\x00 at my\x1b school today\x7f")))
    assert recording.seen[0].text == "is the sro at my school today"


def test_signed_request_without_from_is_a_clear_400(client, form):
    response = post(client, {k: v for k, v in form.items() if k != "From"})
    assert response.status_code == 400
    assert response.json == {"error": "missing From"}


def test_oversized_body_is_413(make_app, form):
    client = make_app(SRO_MAX_BODY_BYTES="2048").test_client()
    response = post(client, with_body(form, "x" * 4000))
    assert response.status_code == 413
    assert response.json == {"error": "body too large"}


def test_signed_json_body_is_415(client, form):
    signature = RequestValidator(TOKEN).compute_signature(URL, {})
    response = client.post("/sms/twilio", json=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 415


def test_get_is_405_json(client):
    response = client.get("/sms/twilio")
    assert response.status_code == 405
    assert response.json == {"error": "method not allowed"}


def test_sms_is_off_without_an_auth_token(make_app, form):
    client = make_app(TWILIO_AUTH_TOKEN="", TWILIO_ACCOUNT_SID="").test_client()
    assert post(client, form).status_code == 404


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(logs.JsonLineFormatter().format(record))


def test_logs_hold_a_sender_hash_never_the_number_or_text(client, form):
    collect = Collect()
    logs.log.addHandler(collect)
    try:
        texts(post(client, form))
        post(client, form, signature="bad")
    finally:
        logs.log.removeHandler(collect)
    joined = "\n".join(collect.lines)
    assert sender_key("sms", form["From"]) in joined
    assert form["From"] not in joined and form["From"][2:] not in joined
    assert "SRO at my school" not in joined and "main office" not in joined
    assert '"status":403' in joined


def test_a_retry_reaching_another_worker_is_not_processed_twice(make_app, form, recording):
    """Two app instances share one database, as two gunicorn workers do."""
    first, second = make_app(), make_app()
    for app in (first, second):
        app.extensions["sro"].engine = recording
    answer = post(first.test_client(), form)
    retry = post(second.test_client(), form)
    assert retry.status_code == 200 and retry.get_data() == answer.get_data()
    assert len(recording.seen) == 1


SAFETY_KINDS = URGENCY_ORDER  # every kind of danger that has its own fixed text
PHONE = re.compile(r"\d[\d-]*\d")


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("kind", SAFETY_KINDS)
@pytest.mark.parametrize("someone_else", [False, True])
def test_every_fixed_safety_text_goes_out_whole_by_sms(lang, kind, someone_else):
    from bot.engine import Engine
    from bot.triage import Triage
    from webhooks.channels.sms_parts import sms_text

    categories = (kind, "self-harm") if kind != "self-harm" else (kind,)
    reply = Engine._emergency(Triage(True, categories=categories, someone_else=someone_else), lang)
    sent = sms_text([reply])
    assert sent.startswith(("Call 911 now", "Appelle le 911 maintenant"))
    assert PHONE.findall(sent) == PHONE.findall(reply.text)
    assert "9-8-8" in sent and "1-800-668-6868" in sent and "686868" in sent
    assert not sent.rstrip().endswith("...")


@pytest.mark.parametrize(
    "body", ["je veux me suicider", "je veux me suicider, je suis à l'école Aspen Ridge"]
)
def test_a_french_suicide_message_gets_every_crisis_number_by_sms(client, form, body):
    (sent,) = texts(post(client, with_body(form, body)))
    assert sent.startswith("Appelle le 911 maintenant")
    assert "9-8-8" in sent and "1-800-668-6868" in sent and "686868" in sent
    assert not sent.rstrip().endswith("...")
