"""Telegram webhook driven with real Update JSON; replies go through python-telegram-bot's Bot
to a local Bot API stand-in."""

from __future__ import annotations

import json

import pytest

from bot.messages import Message, Reply
from webhooks.channels.telegram_updates import MAX_CHARS, text_within_limit

SECRET = {"X-Telegram-Bot-Api-Secret-Token": "test-webhook-secret"}
CHAT_ID = "5550001234"


@pytest.fixture
def client(make_app, telegram_api):
    return make_app(SRO_TELEGRAM_API_BASE=telegram_api.base).test_client()


@pytest.fixture
def update(payload):
    """A recorded update by short name, as a dict."""
    return lambda name: json.loads(payload(f"telegram_{name}.json"))


def post(client, body: dict, headers=SECRET):
    return client.post("/telegram/webhook", json=body, headers=headers)


def fresh_answer(knowledge_base, *texts: str) -> str:
    """What a new engine says on Telegram to the last of these messages."""
    from bot.engine import Engine

    engine = Engine(knowledge_base)
    return [engine.handle(Message("telegram", CHAT_ID, t))[0].full_text for t in texts][-1]


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
    assert data == [str(n) for n in range(1, len(rows) + 1)] and len(rows) > 1
    assert all(len(d.encode()) <= 64 for d in data)


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


def test_foreign_callback_data_only_stops_the_spinner(client, telegram_api, update):
    body = update("callback_query")
    body["callback_query"]["data"] = "delete-everything"
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


@pytest.mark.parametrize(
    "kwargs, status, reason",
    [
        ({"data": b"not json", "content_type": "application/json"}, 400, "body is not valid JSON"),
        (
            {"data": b'{"update_id": 1, "message": "\xff"}', "content_type": "application/json"},
            400,
            "body is not valid UTF-8",
        ),
        ({"json": [1, 2]}, 400, "body must be a JSON object"),
        ({"json": {"message": {}}}, 400, "update_id must be an integer"),
        ({"json": {"update_id": 5, "message": {"text": "no chat"}}}, 400, "not a Telegram update"),
        (
            {"data": "update_id=1", "content_type": "application/x-www-form-urlencoded"},
            415,
            "content type must be application/json",
        ),
    ],
    ids=["not-json", "bad-utf8", "array", "no-update-id", "broken-message", "form"],
)
def test_malformed_bodies_get_a_clear_4xx(client, telegram_api, kwargs, status, reason):
    response = client.post("/telegram/webhook", headers=SECRET, **kwargs)
    assert (response.status_code, response.json) == (status, {"error": reason})
    assert telegram_api.calls == []


def test_bot_api_failure_is_logged_not_raised(client, telegram_api, update):
    telegram_api.fail_with = 400
    response = post(client, update("message"))
    assert response.status_code == 200
    assert telegram_api.sent()


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


def test_a_group_message_is_marked_shared_and_a_private_one_is_not(update):
    from telegram import Update

    from webhooks.channels.telegram_updates import message_from_tg

    private = update("message")
    group = json.loads(json.dumps(private))
    group["message"]["chat"] = {"id": -1001234, "title": "Grade 8", "type": "supergroup"}
    assert not message_from_tg(Update.de_json(private, None).message).shared
    assert message_from_tg(Update.de_json(group, None).message).shared
