"""Telegram webhook driven with real Update JSON; replies go through python-telegram-bot's Bot
to a local Bot API stand-in."""

from __future__ import annotations

import json
import time
import warnings
from datetime import timedelta
from urllib.parse import parse_qsl

import pytest
from conftest import BotApiStandIn
from escalation_fixtures import wait_for
from sqlalchemy import select
from telegram import Update
from werkzeug import Response

from bot.messages import Message, Reply
from bot.storage.models import Delivery, now
from webhooks import logs
from webhooks.channels.telegram_updates import (
    MAX_CHARS,
    from_callback,
    from_message,
    text_within_limit,
)
from webhooks.delivery import outbox
from webhooks.delivery.clients import keyboard_from_choices

SECRET = {"X-Telegram-Bot-Api-Secret-Token": "test-webhook-secret"}
CHAT_ID = "5550001234"
GROUP_ID = "-1001234567890"


@pytest.fixture
def app(make_app, telegram_api):
    return make_app(SRO_TELEGRAM_API_BASE=telegram_api.base)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def update(payload):
    """A recorded update by short name, as a dict, dated now (the engine forgets a question it
    asked after 30 minutes, by the date of the messages)."""

    def load(name: str) -> dict:
        body = json.loads(payload(f"telegram_{name}.json"))
        if "message" in body:
            body["message"]["date"] = int(time.time())
        return body

    return load


class Recorder:
    """An engine that keeps each message and answers with fixed replies."""

    def __init__(self, *replies: Reply) -> None:
        self.seen: list[Message] = []
        self.replies = list(replies)

    def handle(self, message: Message) -> list[Reply]:
        self.seen.append(message)
        return list(self.replies)

    def assess(self, text: str) -> None:
        return None


def post(client, body: dict, headers=SECRET):
    return client.post("/telegram/webhook", json=body, headers=headers)


def fresh_answer(knowledge_base, *texts: str, shared: bool = False, choice: str = "") -> str:
    """What a new engine says on Telegram to the last of these messages (a button press when
    choice is given)."""
    from bot.engine import Engine

    engine = Engine(knowledge_base)
    said = [engine.handle(Message("telegram", CHAT_ID, t, shared=shared)) for t in texts[:-1]]
    last = Message("telegram", CHAT_ID, texts[-1], shared=shared, choice=choice)
    return [*said, engine.handle(last)][-1][0].full_text


def test_text_message_is_answered_through_the_bot_api(client, telegram_api, update, knowledge_base):
    response = post(client, update("message"))
    assert response.status_code == 200 and response.json == {"ok": True}
    (sent,) = telegram_api.sent()
    assert sent["chat_id"] == CHAT_ID
    assert sent["text"] == fresh_answer(knowledge_base, "Is the SRO at my school today?")
    assert "reply_markup" not in sent


def test_start_shows_choices_as_an_inline_keyboard(client, telegram_api, update, knowledge_base):
    assert post(client, update("command_start")).status_code == 200
    (sent,) = telegram_api.sent()
    assert sent["text"] == fresh_answer(knowledge_base, "/start")
    rows = json.loads(sent["reply_markup"])["inline_keyboard"]
    data = [row[0]["callback_data"] for row in rows]
    (menu,) = menu_reply(knowledge_base)
    assert data == [f"c:{topic}" for topic in menu.choice_ids] and len(rows) > 1
    assert [row[0]["text"] for row in rows] == list(menu.choices)
    assert all(len(d.encode()) <= 64 for d in data)


def menu_reply(knowledge_base) -> list[Reply]:
    from bot.engine import Engine

    return Engine(knowledge_base).handle(Message("telegram", CHAT_ID, "/start"))


@pytest.mark.parametrize(
    "ids, data",
    [
        (("sro-role", "sro-presence"), ["c:sro-role", "c:sro-presence"]),
        ((), ["1", "2"]),
        (("sro-role",), ["c:sro-role", "2"]),
        (("", "x" * 62), ["1", "c:" + "x" * 62]),
        (("x" * 63, "é" * 31), ["1", "c:" + "é" * 31]),  # 65 bytes: too long; 64 bytes fit
    ],
    ids=["ids", "no-ids", "missing-id", "empty-id", "64-bytes"],
)
def test_button_data_is_the_choice_id_else_the_number(ids, data):
    markup = keyboard_from_choices(("A", "B"), ids)
    assert [row[0].callback_data for row in markup.inline_keyboard] == data


def test_help_command_addressed_to_the_bot_by_name(client, telegram_api, update, knowledge_base):
    body = update("command_start")
    body["message"]["text"] = "/help@sro_test_bot"
    post(client, body)
    assert telegram_api.sent()[0]["text"] == fresh_answer(knowledge_base, "/help")


def test_pressing_a_choice_answers_the_query_and_that_topic(
    client, telegram_api, update, knowledge_base
):
    post(client, update("command_start"))
    assert post(client, update("callback_query")).status_code == 200
    (answered,) = telegram_api.sent("answerCallbackQuery")
    assert answered["callback_query_id"] == "4382bfdwdsb323b2d9"
    menu, answer = telegram_api.sent()
    assert answer["chat_id"] == CHAT_ID
    assert answer["text"] == fresh_answer(knowledge_base, "/start", "2")


def test_pressing_a_choice_button_answers_that_topic(client, telegram_api, update, knowledge_base):
    assert post(client, update("callback_choice")).status_code == 200
    (answer,) = telegram_api.sent()
    label = "Is the SRO at school today?"
    assert answer["text"] == fresh_answer(knowledge_base, label, choice="sro-presence")
    assert answer["chat_id"] == CHAT_ID
    assert telegram_api.sent("answerCallbackQuery")


def test_a_choice_button_gives_the_engine_its_id_and_label(app, telegram_api, update):
    recorder = Recorder(Reply("ok"))
    app.extensions["sro"].engine = recorder
    post(app.test_client(), update("callback_choice"))
    body = update("callback_choice")
    body["update_id"] += 1
    body["callback_query"]["data"] = "c:lockdown"  # not on the keyboard: the id is the text
    post(app.test_client(), body)
    pressed, unknown = recorder.seen
    assert (pressed.text, pressed.choice, pressed.sender) == (
        "Is the SRO at school today?",
        "sro-presence",
        CHAT_ID,
    )
    assert (unknown.text, unknown.choice) == ("lockdown", "lockdown")


@pytest.mark.parametrize("data", ["delete-everything", "c:", "123", "c:\u202e", None])
def test_foreign_callback_data_only_stops_the_spinner(client, telegram_api, update, data):
    body = update("callback_query")
    body["callback_query"]["data"] = data
    assert post(client, body).status_code == 200
    assert [name for name, _ in telegram_api.calls] == ["answerCallbackQuery"]


@pytest.mark.parametrize("name", ["edited_message", "my_chat_member"])
def test_edits_and_other_update_kinds_are_ignored_quietly(client, telegram_api, update, name):
    response = post(client, update(name))
    assert response.status_code == 200 and response.json == {"ok": True}
    assert telegram_api.calls == []


@pytest.mark.parametrize("name", ["sticker", "photo"])
def test_non_text_messages_get_a_polite_text_note(
    client, telegram_api, update, name, knowledge_base
):
    assert post(client, update(name)).status_code == 200
    (sent,) = telegram_api.sent()
    assert sent["text"] == fresh_answer(knowledge_base, "")
    assert "911" in sent["text"]


def test_photo_caption_is_read_as_the_question(client, telegram_api, update, knowledge_base):
    body = update("photo")
    body["message"]["caption"] = "Is the SRO at my school today?"
    post(client, body)
    assert telegram_api.sent()[0]["text"] == fresh_answer(
        knowledge_base, body["message"]["caption"]
    )


def test_a_retried_update_id_is_handled_once(client, telegram_api, update):
    assert post(client, update("message")).status_code == 200
    assert post(client, update("message")).status_code == 200
    assert len(telegram_api.sent()) == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {"X-Telegram-Bot-Api-Secret-Token": ""}],
    ids=["missing", "wrong", "empty"],
)
def test_wrong_or_missing_secret_is_403_and_nothing_is_sent(client, telegram_api, update, headers):
    response = post(client, update("message"), headers=headers)
    assert response.status_code == 403
    assert "secret" in response.json["error"]
    assert telegram_api.calls == []


def test_demo_mode_without_a_secret_still_refuses_every_webhook_call(
    make_app, telegram_api, update
):
    app = make_app(
        TELEGRAM_WEBHOOK_SECRET="", SRO_DEMO="1", SRO_TELEGRAM_API_BASE=telegram_api.base
    )
    response = app.test_client().post(
        "/telegram/webhook", json=update("message"), headers={"X-Telegram-Bot-Api-Secret-Token": ""}
    )
    assert response.status_code == 403


WORDS = "meet me behind the gym"  # content that must never reach a log


@pytest.fixture
def log_lines(caplog):
    """Every line this package logs during the test, as the JSON lines it writes (its logger
    does not propagate, so caplog's handler is attached to it)."""
    logs.log.addHandler(caplog.handler)
    yield lambda: [logs.JsonLineFormatter().format(r) for r in caplog.records]
    logs.log.removeHandler(caplog.handler)


@pytest.mark.parametrize(
    "kwargs, reason",
    [
        (
            {"data": f"not json {WORDS}".encode(), "content_type": "application/json"},
            "body is not valid JSON",
        ),
        (
            {
                "data": b'{"update_id": 1, "message": "\xff meet"}',
                "content_type": "application/json",
            },
            "body is not valid UTF-8",
        ),
        ({"json": [WORDS, 1]}, "body must be a JSON object"),
        ({"json": {"message": {"text": WORDS}}}, "no update_id"),
        ({"json": {"update_id": "733120001", "message": {"text": WORDS}}}, "no update_id"),
        ({"json": {"update_id": True, "message": {"text": WORDS}}}, "no update_id"),
        ({"json": {"update_id": 5, "message": {"text": WORDS}}}, "not a Telegram update"),
        (
            {"json": {"update_id": 6, "message": {"text": WORDS, "chat": WORDS, "date": 1}}},
            "not a Telegram update",
        ),
        (
            {
                "json": {
                    "update_id": 7,
                    "message": {
                        "message_id": 1,
                        "date": 10**20,
                        "chat": {"id": 1, "type": "private"},
                        "text": WORDS,
                    },
                }
            },
            "not a Telegram update",
        ),
        ({"json": {"update_id": 8, "callback_query": WORDS}}, "not a Telegram update"),
        (
            {
                "data": f"update_id=1&text={WORDS}",
                "content_type": "application/x-www-form-urlencoded",
            },
            "content type must be application/json",
        ),
    ],
    ids=[
        "not-json",
        "bad-utf8",
        "array",
        "no-update-id",
        "string-update-id",
        "bool-update-id",
        "broken-message",
        "garbage-chat",
        "date-out-of-range",
        "garbage-callback",
        "form",
    ],
)
def test_malformed_updates_with_the_secret_are_acknowledged_and_logged_without_content(
    client, telegram_api, log_lines, kwargs, reason
):
    response = client.post("/telegram/webhook", headers=SECRET, **kwargs)
    assert response.status_code == 200 and response.json == {"ok": True}
    assert telegram_api.calls == []
    lines = log_lines()
    malformed = [json.loads(line) for line in lines if '"event":"malformed"' in line]
    assert [(m["level"], m["channel"], m["reason"]) for m in malformed] == [
        ("warning", "telegram", reason)
    ]
    assert not any(word in line for line in lines for word in ("meet", "gym", "733120001"))


@pytest.mark.parametrize(
    "fields",
    [
        {"surprise": {"text": WORDS}},
        {
            "message": {
                "message_id": 1,
                "date": 1,
                "chat": {"id": 5550001234, "type": "private"},
                "text": 12345,
                "caption": WORDS,
            }
        },
        {
            "callback_query": {
                "id": "q1",
                "from": {"id": 1, "is_bot": False, "first_name": "A"},
                "chat_instance": "1",
                "data": {"text": WORDS},
            }
        },
    ],
    ids=["unknown-kind", "number-as-text", "object-as-callback-data"],
)
def test_updates_with_garbage_fields_are_acknowledged(client, log_lines, fields):
    response = post(client, {"update_id": 9, **fields})
    assert response.status_code == 200 and response.json == {"ok": True}
    lines = log_lines()
    assert any('"event":"telegram_update"' in line for line in lines)
    assert not any("meet" in line for line in lines)


def test_a_malformed_update_with_a_wrong_secret_is_still_403(client, telegram_api):
    response = client.post(
        "/telegram/webhook",
        data=b"not json",
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
    )
    assert response.status_code == 403 and telegram_api.calls == []


def test_a_refused_reply_is_logged_not_raised_nor_kept(app, client, telegram_api, update):
    telegram_api.fail_with = 400  # a bad request: sending it again cannot help
    response = post(client, update("message"))
    assert response.status_code == 200
    assert telegram_api.sent()
    assert answers(app) == []


def test_long_replies_are_cut_under_4096_keeping_the_reminder_as_last_line():
    cut = text_within_limit(Reply("word " * 1000, reminder="Emergency: 911."))
    assert len(cut.encode("utf-16-le")) // 2 <= MAX_CHARS
    assert cut.endswith("...\nEmergency: 911.")
    short = Reply("short", reminder="Emergency: 911.")
    assert text_within_limit(short) == "short\nEmergency: 911."


def test_telegram_is_off_without_a_bot_token(make_app, update):
    client = make_app(TELEGRAM_BOT_TOKEN="").test_client()
    assert post(client, update("message")).status_code == 404


def test_without_a_stand_in_the_real_api_host_is_used_and_the_guard_blocks_it():
    from telegram.error import NetworkError

    from webhooks.delivery.clients import TelegramClient

    client = TelegramClient("7000000001:TEST-token")
    try:
        with pytest.raises(NetworkError, match="network guard"):
            client.send_message(int(CHAT_ID), "hello")
    finally:
        client.close()


def as_group(body: dict, update_id: int, member: int, text: str) -> dict:
    """The group message update from another member or with other text."""
    body = json.loads(json.dumps(body))
    body["update_id"] = update_id
    body["message"]["from"]["id"] = member
    body["message"]["text"] = text
    return body


def test_a_group_message_is_shared_and_per_member_a_private_one_is_not(update):
    private = from_message(Update.de_json(update("message"), None).message)
    group = from_message(Update.de_json(update("group_message"), None).message)
    assert (private.message.sender, private.chat_id, private.message.shared) == (
        CHAT_ID,
        int(CHAT_ID),
        False,
    )
    assert (group.message.sender, group.chat_id, group.message.shared) == (
        f"{GROUP_ID}:5550002222",
        int(GROUP_ID),
        True,
    )


def test_a_button_pressed_in_a_group_is_that_members(update):
    body = update("callback_choice")
    body["callback_query"]["message"]["chat"] = {"id": int(GROUP_ID), "type": "group"}
    pressed = from_callback(Update.de_json(body, None).callback_query)
    assert pressed is not None
    assert (pressed.message.sender, pressed.chat_id) == (f"{GROUP_ID}:{CHAT_ID}", int(GROUP_ID))


def test_in_a_group_one_members_number_never_answers_anothers_menu(
    client, telegram_api, update, knowledge_base
):
    group = update("group_message")
    post(client, group)  # member 5550002222 asks for the menu
    post(client, as_group(group, 733120020, 5550003333, "2"))  # another member says "2"
    post(client, as_group(group, 733120021, 5550002222, "2"))  # the one who asked picks 2
    menu, to_other, to_asker = telegram_api.sent()
    assert menu["chat_id"] == to_other["chat_id"] == to_asker["chat_id"] == GROUP_ID
    picked = fresh_answer(knowledge_base, "/start", "2", shared=True)
    assert to_asker["text"] == picked
    assert to_other["text"] != picked


def answers(app) -> list[Delivery]:
    """The outbox rows of replies sent late, oldest first."""
    with app.extensions["sro"].runtime.db.session() as s:
        query = select(Delivery).where(Delivery.purpose == "answer").order_by(Delivery.id)
        return list(s.scalars(query))


class FlakyBotApi(BotApiStandIn):
    """The Bot API stand-in whose next sendMessage calls are answered from `failures`: an HTTP
    status and Telegram's retry_after (seconds, for a 429), or None to let that call through.
    It notes when each sendMessage arrived, and the ones that went through."""

    def __init__(self, httpserver) -> None:
        self.failures: list[tuple[int, int] | None] = []
        self.times: list[float] = []
        self.delivered: list[dict] = []
        super().__init__(httpserver)

    def _handle(self, request):
        if not request.path.endswith("/sendMessage"):
            return super()._handle(request)
        self.times.append(time.monotonic())
        failure = self.failures.pop(0) if self.failures else None
        if failure is None:
            self.delivered.append(dict(parse_qsl(request.get_data(as_text=True))))
            return super()._handle(request)
        self.calls.append(("sendMessage", dict(parse_qsl(request.get_data(as_text=True)))))
        status, retry_after = failure
        body: dict = {"ok": False, "error_code": status, "description": "stand-in failure"}
        if retry_after:
            body["parameters"] = {"retry_after": retry_after}
        return Response(json.dumps(body), status, mimetype="application/json")


@pytest.fixture
def flaky(httpserver, monkeypatch) -> FlakyBotApi:
    # python-telegram-bot warns while it builds RetryAfter unless retry_after is a timedelta
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    return FlakyBotApi(httpserver)


@pytest.fixture
def flaky_app(make_app, flaky):
    app = make_app(SRO_TELEGRAM_API_BASE=flaky.base)
    yield app
    app.extensions["sro"].runtime.queue.senders.close()


def run_worker_now(app) -> int:
    """Run the delivery worker's sweep in this thread; how many deliveries it took up."""
    queue = app.extensions["sro"].runtime.queue
    queue.huey.immediate = True
    return queue.sweep()


def test_a_reply_refused_with_a_5xx_waits_in_the_outbox_and_goes_once(
    flaky_app, flaky, update, knowledge_base, log_lines
):
    flaky.failures = [(502, 0)]
    assert post(flaky_app.test_client(), update("message")).status_code == 200
    (row,) = answers(flaky_app)
    assert (row.medium, row.address, row.case_id, row.status) == (
        "telegram",
        CHAT_ID,
        None,
        "pending",
    )
    assert flaky.delivered == []
    assert run_worker_now(flaky_app) == 1
    assert run_worker_now(flaky_app) == 0
    question = "Is the SRO at my school today?"
    assert [d["text"] for d in flaky.delivered] == [fresh_answer(knowledge_base, question)]
    assert [d["chat_id"] for d in flaky.delivered] == [CHAT_ID]
    assert answers(flaky_app)[0].status == "sent"
    lines = log_lines()
    assert any('"event":"send_deferred"' in line and "NetworkError" in line for line in lines)
    assert not any(CHAT_ID in line or "SRO at my school" in line for line in lines)


def test_a_reply_refused_with_retry_after_is_sent_by_the_worker_no_sooner(
    flaky_app, flaky, update, worker_for
):
    flaky.failures = [(429, 2)]
    post(flaky_app.test_client(), update("message"))
    (row,) = answers(flaky_app)
    assert row.not_before is not None and row.not_before > now() + timedelta(seconds=1)
    worker_for(flaky_app.extensions["sro"].runtime)
    wait_for(lambda: answers(flaky_app)[0].status == "sent")
    refused_at, sent_at = flaky.times
    assert sent_at - refused_at >= 2
    assert len(flaky.delivered) == 1


def test_a_retry_after_met_by_the_worker_holds_the_next_attempt(flaky_app, flaky, update):
    flaky.failures = [(503, 0), (429, 1)]
    post(flaky_app.test_client(), update("message"))
    run_worker_now(flaky_app)  # the worker's attempt meets the 429
    (row,) = answers(flaky_app)
    assert row.status == "failed" and row.not_before is not None
    assert row.not_before >= now() + timedelta(seconds=0.9)  # retry_after, or a longer backoff
    assert run_worker_now(flaky_app) == 0  # not before then
    time.sleep((row.not_before - now()).total_seconds() + 0.1)
    assert run_worker_now(flaky_app) == 1
    assert len(flaky.delivered) == 1 and answers(flaky_app)[0].status == "sent"


@pytest.mark.parametrize(
    "failures, inline, late",
    [
        ([(502, 0)], [], ["Call 911 now.", "First.", "Second."]),
        ([None, (502, 0)], ["First."], ["Call 911 now.", "Second."]),
    ],
    ids=["first-fails", "second-fails"],
)
def test_emergency_replies_are_queued_and_sent_first(
    flaky_app, flaky, update, failures, inline, late
):
    flaky_app.extensions["sro"].engine = Recorder(
        Reply("First."), Reply("Call 911 now.", emergency=True), Reply("Second.")
    )
    flaky.failures = failures
    post(flaky_app.test_client(), update("message"))
    assert [row.body for row in answers(flaky_app)] == late
    run_worker_now(flaky_app)
    assert [d["text"] for d in flaky.delivered] == inline + late


def test_a_button_pressed_during_an_outage_is_answered_later(app, telegram_api, update):
    telegram_api.fail_with = 502  # answerCallbackQuery and sendMessage both fail
    assert post(app.test_client(), update("callback_choice")).status_code == 200
    (row,) = answers(app)
    assert row.address == CHAT_ID and row.status == "pending"


def test_an_answer_has_no_case_and_waits_for_its_time(db):
    lease = timedelta(seconds=60)
    held = outbox.add_answers(db, "telegram", CHAT_ID, ["later"], wait=60)
    ready = outbox.add_answers(db, "telegram", CHAT_ID, ["now", "then"])
    assert outbox.unsent(db, lease) == ready
    assert outbox.claim(db, held[0], lease) is None
    job = outbox.claim(db, ready[0], lease)
    assert job is not None and (job.medium, job.address, job.body) == ("telegram", CHAT_ID, "now")


@pytest.mark.parametrize("timedelta_mode", ["true", "false"])
def test_the_wait_before_sending_again(monkeypatch, timedelta_mode):
    from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

    from webhooks.delivery.clients import resend_wait

    monkeypatch.setenv("PTB_TIMEDELTA", timedelta_mode)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        flood = RetryAfter(3)
    assert resend_wait(flood) == 3.0
    assert resend_wait(NetworkError("Bad Gateway")) == resend_wait(TimedOut()) == 0.0
    assert resend_wait(TimeoutError()) == 0.0
    assert resend_wait(BadRequest("chat not found")) is None
    assert resend_wait(Forbidden("bot was blocked by the user")) is None
