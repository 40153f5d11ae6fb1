"""Telegram webhook: check the secret token header, decode the Update, answer through the Bot."""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Callable

from flask import Blueprint, Request, Response, jsonify, request
from telegram import Update

from webhooks import logs
from webhooks.channels.telegram_updates import answer_and_log
from webhooks.context import services
from webhooks.http.inputs import BadInput, object_from_json, require_mimetype
from webhooks.stores import stored

bp = Blueprint("telegram_webhook", __name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def verified_by_secret(view: Callable) -> Callable:
    """403 unless the secret-token header equals the configured (non-empty) secret."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        expected = services().config.telegram_webhook_secret.encode()
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not expected or not hmac.compare_digest(given, expected):
            raise BadInput("bad secret token" if given else "no secret token", 403)
        return view(*args, **kwargs)

    return wrapper


def update_from_request(req: Request) -> Update:
    """Decode a Bot API Update (kinds added to the API later are accepted); BadInput with a
    fixed reason, never the body's content, otherwise."""
    require_mimetype(req, "application/json")
    data = object_from_json(req.get_data())
    if type(data.get("update_id")) is not int:
        raise BadInput("no update_id")
    try:
        return Update.de_json(data, None)
    except Exception:  # whatever the parser raises, this is not an update it understands
        raise BadInput("not a Telegram update") from None


@bp.post("/telegram/webhook")
@verified_by_secret
def webhook() -> Response:
    """Handle each update once. Telegram resends anything not answered with a 2xx, so a body
    with the right secret that is no update is acknowledged too, and logged without content."""
    try:
        update = update_from_request(request)
    except BadInput as exc:
        logs.event("malformed", level=logging.WARNING, channel="telegram", reason=exc.reason)
        return jsonify(ok=True)
    svc = services()
    assert svc.telegram is not None  # this blueprint is registered only with a bot token
    key = f"tg:{update.update_id}"
    if not stored(lambda: svc.replays.claim(key), True, "telegram"):  # one atomic insert
        logs.event("duplicate", channel="telegram", update_id=update.update_id)
        return jsonify(ok=True)
    later = svc.runtime.queue if svc.runtime else None
    answer_and_log(update, svc, svc.telegram, later)
    stored(lambda: svc.replays.put(key, "handled"), None, "telegram")
    return jsonify(ok=True)
