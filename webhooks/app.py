"""Application factory: one Flask app, a blueprint per channel, the engine in app.extensions."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from bot import privacy
from bot.messages import Answerer
from bot.settings import model_cache
from bot.storage.models import now
from bot.storage.spool import Spool
from bot.storage.stores import SqlOptOutStore, SqlReplayStore
from webhooks import logs, office
from webhooks.channels import telegram_webhook, twilio_sms, web_chat
from webhooks.config import Config, check, load_env
from webhooks.context import Runtime, Services, build_runtime, services
from webhooks.delivery import outbox
from webhooks.delivery.clients import TelegramClient
from webhooks.delivery.queue import HEARTBEAT
from webhooks.http import errors

WORKER_LATE_SECONDS = 180  # the sweep runs every minute


def engine_from_config(config: Config, runtime: Runtime | None = None) -> Answerer:
    """The real engine with conversation state in the database and the schools desk;
    raises faq.loader.KnowledgeBaseError for a broken knowledge base."""
    from bot.engine import build_engine
    from bot.escalation.desk import Desk
    from bot.storage.stores import SqlStateStore

    runtime = runtime or build_runtime(config)
    engine = build_engine(
        kb_dir=Path(config.kb_dir) if config.kb_dir else None,
        store=SqlStateStore(runtime.db),
        desk=Desk(runtime.db, runtime.notifier, office_url=config.public_base_url),
        model_cache=model_cache(config.core),
        spool=Spool(Path(config.core.spool_dir)),
        step_minutes=config.core.step_minutes,
    )
    engine.replay_spool()  # reports kept while the database was down, before a restart
    return engine


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
    """For monitors: the process answers, its knowledge base loaded, and how the office alerts
    fare: how many wait and for how long, and when a worker last swept (a worker that has not
    swept for WORKER_LATE_SECONDS is "late"). Always 200: the chat works without a worker."""
    svc = services()
    config = svc.config
    channels = {"web": True, "sms": config.sms_enabled, "telegram": config.telegram_enabled}
    body: dict[str, Any] = {"status": "ok", "knowledge_base": "loaded", "channels": channels}
    if svc.runtime is not None:
        try:
            body["alerts"] = _alerts_health(svc.runtime.db)
        except SQLAlchemyError:
            body.update(status="degraded", database="down")
        body["queue_depth"] = _queue_depth(svc.runtime)
    return jsonify(body)


def _queue_depth(runtime: Runtime) -> int | None:
    """Tasks waiting in the queue now; None when the queue cannot be asked."""
    try:
        return int(runtime.queue.huey.pending_count())
    except Exception:  # noqa: BLE001  (a queue that is down is reported, not raised)
        return None


def _alerts_health(db) -> dict[str, Any]:
    count, oldest = outbox.backlog(db)
    beat = SqlReplayStore(db).get(HEARTBEAT)
    at = now()
    seen = (at - datetime.fromisoformat(beat)).total_seconds() if beat else None
    worker = "ok" if seen is not None and seen <= WORKER_LATE_SECONDS else "late"
    return {
        "undelivered": count,
        "oldest_undelivered_seconds": round((at - oldest).total_seconds()) if oldest else 0,
        "worker": worker if beat else "never seen",
        "worker_seen_seconds_ago": round(seen) if seen is not None else None,
    }


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
