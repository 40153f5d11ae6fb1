"""sro-bot telegram (polling) and telegram set-webhook, against a local Bot API stand-in."""

from __future__ import annotations

import json

import pytest

from webhooks.cli import main, webhook_url_from


@pytest.fixture
def env(monkeypatch, telegram_api):
    for name, value in {
        "TELEGRAM_BOT_TOKEN": "7000000001:TEST-token",
        "TELEGRAM_WEBHOOK_SECRET": "test-webhook-secret",
        "SRO_TELEGRAM_API_BASE": telegram_api.base,
        "PUBLIC_BASE_URL": "https://sro.example.org",
    }.items():
        monkeypatch.setenv(name, value)


def test_set_webhook_registers_url_and_secret(env, telegram_api, capsys):
    assert main(["telegram", "set-webhook", "https://sro.example.org/"]) == 0
    (call,) = telegram_api.sent("setWebhook")
    assert call["url"] == "https://sro.example.org/telegram/webhook"
    assert call["secret_token"] == "test-webhook-secret"
    assert json.loads(call["allowed_updates"]) == ["message", "edited_message", "callback_query"]
    assert "https://sro.example.org/telegram/webhook" in capsys.readouterr().out


def test_set_webhook_defaults_to_the_public_base_url(env, telegram_api):
    assert main(["telegram", "set-webhook"]) == 0
    assert telegram_api.sent("setWebhook")[0]["url"] == "https://sro.example.org/telegram/webhook"


def test_set_webhook_refuses_without_a_secret(env, telegram_api, monkeypatch, capsys):
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "")
    assert main(["telegram", "set-webhook", "https://sro.example.org"]) == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in capsys.readouterr().err
    assert telegram_api.calls == []


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://a.example/", "https://a.example/telegram/webhook"),
        ("https://a.example/hooks/tg", "https://a.example/hooks/tg"),
    ],
)
def test_webhook_url_from(url, expected):
    assert webhook_url_from(url) == expected


@pytest.mark.parametrize("url", ["http://a.example", "a.example", ""])
def test_webhook_url_must_be_https(url):
    with pytest.raises(ValueError, match="https"):
        webhook_url_from(url)


def test_polling_answers_updates_like_the_webhook(env, telegram_api, payload):
    telegram_api.updates = [
        json.loads(payload("telegram_command_start.json")),
        json.loads(payload("telegram_sticker.json")),
    ]
    assert main(["telegram", "--rounds", "2"]) == 0
    names = [name for name, _ in telegram_api.calls]
    assert names == ["deleteWebhook", "getUpdates", "sendMessage", "sendMessage", "getUpdates"]
    assert telegram_api.sent("getUpdates")[1]["offset"] == "733120006"
    buttons = json.loads(telegram_api.sent()[0]["reply_markup"])["inline_keyboard"]
    assert buttons[0][0]["callback_data"] == "c:sro-role"  # the choice's id, not its number


def test_polling_needs_a_bot_token(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    with pytest.raises(SystemExit, match="TELEGRAM_BOT_TOKEN"):
        main(["telegram", "--rounds", "1"])
