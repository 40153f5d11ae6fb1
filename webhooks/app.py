"""Application factory: one Flask app, a blueprint per channel, the engine in app.extensions."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

from bot import privacy
from bot.messages import Answerer
from bot.settings import model_cache
from bot.storage.stores import SqlOptOutStore, SqlReplayStore
from webhooks import logs, office
from webhooks.channels import telegram_webhook, twilio_sms, web_chat
from webhooks.config import Config, check, load_env
from webhooks.context import Runtime, Services, build_runtime, services
from webhooks.delivery.clients import TelegramClient
from webhooks.http import errors


def engine_from_config(config: Config, runtime: Runtime | None = None) -> Answerer:
    """The real engine with conversation state in the database and the schools desk;
    raises faq.loader.KnowledgeBaseError for a broken knowledge base."""
    from bot.engine import build_engine
    from bot.escalation.desk import Desk
    from bot.storage.stores import SqlStateStore

    runtime = runtime or build_runtime(config)
    return build_engine(
        kb_dir=Path(config.kb_dir) if config.kb_dir else None,
        store=SqlStateStore(runtime.db),
        desk=Desk(runtime.db, runtime.notifier, office_url=config.public_base_url),
        model_cache=model_cache(config.core),
    )


def create_app(
    config: Config | None = None, *, engine: Answerer | None = None, notifier: Any = None
) -> Flask:
    """Build the app; refuse to start on unsafe settings or a broken knowledge base."""
    config = config or load_env()
    check(config)
    privacy.configure(config.core.hash_salt)
    logs.configure(config.log_level)
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=config.max_body_bytes, TESTING=config.testing)
    telegram = None
    if config.telegram_enabled:
        telegram = TelegramClient(config.telegram_bot_token, config.telegram_api_base)
    runtime = build_runtime(config)
    runtime.notifier = notifier or runtime.notifier  # tests may record instead of queueing
    app.extensions["sro"] = Services(
        config,
        engine or engine_from_config(config, runtime),
        runtime.notifier,
        telegram=telegram,
        optouts=SqlOptOutStore(runtime.db),
        replays=SqlReplayStore(runtime.db),
        runtime=runtime,
    )
    office.register(app, config.secret_key)
    app.register_blueprint(web_chat.bp)
    if config.sms_enabled:
        app.register_blueprint(twilio_sms.bp)
    if config.telegram_enabled:
        app.register_blueprint(telegram_webhook.bp)
    app.add_url_rule("/healthz", view_func=healthz)
    errors.register(app)
    _instrument(app)
    if config.proxy_hops:  # the client's address from X-Forwarded-For, for rate limits
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_hops)  # type: ignore[method-assign]
    return app


def healthz() -> Response:
    """Liveness for monitors: the process answers and its knowledge base loaded."""
    config = services().config
    channels = {"web": True, "sms": config.sms_enabled, "telegram": config.telegram_enabled}
    return jsonify(status="ok", knowledge_base="loaded", channels=channels)


def _instrument(app: Flask) -> None:
    """Time each request, log it without its body, add protective headers."""

    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def finish(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        logs.event(
            "request",
            method=request.method,
            path=request.path,
            status=response.status_code,
            ms=round(ms, 1),
        )
        return response
