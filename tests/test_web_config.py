"""Settings from the environment: explicit casts, safe defaults, refusal to start unsafely."""

from __future__ import annotations

import os

import pytest

from faq.loader import KnowledgeBaseError
from webhooks.app import create_app
from webhooks.config import Config, ConfigError, check, load_env


def test_defaults_run_the_web_chat_only():
    config = load_env({})
    assert config == Config()
    assert not config.sms_enabled and not config.telegram_enabled
    check(config)


def test_secrets_stay_strings():
    config = load_env({"TWILIO_AUTH_TOKEN": "123456", "TELEGRAM_WEBHOOK_SECRET": "000123"})
    assert config.twilio_auth_token == "123456"
    assert config.telegram_webhook_secret == "000123"


def test_numbers_and_flags_are_cast():
    config = load_env(
        {"SRO_MAX_BODY_BYTES": "2048", "SRO_DEMO": "yes", "PUBLIC_BASE_URL": "https://a.example/"}
    )
    assert config.max_body_bytes == 2048 and config.demo is True
    assert config.public_base_url == "https://a.example"


@pytest.mark.parametrize("value", ["lots", "-1", "0"])
def test_bad_numbers_are_refused_by_name(value):
    with pytest.raises(ConfigError, match="SRO_MAX_BODY_BYTES"):
        load_env({"SRO_MAX_BODY_BYTES": value})


def test_proxy_hops_may_be_zero_but_not_negative():
    assert load_env({"SRO_PROXY_HOPS": "0"}).proxy_hops == 0
    assert load_env({"SRO_PROXY_HOPS": "2"}).proxy_hops == 2
    with pytest.raises(ConfigError, match="SRO_PROXY_HOPS must be at least 0"):
        load_env({"SRO_PROXY_HOPS": "-1"})


@pytest.mark.parametrize(
    "env, missing",
    [
        ({"TELEGRAM_BOT_TOKEN": "1:a"}, "TELEGRAM_WEBHOOK_SECRET"),
        ({"TWILIO_AUTH_TOKEN": "t"}, "PUBLIC_BASE_URL"),
        ({"TWILIO_ACCOUNT_SID": "AC1"}, "TWILIO_AUTH_TOKEN"),
        ({"SRO_LOG_LEVEL": "chatty"}, "SRO_LOG_LEVEL"),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_WEBHOOK_SECRET": "has space"}, "A-Z a-z"),
        ({"TWILIO_AUTH_TOKEN": "t", "PUBLIC_BASE_URL": "https://a.example"}, "SRO_HASH_SALT"),
    ],
)
def test_enabled_channel_without_its_secret_refuses_to_start(env, missing, engine):
    with pytest.raises(ConfigError, match=missing):
        create_app(load_env({**os.environ, **env}), engine=engine)


def test_demo_mode_tolerates_a_missing_secret_but_not_a_half_configured_account(engine):
    create_app(
        load_env({**os.environ, "TELEGRAM_BOT_TOKEN": "1:a", "SRO_DEMO": "1"}), engine=engine
    )
    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN"):
        create_app(
            load_env({**os.environ, "TWILIO_ACCOUNT_SID": "AC1", "SRO_DEMO": "1"}), engine=engine
        )


def test_a_broken_knowledge_base_stops_the_app(tmp_path):
    (tmp_path / "en.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError):
        create_app(load_env({**os.environ, "SRO_KB_DIR": str(tmp_path)}))
