"""Telegram webhook: check the secret token header, decode the Update, answer through the Bot."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable

from flask import Blueprint, Response, jsonify, request
from telegram import Update

from webhooks import logs
from webhooks.channels.telegram_updates import answer_and_log
from webhooks.context import services
from webhooks.http.inputs import BadInput, object_from_json, require_mimetype

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


def update_from_body(raw: bytes) -> Update:
    """Decode a Bot API Update (kinds added to the API later are accepted); 400 otherwise."""
    data = object_from_json(raw)
    if not isinstance(data.get("update_id"), int):
        raise BadInput("update_id must be an integer")
    try:
        return Update.de_json(data, None)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BadInput("not a Telegram update") from None


@bp.post("/telegram/webhook")
@verified_by_secret
def webhook() -> Response:
    """Handle each update once; Telegram retries until it gets a 2xx."""
    require_mimetype(request, "application/json")
    update = update_from_body(request.get_data())
    svc = services()
    assert svc.telegram is not None  # this blueprint is registered only with a bot token
    key = f"tg:{update.update_id}"
    if svc.replays.get(key) is not None:
        logs.event("duplicate", channel="telegram", update_id=update.update_id)
    else:
        svc.replays.put(key, "handled")
        answer_and_log(update, svc, svc.telegram)
    return jsonify(ok=True)
